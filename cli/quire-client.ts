/**
 * The CLI's only way to talk to Quire: the public GraphQL API over HTTP (queries, mutations,
 * multipart uploads) and graphql-ws (subscriptions), plus the two download routes the API
 * links to. Every failure becomes a CliError with a message naming what went wrong.
 */
import { createClient, type Client } from "graphql-ws";
import { CliError, ExitCode } from "./cli-error.ts";

export interface ServerTarget {
  /** Base URL, e.g. http://127.0.0.1:4000 (no /graphql). */
  url: string;
  key: string;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: ErrorLike[];
}

/** A file to send with the GraphQL multipart request spec. */
export interface UploadFile {
  name: string;
  blob: Blob;
}

export class QuireClient {
  private readonly base: string;
  private readonly authorization: string;
  private socket: Client | undefined;

  constructor(target: ServerTarget) {
    this.base = target.url.replace(/\/+$/, "").replace(/\/graphql$/, "");
    this.authorization = `Bearer ${target.key}`;
  }

  /** Runs a query or mutation; GraphQL errors become one CliError naming each. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await this.send("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    return this.readResult<T>(response);
  }

  /** Runs a mutation whose `files` variable (a list) carries `files`, as multipart. */
  async upload<T>(query: string, variables: Record<string, unknown>, files: UploadFile[], fileVariable = "files"): Promise<T> {
    const form = new FormData();
    const single = !Array.isArray(variables[fileVariable]) && files.length === 1 && variables[fileVariable] === null;
    form.append("operations", JSON.stringify({ query, variables }));
    form.append(
      "map",
      JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [single ? `variables.${fileVariable}` : `variables.${fileVariable}.${i}`]]))),
    );
    files.forEach((file, i) => form.append(String(i), file.blob, file.name));
    const response = await this.send("/graphql", { method: "POST", headers: { "x-graphql-csrf": "1" }, body: form });
    return this.readResult<T>(response);
  }

  /** GET of a route the API links to (downloads, exports), with the same key. */
  async download(pathOrUrl: string): Promise<Response> {
    // Links the API gives are absolute; send them to the server this client was given.
    const url = new URL(pathOrUrl, this.base);
    const path = url.pathname + url.search;
    const response = await this.send(path, { method: "GET" });
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      throw new CliError(`GET ${path} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ""}`, ExitCode.server);
    }
    return response;
  }

  /**
   * A subscription as an async iterator. The socket reconnects by itself (a dropped connection
   * re-subscribes, and Quire's subscriptions start again with a fresh snapshot).
   */
  async *subscribe<T>(query: string, variables: Record<string, unknown>): AsyncGenerator<T> {
    const socket = (this.socket ??= createClient({
      url: this.base.replace(/^http/, "ws") + "/graphql",
      connectionParams: { authorization: this.authorization },
      retryAttempts: 20,
      shouldRetry: (event) => !(isCloseEvent(event) && (event.code === 4403 || event.code === 4401)),
      lazy: true,
    }));
    try {
      for await (const result of socket.iterate<T>({ query, variables })) {
        if (result.errors?.length) throw graphQLErrors(result.errors);
        if (result.data) yield result.data as T;
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      if (isCloseEvent(error) && (error.code === 4403 || error.code === 4401)) {
        throw new CliError("The server refused the API key (check --key or QUIRE_API_KEY).", ExitCode.server);
      }
      if (Array.isArray(error)) throw graphQLErrors(error as ErrorLike[]);
      throw new CliError(`The live connection to ${this.base} failed: ${describe(error)}`, ExitCode.server);
    }
  }

  async close(): Promise<void> {
    await this.socket?.dispose();
    this.socket = undefined;
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("authorization", this.authorization);
    let response: Response;
    try {
      response = await fetch(this.base + path, { ...init, headers });
    } catch (error) {
      throw new CliError(`Cannot reach Quire at ${this.base} (${describe(error)}). Is the server running? Set --url or QUIRE_URL.`, ExitCode.server);
    }
    if (response.status === 401) throw new CliError("The server refused the API key (check --key or QUIRE_API_KEY).", ExitCode.server);
    return response;
  }

  private async readResult<T>(response: Response): Promise<T> {
    const text = await response.text();
    let body: GraphQLResponse<T>;
    try {
      body = JSON.parse(text) as GraphQLResponse<T>;
    } catch {
      throw new CliError(`The server answered ${response.status} without GraphQL: ${text.slice(0, 200)}`, ExitCode.server);
    }
    if (body.errors?.length) throw graphQLErrors(body.errors);
    if (!body.data) throw new CliError(`The server answered ${response.status} with no data.`, ExitCode.server);
    return body.data;
  }
}

interface ErrorLike {
  readonly message: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

function graphQLErrors(errors: readonly ErrorLike[] | undefined): CliError {
  const codeOf = (error: ErrorLike) => (typeof error.extensions?.code === "string" ? error.extensions.code : "");
  const lines = (errors ?? []).flatMap((error) => {
    const code = codeOf(error) ? `${codeOf(error)}: ` : "";
    const issues = Array.isArray(error.extensions?.issues)
      ? (error.extensions.issues as { message?: unknown }[]).map((issue) => `  - ${String(issue.message)}`)
      : [];
    return [`${code}${error.message}`, ...issues];
  });
  const userError = (errors ?? []).some((e) => ["BAD_USER_INPUT", "INVALID_UPLOAD", "NOT_FOUND"].includes(codeOf(e)));
  return new CliError(lines.join("\n"), userError ? ExitCode.usage : ExitCode.server);
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === "object" && value !== null && "code" in value && typeof value.code === "number";
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  if (isCloseEvent(error)) return `socket closed with ${error.code}${error.reason ? ` (${error.reason})` : ""}`;
  return String(error);
}
