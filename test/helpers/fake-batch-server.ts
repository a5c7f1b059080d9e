import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createAnthropicBatchRoutes } from "./fake-anthropic-batches.ts";
import type { FakeMessageBatch } from "./fake-anthropic-batches.ts";

/**
 * A fake OpenAI Batch API that speaks real HTTP, so the official SDK runs unmodified against
 * it: POST /v1/files (multipart, purpose "batch"), GET /v1/files/:id/content, POST /v1/batches,
 * GET /v1/batches/:id, GET /v1/batches, POST /v1/batches/:id/cancel. A batch advances one step
 * per retrieve (validating → in_progress → finalizing → completed), answering `perPoll`
 * requests per step; its output file lists results in reverse order (the real API promises no
 * order), and a request whose user message contains "FAIL" gets a per-request 400. Tests can
 * stop and restart the server on the same port (state kept), expire or fail batches, and read
 * the calls made. Anthropic's Message Batches routes live on the same server
 * (fake-anthropic-batches.ts; `url` is the Anthropic SDK's base URL).
 */
export interface FakeBatchServer {
  readonly url: string;
  /** Base URL for the OpenAI SDK (…/v1). */
  readonly openaiBaseUrl: string;
  /** Requests seen, "METHOD /path". */
  readonly calls: string[];
  /** Requests answered per poll of an in-progress batch. Default: all at once. */
  perPoll: number;
  /** The next created batch expires (status "expired") after this many answered requests. */
  expireAfter: number | null;
  batches(): FakeBatch[];
  /** Anthropic message batches created so far. */
  messageBatches(): FakeMessageBatch[];
  /** Stops listening (connections refused) until restart(); state is kept. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeBatch {
  id: string;
  status: string;
  inputFileId: string;
  requests: BatchLine[];
  answered: number;
  expireAfter: number | null;
  outputFileId: string | null;
  errorFileId: string | null;
  metadata: Record<string, string> | null;
}

interface BatchLine {
  custom_id: string;
  method: string;
  url: string;
  body: { model: string; messages: { role: string; content: string }[]; max_completion_tokens?: number };
}

export async function startFakeBatchServer(): Promise<FakeBatchServer> {
  const files = new Map<string, string>();
  const batches = new Map<string, FakeBatch>();
  const calls: string[] = [];
  let port = 0;
  let nextId = 1;
  const id = (prefix: string) => `${prefix}_${String(nextId++).padStart(6, "0")}`;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, 500, { error: { message: String(error) } }));
  });

  const fake: FakeBatchServer = {
    url: "",
    openaiBaseUrl: "",
    calls,
    perPoll: Number.POSITIVE_INFINITY,
    expireAfter: null,
    batches: () => [...batches.values()],
    messageBatches: () => anthropic.batches(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    restart: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    close: () => (server.listening ? fake.stop() : Promise.resolve()),
  };

  const anthropic = createAnthropicBatchRoutes({ baseUrl: () => fake.url, perPoll: () => fake.perPoll, expireAfter: () => fake.expireAfter, send });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? "/").split("?")[0]!;
    calls.push(`${req.method} ${path}`);
    if (anthropic.handle(req.method ?? "GET", path, raw, res)) return;
    if (req.method === "POST" && path === "/v1/files") {
      // Node's Request parses the SDK's multipart body like any server framework would.
      const form = await new Request("http://fake/v1/files", { method: "POST", headers: req.headers as HeadersInit, body: raw }).formData();
      const file = form.get("file");
      if (form.get("purpose") !== "batch" || !(file instanceof Blob)) return send(res, 400, { error: { message: "purpose must be batch" } });
      const fileId = id("file");
      files.set(fileId, await file.text());
      return send(res, 200, { id: fileId, object: "file", bytes: file.size, created_at: now(), filename: "batch.jsonl", purpose: "batch" });
    }
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (req.method === "GET" && content) {
      const text = files.get(content[1]!);
      if (text === undefined) return send(res, 404, { error: { message: "No such file" } });
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return res.end(text);
    }
    if (req.method === "POST" && path === "/v1/batches") {
      const body = JSON.parse(raw.toString("utf8")) as { input_file_id: string; endpoint: string; metadata?: Record<string, string> };
      const input = files.get(body.input_file_id);
      if (input === undefined || body.endpoint !== "/v1/chat/completions") return send(res, 400, { error: { message: "invalid batch" } });
      const batch: FakeBatch = {
        id: id("batch"),
        status: "validating",
        inputFileId: body.input_file_id,
        requests: input.split("\n").filter(Boolean).map((line) => JSON.parse(line) as BatchLine),
        answered: 0,
        expireAfter: fake.expireAfter,
        outputFileId: null,
        errorFileId: null,
        metadata: body.metadata ?? null,
      };
      batches.set(batch.id, batch);
      return send(res, 200, view(batch));
    }
    if (req.method === "GET" && path === "/v1/batches") {
      return send(res, 200, { object: "list", data: [...batches.values()].reverse().map(view), has_more: false, first_id: null, last_id: null });
    }
    const batchPath = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path);
    const batch = batchPath ? batches.get(batchPath[1]!) : undefined;
    if (batchPath && !batch) return send(res, 404, { error: { message: "No such batch" } });
    if (batch && req.method === "POST" && batchPath![2]) {
      if (!["completed", "failed", "expired", "cancelled"].includes(batch.status)) finish(batch, "cancelled");
      return send(res, 200, view(batch));
    }
    if (batch && req.method === "GET") {
      advance(batch);
      return send(res, 200, view(batch));
    }
    return send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  }

  function advance(batch: FakeBatch) {
    if (batch.status === "validating") batch.status = "in_progress";
    else if (batch.status === "in_progress") {
      batch.answered = Math.min(batch.requests.length, batch.answered + fake.perPoll);
      if (batch.expireAfter !== null && batch.answered >= batch.expireAfter) {
        batch.answered = batch.expireAfter;
        finish(batch, "expired");
      } else if (batch.answered === batch.requests.length) batch.status = "finalizing";
    } else if (batch.status === "finalizing") finish(batch, "completed");
  }

  /** Writes the output and error files of the answered requests, in reverse order. */
  function finish(batch: FakeBatch, status: string) {
    const answered = batch.requests.slice(0, batch.answered).reverse();
    const ok = answered.filter((request) => !lastUser(request).includes("FAIL"));
    const bad = answered.filter((request) => lastUser(request).includes("FAIL"));
    const output = ok.map((request, n) => JSON.stringify({ id: `batch_req_${n}`, custom_id: request.custom_id, response: { status_code: 200, request_id: `req_${n}`, body: completion(request) }, error: null }));
    const errors = bad.map((request, n) =>
      JSON.stringify({
        id: `batch_req_e${n}`,
        custom_id: request.custom_id,
        response: { status_code: 400, request_id: `req_e${n}`, body: { error: { message: "Invalid prompt", type: "invalid_request_error", code: "invalid_prompt" } } },
        error: null,
      }),
    );
    if (output.length > 0) {
      batch.outputFileId = id("file");
      files.set(batch.outputFileId, `${output.join("\n")}\n`);
    }
    if (errors.length > 0) {
      batch.errorFileId = id("file");
      files.set(batch.errorFileId, `${errors.join("\n")}\n`);
    }
    batch.status = status;
  }

  function view(batch: FakeBatch) {
    const answered = batch.requests.slice(0, batch.answered);
    const failed = answered.filter((request) => lastUser(request).includes("FAIL")).length;
    return {
      id: batch.id,
      object: "batch",
      endpoint: "/v1/chat/completions",
      errors: null,
      input_file_id: batch.inputFileId,
      completion_window: "24h",
      status: batch.status,
      output_file_id: batch.outputFileId,
      error_file_id: batch.errorFileId,
      created_at: now(),
      request_counts: { total: batch.requests.length, completed: answered.length - failed, failed },
      metadata: batch.metadata,
    };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  Object.assign(fake, { url: `http://127.0.0.1:${port}`, openaiBaseUrl: `http://127.0.0.1:${port}/v1` });
  return fake;
}

function lastUser(request: BatchLine): string {
  return request.body.messages.filter((message) => message.role === "user").at(-1)?.content ?? "";
}

/** A chat completion answering `request`, with usage the test can recompute. */
function completion(request: BatchLine) {
  const text = `answer: ${lastUser(request)}`;
  return {
    id: `chatcmpl-${request.custom_id}`,
    object: "chat.completion",
    created: now(),
    model: request.body.model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 0 } },
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
