import { z } from "zod";
import type { PriceTable } from "../../providers/price-table.ts";
import { providerDefinition } from "../../providers/provider-registry.ts";
import type { ProviderName } from "../../providers/provider-types.ts";
import { GenerationInputError, parseOrThrow } from "../generation-input-error.ts";
import type { PromptSpec } from "../prompt-batch-service.ts";
import { ADVANCE_TASK, advanceJobKey, advancePayload } from "./prompt-batch-advance.ts";
import type { PromptBatchItem, PromptBatchJob, PromptBatchJobStore } from "./prompt-batch-job-store.ts";

/** The OpenAI Batch API takes at most 50,000 requests per batch. */
export const MAX_BATCH_PROMPTS = 50_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const promptSchema = z.object({
  prompt: z.string().refine((text) => text.trim() !== "", "prompt is empty").refine((text) => text.length <= 100_000, "prompt is longer than 100000 characters"),
  provider: z.enum(["openai", "anthropic", "local"]).nullish(),
  model: z.string().nullish(),
  system: z.string().max(100_000, "system is longer than 100000 characters").nullish(),
  temperature: z.number().min(0, "temperature must be at least 0").max(2, "temperature must be at most 2").nullish(),
  maxTokens: z.int().min(1, "maxTokens must be at least 1").max(128_000, "maxTokens must be at most 128,000").nullish(),
});

const submitSchema = z.object({
  prompts: z
    .array(promptSchema)
    .min(1, "prompts must contain at least one prompt")
    .max(MAX_BATCH_PROMPTS, `prompts may contain at most ${MAX_BATCH_PROMPTS} prompts`),
});

/** What the service needs besides the store. */
export interface PromptBatchJobServiceDeps {
  store: PromptBatchJobStore;
  prices: PriceTable;
  /** The provider and model a request naming these would use (the gateway's routing). */
  resolveChat(provider: ProviderName | undefined, model: string | undefined): { provider: ProviderName; model: string };
  /** Whether `provider` is configured with a batch API. */
  hasBatchApi(provider: ProviderName): boolean;
  /** Runs the job's advance now (a cancel should not wait for the next poll). */
  wake(jobId: string): Promise<void>;
  /** Largest batch a provider's batch API takes, in bytes; default: the provider registry's. */
  maxBatchBytes?(provider: ProviderName): number | null;
}

// What one request adds to the serialised batch besides its texts (custom_id, method, url, model, caps).
const REQUEST_OVERHEAD_BYTES = 300;

/**
 * Prompt batches through a provider's batch API, owned by their submitter: another user's
 * ids behave exactly like unknown ids. The work itself is the durable advance job.
 */
export class PromptBatchJobService {
  readonly #deps: PromptBatchJobServiceDeps;

  constructor(deps: PromptBatchJobServiceDeps) {
    this.#deps = deps;
  }

  /** Stores the prompts and enqueues the job; throws GenerationInputError for bad input. */
  async submit(userId: string, prompts: readonly PromptSpec[], choice: { provider?: ProviderName | null; model?: string | null }): Promise<PromptBatchJob> {
    const input = parseOrThrow(submitSchema, { prompts }, (path) => (path[0] === "prompts" && typeof path[1] === "number" ? `prompts[${path[1]}]` : undefined));
    const target = this.#deps.resolveChat(choice.provider ?? undefined, choice.model ?? undefined);
    // A provider batch runs one model: per-prompt providers or models would be silently ignored.
    const mismatch = input.prompts.findIndex((prompt) => (prompt.provider && prompt.provider !== target.provider) || (prompt.model && prompt.model !== target.model));
    if (mismatch >= 0) {
      throw new GenerationInputError([{ path: ["prompts", mismatch], message: `prompts[${mismatch}]: a batch runs one provider and model (${target.provider} ${target.model})` }]);
    }
    if (providerDefinition(target.provider).batchPriceFactor === null || !this.#deps.hasBatchApi(target.provider)) {
      throw new GenerationInputError([{ path: ["provider"], message: `${target.provider} has no batch API configured (use openai or anthropic)` }]);
    }
    const maxBytes = this.#deps.maxBatchBytes ? this.#deps.maxBatchBytes(target.provider) : providerDefinition(target.provider).batchMaxBytes;
    const bytes = input.prompts.reduce(
      (sum, prompt) => sum + REQUEST_OVERHEAD_BYTES + target.model.length + Buffer.byteLength(JSON.stringify(prompt.prompt)) + (prompt.system ? Buffer.byteLength(JSON.stringify(prompt.system)) : 0),
      0,
    );
    if (maxBytes !== null && bytes > maxBytes) {
      const size = (value: number) => (value >= 1024 * 1024 ? `${(value / 1024 / 1024).toFixed(1)} MB` : `${(value / 1024).toFixed(1)} KB`);
      throw new GenerationInputError([
        { path: ["prompts"], message: `the prompts come to about ${size(bytes)}, over the ${size(maxBytes)} one ${target.provider} batch takes: split them into several batches` },
      ]);
    }
    return this.#deps.store.create(
      { userId, provider: target.provider, model: target.model, prompts: input.prompts },
      (jobId) => ({ task: ADVANCE_TASK, payload: advancePayload.parse({ jobId }), jobKey: advanceJobKey(jobId) }),
    );
  }

  /** The user's job, or null for unknown ids and other users' jobs alike. */
  async find(userId: string, id: string): Promise<PromptBatchJob | null> {
    return UUID.test(id) ? this.#deps.store.findOwned(userId, id) : null;
  }

  async list(userId: string, first: number, offset: number): Promise<PromptBatchJob[]> {
    return this.#deps.store.list(userId, Math.min(Math.max(first, 1), 100), Math.max(offset, 0));
  }

  /** Results in input order (pending ones with success null). */
  async results(job: PromptBatchJob, first: number, offset: number): Promise<PromptBatchItem[]> {
    return this.#deps.store.itemPage(job.id, Math.min(Math.max(first, 1), 1000), Math.max(offset, 0));
  }

  /** Asks the provider to stop the batch; answered prompts keep their results. Null when not found. */
  async cancel(userId: string, id: string): Promise<PromptBatchJob | null> {
    const job = await this.find(userId, id);
    if (!job) return null;
    if (await this.#deps.store.requestCancel(job.id)) await this.#deps.wake(job.id);
    return this.#deps.store.find(job.id);
  }
}
