import { createFetch } from "@whatwg-node/fetch";
import type { Config } from "../config.ts";

/** Bytes of one non-file multipart field (`operations`, `map`): queries and variables. */
export const maxMultipartFieldBytes = 1024 * 1024;

/**
 * The fetch API Yoga builds its requests with, with explicit limits for multipart bodies
 * (busboy in @whatwg-node/node-fetch). A file over the limit answers 413
 * REQUEST_ENTITY_TOO_LARGE; too many files or fields answer 400. The GraphQL multipart
 * spec needs two fields (`operations`, `map`) plus one part per file.
 */
export function multipartLimitedFetchAPI(config: Pick<Config, "maxFiles" | "maxFileBytes">): ReturnType<typeof createFetch> {
  const fields = 8;
  return createFetch({
    formDataLimits: {
      fileSize: config.maxFileBytes,
      files: config.maxFiles,
      fields,
      parts: config.maxFiles + fields,
      fieldSize: maxMultipartFieldBytes,
      fieldNameSize: 100,
      // A part's headers carry its filename (255 characters, up to ~1 KiB of UTF-8, and more
      // once percent-encoded); 100 bytes silently cut names after ~45 characters.
      headerSize: 16 * 1024,
    },
  });
}
