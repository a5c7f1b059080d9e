import { setTimeout as sleep } from "node:timers/promises";
import type { TestApp } from "./test-app.ts";

export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

/** Sends uploadBatch as a GraphQL multipart request (the spec's operations/map/files). */
export async function uploadBatch(
  testApp: TestApp,
  headers: Record<string, string>,
  files: UploadFile[],
  options: Record<string, unknown> = {},
  selection = "id status documentCount documents { id filename status }",
): Promise<{ data?: { uploadBatch: Record<string, unknown> & { id: string } }; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const form = new FormData();
  form.append(
    "operations",
    JSON.stringify({
      query: `mutation ($files: [File!]!, $options: BatchOptionsInput) { uploadBatch(files: $files, options: $options) { ${selection} } }`,
      variables: { files: files.map(() => null), options },
    }),
  );
  form.append("map", JSON.stringify(Object.fromEntries(files.map((_, index) => [String(index), [`variables.files.${index}`]]))));
  files.forEach((file, index) => form.append(String(index), new File([Buffer.from(file.bytes)], file.name, { type: "application/pdf" })));
  const response = await testApp.app.yoga.fetch("http://quire.test/graphql", {
    method: "POST",
    headers: { ...headers, "x-graphql-csrf": "1" },
    body: form,
  });
  return (await response.json()) as never;
}

const BATCH_FIELDS = `id status progress documentCount completedCount failedCount startedAt finishedAt
  documents { id filename status pageCount stage progress error { code message } summary title
    stages { stage status attempts pagesDone pagesTotal error { code message } } }`;

export interface BatchView {
  id: string;
  status: string;
  progress: number;
  documentCount: number;
  completedCount: number;
  failedCount: number;
  documents: {
    id: string;
    filename: string;
    status: string;
    pageCount: number | null;
    stage: string | null;
    progress: number;
    error: { code: string; message: string } | null;
    summary: string | null;
    title: string | null;
    stages: { stage: string; status: string; attempts: number; pagesDone: number; pagesTotal: number | null; error: { code: string } | null }[];
  }[];
}

export async function readBatch(testApp: TestApp, headers: Record<string, string>, id: string): Promise<BatchView | null> {
  const result = await testApp.graphql<{ batch: BatchView | null }>(`query ($id: ID!) { batch(id: $id) { ${BATCH_FIELDS} } }`, { id }, headers);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.batch;
}

/** Polls until the batch reaches a terminal status (or `until` holds), failing after `timeoutMs`. */
export async function waitForBatch(
  testApp: TestApp,
  headers: Record<string, string>,
  id: string,
  { timeoutMs = 90_000, until }: { timeoutMs?: number; until?: (batch: BatchView) => boolean } = {},
): Promise<BatchView> {
  const deadline = Date.now() + timeoutMs;
  let last: BatchView | null = null;
  while (Date.now() < deadline) {
    last = await readBatch(testApp, headers, id);
    if (last && (until ? until(last) : ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes(last.status))) return last;
    await sleep(150);
  }
  throw new Error(`batch ${id} did not settle in time: ${JSON.stringify(last, null, 1)}`);
}
