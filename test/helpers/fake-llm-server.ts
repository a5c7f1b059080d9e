import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake model provider that speaks real HTTP on 127.0.0.1 in OpenAI's
 * (/v1/chat/completions, /v1/embeddings) and Anthropic's (/v1/messages) wire formats, so
 * the official SDKs run unmodified against it. Tests script failures, latency and drops,
 * and read back every request with its headers and timing.
 */

/** How the server answers one request. Unset fields fall back to a normal success. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body; defaults to a well-formed answer for the route when status is 2xx. */
  body?: unknown;
  /** Delay before answering (overrides the server's default latency). */
  latencyMs?: number;
  /** Destroy the connection instead of answering (after the latency). */
  drop?: boolean;
  /** Answer only once this settles (then after the latency): tests decide the order of answers. */
  until?: Promise<unknown>;
}

/** One request as the server saw it. Times are performance.now() milliseconds. */
export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  receivedAt: number;
  finishedAt: number | null;
  /** The client went away before the answer was sent (timeout, abort). */
  aborted: boolean;
}

/** The running server and its controls. */
export interface FakeLlmServer {
  readonly url: string;
  /** Base URL for the OpenAI SDK (…/v1). */
  readonly openaiBaseUrl: string;
  /** Base URL for the Anthropic SDK. */
  readonly anthropicBaseUrl: string;
  readonly requests: RecordedRequest[];
  /** Requests received and not yet answered or dropped. */
  readonly inFlight: number;
  /** Highest `inFlight` since start or reset(). */
  readonly maxInFlight: number;
  /** Default latency of every answer. */
  latencyMs: number;
  /** Queues responses consumed in order by the next requests (any route). */
  script(...responses: ScriptedResponse[]): void;
  /** Decides responses per request (after the script queue runs out); undefined = default. */
  respond: ((request: RecordedRequest) => ScriptedResponse | undefined) | null;
  /** Clears records, script, respond hook and counters (latency is kept). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts a server on an ephemeral port. */
export async function startFakeLlmServer(options: { latencyMs?: number } = {}): Promise<FakeLlmServer> {
  const requests: RecordedRequest[] = [];
  let queue: ScriptedResponse[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  const fake: FakeLlmServer = {
    url: "",
    openaiBaseUrl: "",
    anthropicBaseUrl: "",
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    latencyMs: options.latencyMs ?? 0,
    script: (...responses) => {
      queue.push(...responses);
    },
    respond: null,
    reset: () => {
      requests.length = 0;
      queue = [];
      fake.respond = null;
      maxInFlight = inFlight;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const record: RecordedRequest = {
      seq: requests.length,
      method: req.method ?? "GET",
      path: (req.url ?? "/").split("?")[0] ?? "/",
      headers: req.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      receivedAt: performance.now(),
      finishedAt: null,
      aborted: false,
    };
    requests.push(record);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);

    const scripted = queue.shift() ?? fake.respond?.(record) ?? {};
    let settled = false;
    const settle = (aborted: boolean) => {
      if (settled) return;
      settled = true;
      record.aborted = aborted;
      record.finishedAt = performance.now();
      inFlight--;
    };
    let timer: NodeJS.Timeout | undefined;
    const answer = () => {
      if (scripted.drop) {
        settle(false);
        req.socket.destroy();
        return;
      }
      const status = scripted.status ?? 200;
      const body = scripted.body ?? (status < 300 ? successBody(record) : { error: { message: "scripted error" } });
      res.writeHead(status, { "content-type": "application/json", ...scripted.headers });
      res.end(JSON.stringify(body));
      settle(false);
    };
    const schedule = () => {
      if (!settled) timer = setTimeout(answer, scripted.latencyMs ?? fake.latencyMs);
    };
    if (scripted.until) void scripted.until.then(schedule, schedule);
    else schedule();
    res.on("close", () => {
      if (!settled) {
        clearTimeout(timer);
        settle(true);
      }
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  Object.assign(fake, { url, openaiBaseUrl: `${url}/v1`, anthropicBaseUrl: url });
  return fake;
}

/** The text of the last user turn of an OpenAI or Anthropic request body. */
export function lastUserText(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  const last = messages.filter((message) => message.role === "user").at(-1);
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  return (last.content as { type: string; text?: string }[])
    .filter((part) => part.type === "text")
    .map((part) => part.text ?? "")
    .join(" ");
}

function successBody(request: RecordedRequest): unknown {
  const { body } = request;
  const model = typeof body.model === "string" ? body.model : "unknown";
  const promptTokens = Math.max(1, Math.ceil(JSON.stringify(body.messages ?? body.input ?? "").length / 4));
  if (request.path === "/v1/embeddings") {
    const inputs = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
    return {
      object: "list",
      model,
      data: inputs.map((input, index) => ({ object: "embedding", index, embedding: fakeVector(input) })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
  }
  const text = `echo: ${lastUserText(body)}`;
  const completionTokens = Math.max(1, Math.ceil(text.length / 4));
  if (request.path === "/v1/messages") {
    return {
      id: `msg_${request.seq}`,
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: promptTokens,
        output_tokens: completionTokens,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    };
  }
  return {
    id: `chatcmpl-${request.seq}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0 },
    },
  };
}

/** The deterministic vector the fake server returns for `text`. */
export function fakeVector(text: string): number[] {
  const vector = [0, 0, 0, 0];
  for (let i = 0; i < text.length; i++) vector[i % 4]! += text.charCodeAt(i) / 1000;
  return vector;
}

/** Error responses shaped as OpenAI returns them. */
export const openaiErrors = {
  rateLimited: (retryAfterSeconds?: number): ScriptedResponse => ({
    status: 429,
    headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
    body: openaiError("Rate limit reached for requests", "requests", "rate_limit_exceeded"),
  }),
  insufficientQuota: (): ScriptedResponse => ({
    status: 429,
    body: openaiError(
      "You exceeded your current quota, please check your plan and billing details.",
      "insufficient_quota",
      "insufficient_quota",
    ),
  }),
  serverError: (): ScriptedResponse => ({ status: 500, body: openaiError("The server had an error", "server_error", null) }),
  badRequest: (): ScriptedResponse => ({
    status: 400,
    body: openaiError("Invalid value for 'messages'", "invalid_request_error", "invalid_value"),
  }),
  invalidKey: (key: string): ScriptedResponse => ({
    status: 401,
    body: openaiError(`Incorrect API key provided: ${key}.`, "invalid_request_error", "invalid_api_key"),
  }),
  permissionDenied: (): ScriptedResponse => ({
    status: 403,
    body: openaiError("You are not allowed to sample from this model", "invalid_request_error", null),
  }),
  modelNotFound: (): ScriptedResponse => ({
    status: 404,
    body: openaiError("The model does not exist", "invalid_request_error", "model_not_found"),
  }),
};

function openaiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

/** Error responses shaped as Anthropic returns them. */
export const anthropicErrors = {
  rateLimited: (retryAfterSeconds?: number): ScriptedResponse => ({
    status: 429,
    headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
    body: anthropicError("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
  }),
  overloaded: (): ScriptedResponse => ({ status: 529, body: anthropicError("overloaded_error", "Overloaded") }),
  serverError: (): ScriptedResponse => ({ status: 500, body: anthropicError("api_error", "Internal server error") }),
  badRequest: (): ScriptedResponse => ({
    status: 400,
    body: anthropicError("invalid_request_error", "messages: field required"),
  }),
  creditBalanceTooLow: (): ScriptedResponse => ({
    status: 400,
    body: anthropicError(
      "invalid_request_error",
      "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
    ),
  }),
  billing: (): ScriptedResponse => ({ status: 402, body: anthropicError("billing_error", "Billing issue") }),
  spendLimit: (): ScriptedResponse => ({
    status: 429,
    body: anthropicError("rate_limit_error", "You have reached your specified API usage limits.", {
      error_code: "enforced_spend_limit_reached",
    }),
  }),
  invalidKey: (key: string): ScriptedResponse => ({
    status: 401,
    body: anthropicError("authentication_error", `invalid x-api-key ${key}`),
  }),
  permissionDenied: (): ScriptedResponse => ({
    status: 403,
    body: anthropicError("permission_error", "Your API key does not have permission to use the specified resource."),
  }),
};

function anthropicError(type: string, message: string, details?: Record<string, string>) {
  return {
    type: "error",
    error: { type, message, ...(details ? { details } : {}) },
    request_id: "req_fake",
  };
}
