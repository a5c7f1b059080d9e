import type { GenerationHarness } from "./generation-support.ts";

export const EMBED_FILE = `mutation ($file: File!, $batchSize: Int) {
  embedFile(file: $file, batchSize: $batchSize) { id filename status batchSize processed failed total downloadUrl error { code message } } }`;

export const JOB_FIELDS = "id filename status processed failed total batchSize error { code message } finishedAt downloadUrl";

export interface EmbeddingJobView {
  id: string;
  filename: string;
  status: string;
  batchSize: number;
  processed: number;
  failed: number;
  total: number | null;
  downloadUrl: string;
  error: { code: string; message: string } | null;
  finishedAt?: string | null;
}

type GraphQLBody<T> = { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/** Sends embedFile as a real HTTP GraphQL multipart request (operations, map, file). */
export async function uploadForEmbedding(
  harness: GenerationHarness,
  content: string | Uint8Array,
  options: { filename?: string; batchSize?: number; headers?: Record<string, string> } = {},
): Promise<GraphQLBody<{ embedFile: EmbeddingJobView }>> {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query: EMBED_FILE, variables: { file: null, batchSize: options.batchSize } }));
  form.append("map", JSON.stringify({ 0: ["variables.file"] }));
  form.append("0", new File([typeof content === "string" ? content : Buffer.from(content)], options.filename ?? "lines.txt", { type: "text/plain" }));
  const response = await fetch(`${harness.baseUrl}/graphql`, {
    method: "POST",
    headers: { ...(options.headers ?? harness.user.headers), "x-graphql-csrf": "1" },
    body: form,
  });
  return (await response.json()) as GraphQLBody<{ embedFile: EmbeddingJobView }>;
}

/** GET /embeddings/<id>.ndjson with the given headers. */
export async function download(harness: GenerationHarness, jobId: string, headers: Record<string, string> = harness.user.headers) {
  const response = await fetch(`${harness.baseUrl}/embeddings/${jobId}.ndjson`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * Waits on the job's progress events until it has finished, reading the job through the API
 * after each one (subscribed before the first read, so no change is missed).
 */
export async function waitForJob(harness: GenerationHarness, id: string): Promise<EmbeddingJobView> {
  const events = harness.testApp.app.services().events.subscribe("embedding", id);
  try {
    for (;;) {
      const result = await harness.testApp.graphql<{ embeddingJob: EmbeddingJobView }>(
        `query ($id: ID!) { embeddingJob(id: $id) { ${JOB_FIELDS} } }`,
        { id },
        harness.user.headers,
      );
      const job = result.data?.embeddingJob;
      if (!job) throw new Error(`job ${id} is not readable: ${JSON.stringify(result)}`);
      if (job.status !== "QUEUED" && job.status !== "RUNNING") return job;
      if ((await events.next()).done) throw new Error("progress subscription ended");
    }
  } finally {
    await events.return();
  }
}
