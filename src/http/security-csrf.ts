import { createGraphQLError, type Plugin } from "graphql-yoga";

/** Content types a browser may send cross-site without a CORS preflight. */
const simpleContentTypes = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

/** Any one of these headers proves the request went through a preflight (a browser cannot add it to a simple request). */
export const csrfHeaders = ["x-graphql-csrf", "x-graphql-yoga-csrf", "apollo-require-preflight"];

/**
 * CSRF prevention as in @graphql-yoga/plugin-csrf-prevention (not installed): a GraphQL
 * request that a browser could send cross-site without a preflight (GET, or a simple
 * content type such as multipart/form-data) must carry one of `csrfHeaders`. Runs before the
 * body is parsed, so a refused upload is never read.
 */
export function csrfPreventionPlugin(requestHeaders: readonly string[] = csrfHeaders): Plugin {
  return {
    onRequestParse({ request }) {
      const contentType = request.headers.get("content-type")?.toLowerCase();
      const preflighted = contentType !== undefined && !simpleContentTypes.some((simple) => contentType.startsWith(simple));
      if (preflighted || requestHeaders.some((header) => request.headers.has(header))) return;
      throw createGraphQLError(
        `This request needs a CSRF header: send "x-graphql-csrf: 1" (or a JSON content type).`,
        { extensions: { code: "CSRF_HEADER_REQUIRED", http: { status: 403 } } },
      );
    },
  };
}
