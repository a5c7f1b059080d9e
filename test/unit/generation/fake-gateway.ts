import type { EmbedRequest, EmbedResult, GenerateRequest, GenerateResult, ModelGateway } from "../../../src/providers/provider-types.ts";

/** How the fake behaves; every hook receives the request so a test can vary it per call. */
export interface FakeGatewayOptions {
  /** Provider latency in ms (cache hits take none). Default 0. */
  latencyMs?: number | ((request: GenerateRequest) => number);
  answer?: (request: GenerateRequest) => string;
  /** Return an error to make the call fail after its latency. */
  fail?: (request: GenerateRequest) => Error | null;
  /** Remember answers like the real gateway's response cache (keyed by model + messages). */
  cache?: boolean;
  usage?: { inputTokens: number; outputTokens: number };
  costUsd?: number;
  /** Latency reported in GenerateResult.latencyMs; defaults to the simulated latency. */
  reportedLatencyMs?: (request: GenerateRequest) => number;
  embedLatencyMs?: number;
  embedDimensions?: number;
  embedFail?: (request: EmbedRequest) => Error | null;
  /** Vectors to return; default one per input. */
  embedVectors?: (request: EmbedRequest) => number[][];
}

/** A ModelGateway for orchestration tests: records calls and the most calls ever in flight. */
export interface FakeGateway extends ModelGateway {
  calls: GenerateRequest[];
  embedCalls: EmbedRequest[];
  inFlight: number;
  maxInFlight: number;
  embedInFlight: number;
  maxEmbedInFlight: number;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}

/** Builds a fake gateway; see FakeGatewayOptions. */
export function createFakeGateway(options: FakeGatewayOptions = {}): FakeGateway {
  const cache = new Map<string, string>();
  const gateway: FakeGateway = {
    calls: [],
    embedCalls: [],
    inFlight: 0,
    maxInFlight: 0,
    embedInFlight: 0,
    maxEmbedInFlight: 0,
    defaults: () => ({ provider: "openai", model: "fake-model", embeddingModel: "fake-embed" }),
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      gateway.calls.push(request);
      const key = JSON.stringify([request.model, request.messages]);
      const base = {
        provider: request.provider ?? ("openai" as const),
        model: request.model ?? "fake-model",
        callId: `call-${gateway.calls.length}`,
      };
      if (options.cache && request.cache !== "bypass" && cache.has(key)) {
        return { ...base, text: cache.get(key)!, usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 }, costUsd: 0, latencyMs: 0, cached: true };
      }
      gateway.inFlight += 1;
      gateway.maxInFlight = Math.max(gateway.maxInFlight, gateway.inFlight);
      try {
        const latency = typeof options.latencyMs === "function" ? options.latencyMs(request) : (options.latencyMs ?? 0);
        await sleep(latency, request.signal);
        const failure = options.fail?.(request);
        if (failure) throw failure;
        const text = options.answer?.(request) ?? "An answer";
        if (options.cache) cache.set(key, text);
        const usage = options.usage ?? { inputTokens: 100, outputTokens: 20 };
        return {
          ...base,
          text,
          usage: { ...usage, cachedInputTokens: 0 },
          costUsd: options.costUsd ?? 0.001,
          latencyMs: options.reportedLatencyMs?.(request) ?? latency,
          cached: false,
        };
      } finally {
        gateway.inFlight -= 1;
      }
    },
    async embed(request: EmbedRequest): Promise<EmbedResult> {
      gateway.embedCalls.push(request);
      gateway.embedInFlight += 1;
      gateway.maxEmbedInFlight = Math.max(gateway.maxEmbedInFlight, gateway.embedInFlight);
      try {
        await sleep(options.embedLatencyMs ?? 0, request.signal);
        const failure = options.embedFail?.(request);
        if (failure) throw failure;
        const dimensions = options.embedDimensions ?? 3;
        const vectors = options.embedVectors?.(request) ?? request.inputs.map((input) => Array.from({ length: dimensions }, (_, i) => input.length + i));
        return {
          vectors,
          provider: "openai",
          model: "fake-embed",
          usage: { inputTokens: request.inputs.reduce((sum, input) => sum + input.length, 0), outputTokens: 0, cachedInputTokens: 0 },
          costUsd: 0.0001 * request.inputs.length,
          latencyMs: options.embedLatencyMs ?? 0,
          cached: false,
          callId: `embed-${gateway.embedCalls.length}`,
        };
      } finally {
        gateway.embedInFlight -= 1;
      }
    },
  };
  return gateway;
}

/** The <field> JSON of a field prompt, to let a fake answer per field. */
export function promptField(request: GenerateRequest): { label: string; type: string; options?: string[] } {
  const user = request.messages.find((message) => message.role === "user")?.content;
  const text = typeof user === "string" ? user : "";
  const json = /<field>\n([\s\S]*?)\n<\/field>/.exec(text)?.[1] ?? "{}";
  return JSON.parse(json) as { label: string; type: string; options?: string[] };
}
