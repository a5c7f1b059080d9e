import { Writable } from "node:stream";
import type { FormattedExecutionResult } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

/** A graphql-transport-ws socket driven message by message, to assert close codes. */
export interface RawSocket {
  send(message: Record<string, unknown>): void;
  /** The next message matching `predicate` (already received ones included). */
  message(predicate?: (message: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
  close(): void;
}

export async function openRawSocket(port: number): Promise<RawSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, "graphql-transport-ws");
  const received: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (data: Buffer) => {
    received.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const waiter of waiters) waiter();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    send: (message) => ws.send(JSON.stringify(message)),
    message(predicate = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const index = received.findIndex(predicate);
          if (index < 0) return;
          const [found] = received.splice(index, 1);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found!);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    closed,
    isOpen: () => ws.readyState === WebSocket.OPEN,
    close: () => ws.close(),
  };
}

/** The official graphql-ws client on a test app's port. */
export function wsClient(port: number, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(connectionParams ? { connectionParams } : {}),
  });
}

/** Runs one operation on a graphql-ws client and returns its first result (or the error it fails with). */
export async function wsFirstResult(client: Client, query: string, variables?: Record<string, unknown>): Promise<FormattedExecutionResult<Record<string, unknown>, unknown> | { failure: unknown }> {
  try {
    const iterator = client.iterate({ query, ...(variables ? { variables } : {}) });
    for await (const result of iterator) {
      await iterator.return?.();
      return result;
    }
    return { failure: "completed without a result" };
  } catch (error) {
    return { failure: error };
  }
}

/** POSTs over HTTP with `accept: text/event-stream` and returns the first `next` payloads (SSE). */
export async function sseResults(
  port: number,
  query: string,
  options: { headers?: Record<string, string>; variables?: Record<string, unknown>; count?: number } = {},
): Promise<{ status: number; results: Record<string, unknown>[] }> {
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...options.headers },
    body: JSON.stringify({ query, variables: options.variables }),
    signal: controller.signal,
  });
  const results: Record<string, unknown>[] = [];
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    results.push((await response.json()) as Record<string, unknown>);
    return { status: response.status, results };
  }
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = response.body!.getReader();
  try {
    while (results.length < (options.count ?? 1)) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trim())
          .join("\n");
        if (/^event: next$/m.test(event) && data) results.push(JSON.parse(data) as Record<string, unknown>);
      }
      if (/^event: complete$/m.test(buffer)) break;
    }
  } finally {
    controller.abort();
    await reader.cancel().catch(() => undefined);
  }
  return { status: response.status, results };
}

/** A pino destination that keeps everything written to it. */
export function captureStream(): { stream: Writable; text(): string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}
