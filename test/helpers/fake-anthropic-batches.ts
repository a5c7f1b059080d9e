import type { ServerResponse } from "node:http";

/**
 * Anthropic's Message Batches routes for the fake batch server (real HTTP, so the official SDK
 * runs unmodified): POST /v1/messages/batches, GET /v1/messages/batches[/:id], GET
 * /v1/messages/batches/:id/results (JSONL, only once ended), POST /v1/messages/batches/:id/cancel.
 * A batch answers `perPoll` requests per retrieve while in_progress; a cancel makes it
 * "canceling" and the next retrieve ends it with the rest canceled; `expireAfter` ends it with
 * the rest expired. Results come back in reverse order (the API promises none), and a request
 * whose user message contains "FAIL" gets an errored result.
 */
export interface FakeMessageBatch {
  id: string;
  status: "in_progress" | "canceling" | "ended";
  requests: MessageBatchRequest[];
  answered: number;
  /** What became of the requests not answered when the batch ended. */
  rest: "canceled" | "expired" | null;
  cancelInitiatedAt: string | null;
  expireAfter: number | null;
}

interface MessageBatchRequest {
  custom_id: string;
  params: { model: string; max_tokens: number; system?: string; messages: { role: string; content: string }[] };
}

export interface AnthropicBatchRoutes {
  batches(): FakeMessageBatch[];
  /** Answers the request when it is one of these routes; false otherwise. */
  handle(method: string, path: string, raw: Buffer, res: ServerResponse): boolean;
}

export function createAnthropicBatchRoutes(options: {
  baseUrl: () => string;
  perPoll: () => number;
  expireAfter: () => number | null;
  send: (res: ServerResponse, status: number, body: unknown) => void;
}): AnthropicBatchRoutes {
  const batches = new Map<string, FakeMessageBatch>();
  let nextId = 1;
  const { send } = options;

  function handle(method: string, path: string, raw: Buffer, res: ServerResponse): boolean {
    if (!path.startsWith("/v1/messages/batches")) return false;
    if (method === "POST" && path === "/v1/messages/batches") {
      const body = JSON.parse(raw.toString("utf8")) as { requests?: MessageBatchRequest[] };
      if (!Array.isArray(body.requests) || body.requests.length === 0) {
        send(res, 400, { type: "error", error: { type: "invalid_request_error", message: "requests: at least one request" } });
        return true;
      }
      const batch: FakeMessageBatch = {
        id: `msgbatch_${String(nextId++).padStart(6, "0")}`,
        status: "in_progress",
        requests: body.requests,
        answered: 0,
        rest: null,
        cancelInitiatedAt: null,
        expireAfter: options.expireAfter(),
      };
      batches.set(batch.id, batch);
      send(res, 200, view(batch));
      return true;
    }
    if (method === "GET" && path === "/v1/messages/batches") {
      send(res, 200, { data: [...batches.values()].reverse().map(view), has_more: false, first_id: null, last_id: null });
      return true;
    }
    const match = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/.exec(path);
    const batch = match ? batches.get(match[1]!) : undefined;
    if (!match || !batch) {
      send(res, 404, { type: "error", error: { type: "not_found_error", message: "No such message batch" } });
      return true;
    }
    if (method === "POST" && match[2] === "/cancel") {
      if (batch.status === "in_progress") {
        batch.status = "canceling";
        batch.cancelInitiatedAt = new Date().toISOString();
      }
      send(res, 200, view(batch));
    } else if (method === "GET" && match[2] === "/results") {
      if (batch.status !== "ended") send(res, 404, { type: "error", error: { type: "not_found_error", message: "Batch has not ended" } });
      else {
        res.writeHead(200, { "content-type": "application/binary" });
        res.end(`${results(batch).join("\n")}\n`);
      }
    } else if (method === "GET" && !match[2]) {
      advance(batch);
      send(res, 200, view(batch));
    } else send(res, 404, { type: "error", error: { type: "not_found_error", message: `no route ${method} ${path}` } });
    return true;
  }

  function advance(batch: FakeMessageBatch) {
    if (batch.status === "canceling") {
      batch.status = "ended";
      batch.rest = "canceled";
    } else if (batch.status === "in_progress") {
      batch.answered = Math.min(batch.requests.length, batch.answered + options.perPoll());
      if (batch.expireAfter !== null && batch.answered >= batch.expireAfter) {
        batch.answered = batch.expireAfter;
        batch.status = "ended";
        batch.rest = "expired";
      } else if (batch.answered === batch.requests.length) batch.status = "ended";
    }
  }

  function results(batch: FakeMessageBatch): string[] {
    return batch.requests
      .map((request, index) => {
        if (index >= batch.answered) return { custom_id: request.custom_id, result: { type: batch.rest ?? "expired" } };
        if (lastUser(request).includes("FAIL")) {
          return { custom_id: request.custom_id, result: { type: "errored", error: { type: "error", error: { type: "invalid_request_error", message: "Invalid prompt" } } } };
        }
        return { custom_id: request.custom_id, result: { type: "succeeded", message: message(request) } };
      })
      .reverse()
      .map((line) => JSON.stringify(line));
  }

  function view(batch: FakeMessageBatch) {
    const answered = batch.requests.slice(0, batch.answered);
    const errored = answered.filter((request) => lastUser(request).includes("FAIL")).length;
    const unanswered = batch.requests.length - batch.answered;
    const ended = batch.status === "ended";
    return {
      id: batch.id,
      type: "message_batch",
      processing_status: batch.status,
      request_counts: {
        processing: ended ? 0 : unanswered,
        succeeded: answered.length - errored,
        errored,
        canceled: ended && batch.rest === "canceled" ? unanswered : 0,
        expired: ended && batch.rest === "expired" ? unanswered : 0,
      },
      created_at: new Date().toISOString(),
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      ended_at: ended ? new Date().toISOString() : null,
      cancel_initiated_at: batch.cancelInitiatedAt,
      archived_at: null,
      results_url: ended ? `${options.baseUrl()}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  return { batches: () => [...batches.values()], handle };
}

function lastUser(request: MessageBatchRequest): string {
  return request.params.messages.filter((message) => message.role === "user").at(-1)?.content ?? "";
}

/** A Message answering `request`, with usage the test can recompute. */
function message(request: MessageBatchRequest) {
  return {
    id: `msg_${request.custom_id}`,
    type: "message",
    role: "assistant",
    model: request.params.model,
    content: [{ type: "text", text: `answer: ${lastUser(request)}` }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  };
}
