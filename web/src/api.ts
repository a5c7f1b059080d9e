import { createClient, type Client } from "graphql-ws";
import { session } from "./session.ts";

/**
 * The dashboard's only way to the server: the public GraphQL API over fetch (queries and
 * mutations), graphql-ws (subscriptions) and XHR (multipart uploads, for upload progress).
 */

export interface GraphQLErrorItem {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A GraphQL or HTTP failure with the server's message and code. */
export class ApiError extends Error {
  readonly code: string | undefined;
  readonly status: number;
  constructor(message: string, code: string | undefined, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

function errorFrom(status: number, body: { errors?: GraphQLErrorItem[] } | undefined): ApiError {
  const first = body?.errors?.[0];
  if (status === 401 || first?.extensions?.code === "UNAUTHENTICATED") {
    return new ApiError("That API key was not accepted: check it, or ask for a new one with `npm run keys -- create <name>`.", "UNAUTHENTICATED", status);
  }
  if (first) return new ApiError(first.message, first.extensions?.code, status);
  return new ApiError(`The server answered ${status}.`, undefined, status);
}

/** Runs a query or mutation with the session's key. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, key = session.key()): Promise<T> {
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${key ?? ""}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("The server cannot be reached. Is Quire running?", "NETWORK", 0);
  }
  const body = (await response.json().catch(() => undefined)) as { data?: T; errors?: GraphQLErrorItem[] } | undefined;
  if (!response.ok || body?.errors?.length || !body?.data) throw errorFrom(response.status, body);
  return body.data;
}

/** Connection state of the graphql-ws socket, for the "reconnecting" banner. */
export type SocketState = "idle" | "connecting" | "connected" | "reconnecting";
const socketListeners = new Set<(state: SocketState) => void>();
export function onSocketState(listener: (state: SocketState) => void): () => void {
  socketListeners.add(listener);
  return () => socketListeners.delete(listener);
}

let client: Client | undefined;
let connectedOnce = false;
// Subscriptions open now: with none, a closed socket is the lazy client resting, not a failure.
let active = 0;

/** One graphql-ws client per signed-in session; it reconnects (and re-subscribes) by itself. */
function wsClient(): Client {
  if (client) return client;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  client = createClient({
    url,
    connectionParams: () => ({ authorization: session.authorization() }),
    lazy: true,
    keepAlive: 10_000,
    retryAttempts: Infinity,
    // A refused key (4403) will not get better by retrying; anything else (a dropped socket, a
    // restarting server) is retried with graphql-ws's backoff.
    shouldRetry: (event) => !(event instanceof CloseEvent && event.code === 4403),
    retryWait: async (retries) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5000)));
    },
    on: {
      connecting: () => socketListeners.forEach((l) => l(connectedOnce ? "reconnecting" : "connecting")),
      connected: () => {
        connectedOnce = true;
        socketListeners.forEach((l) => l("connected"));
      },
      closed: () => {
        socketListeners.forEach((l) => l(active > 0 && connectedOnce ? "reconnecting" : "idle"));
      },
    },
  });
  return client;
}

/** Closes the socket (on sign-out). */
export async function closeSocket(): Promise<void> {
  const current = client;
  client = undefined;
  connectedOnce = false;
  await current?.dispose();
}

export interface SubscriptionHandlers<T> {
  next(data: T): void;
  error?(error: ApiError): void;
  complete?(): void;
}

/** Subscribes over graphql-ws; returns the function that unsubscribes. */
export function subscribe<T>(query: string, variables: Record<string, unknown>, handlers: SubscriptionHandlers<T>): () => void {
  active++;
  let open = true;
  const finish = (): void => {
    if (open) active--;
    open = false;
  };
  const unsubscribe = wsClient().subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) handlers.error?.(errorFrom(200, { errors: result.errors as GraphQLErrorItem[] }));
        else if (result.data) handlers.next(result.data);
      },
      error: (error: unknown) => {
        finish();
        if (Array.isArray(error)) handlers.error?.(errorFrom(200, { errors: error as GraphQLErrorItem[] }));
        else if (error instanceof CloseEvent && error.code === 4403) handlers.error?.(errorFrom(401, undefined));
        else handlers.error?.(new ApiError("The live connection failed.", "SOCKET", 0));
      },
      complete: () => {
        finish();
        handlers.complete?.();
      },
    },
  );
  return () => {
    finish();
    unsubscribe();
  };
}

/**
 * A GraphQL multipart request (one operation, files in `fileVariable`) through XHR, which
 * reports upload progress as fetch cannot.
 */
export function uploadMultipart<T>(
  query: string,
  variables: Record<string, unknown>,
  files: { path: string; file: File }[],
  onProgress: (fraction: number) => void,
): Promise<T> {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables }));
  form.append("map", JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [f.path]]))));
  files.forEach((f, i) => form.append(String(i), f.file, f.file.name));
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/graphql");
    xhr.setRequestHeader("authorization", session.authorization());
    xhr.setRequestHeader("x-graphql-csrf", "1");
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError("The upload was interrupted: the server cannot be reached.", "NETWORK", 0));
    xhr.onload = () => {
      let body: { data?: T; errors?: GraphQLErrorItem[] } | undefined;
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body?.data && !body.errors?.length) {
        onProgress(1);
        resolve(body.data);
      } else if (xhr.status === 413) {
        reject(new ApiError("A file is larger than the server accepts.", "FILE_TOO_LARGE", 413));
      } else {
        reject(errorFrom(xhr.status, body));
      }
    };
    xhr.send(form);
  });
}

/** GETs a file served under the key (page images, embedding results) as a blob. */
export async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url, { headers: { authorization: session.authorization() } });
  if (!response.ok) throw errorFrom(response.status, (await response.json().catch(() => undefined)) as never);
  return response.blob();
}
