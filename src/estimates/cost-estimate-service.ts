import { z } from "zod";
import type { PrismaClient } from "../db/prisma-client.ts";
import { NotFoundError } from "../errors/domain-errors.ts";
import { GenerationInputError, parseOrThrow } from "../generation/generation-input-error.ts";
import { estimatePipelineCost, type EstimatedDocument } from "../pipeline/pipeline-cost-estimate.ts";
import { estimatePromptCost, type CostEstimate, type EstimatedPrompt } from "../providers/cost-estimate.ts";
import type { ModelGatewayService } from "../providers/model-gateway.ts";
import { providerDefinition } from "../providers/provider-registry.ts";
import type { ProviderName } from "../providers/provider-types.ts";

/** What to estimate: prompts, described documents, or the documents of an uploaded batch. */
export type EstimateSubject =
  | { kind: "prompts"; prompts: readonly EstimatedPrompt[]; defaultMaxTokens: number }
  | { kind: "documents"; documents: readonly { pages: number; textTokens?: number | null; widthPx?: number | null; heightPx?: number | null }[] }
  | { kind: "batch"; userId: string; batchId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const documentsSchema = z
  .array(
    z
      .object({
        pages: z.int("pages must be a whole number").min(1, "pages must be at least 1").max(100_000, "pages must be at most 100,000"),
        textTokens: z.int("textTokens must be a whole number").min(0, "textTokens must be at least 0").max(1_000_000_000, "textTokens must be at most 1,000,000,000").nullish(),
        widthPx: z.int().min(1, "widthPx must be at least 1").max(100_000, "widthPx must be at most 100,000").nullish(),
        heightPx: z.int().min(1, "heightPx must be at least 1").max(100_000, "heightPx must be at most 100,000").nullish(),
      })
      .refine((document) => (document.widthPx == null) === (document.heightPx == null), "give both widthPx and heightPx, or neither"),
  )
  .min(1, "documents must contain at least one document")
  .max(10_000, "documents may contain at most 10,000 documents");

/**
 * Cost estimates before anything runs, for prompts (real time and batch prices) or a pipeline
 * run with a model (documents described by page count and text size, or a batch already
 * uploaded, read from what its stages have stored). Makes no model call.
 */
export class CostEstimateService {
  readonly #prisma: PrismaClient;
  readonly #gateway: ModelGatewayService;
  readonly #pageMaxOutputTokens: number;

  constructor(deps: { prisma: PrismaClient; gateway: ModelGatewayService; pageMaxOutputTokens: number }) {
    this.#prisma = deps.prisma;
    this.#gateway = deps.gateway;
    this.#pageMaxOutputTokens = deps.pageMaxOutputTokens;
  }

  /** Throws GenerationInputError for bad input, NotFoundError for a batch that is not the user's. */
  async estimate(subject: EstimateSubject, choice: { provider?: ProviderName | null; model?: string | null }): Promise<CostEstimate> {
    const chat = this.#gateway.resolveChat(choice.provider ?? undefined, choice.model ?? undefined);
    if (subject.kind === "prompts") {
      if (subject.prompts.length === 0 || subject.prompts.length > 100_000) {
        throw new GenerationInputError([{ path: ["prompts"], message: "prompts must contain 1 to 100,000 prompts" }]);
      }
      const batchAvailable = providerDefinition(chat.provider).batchPriceFactor !== null;
      return estimatePromptCost(this.#gateway.prices, { ...chat, batchAvailable }, subject.prompts, subject.defaultMaxTokens);
    }
    const documents =
      subject.kind === "documents"
        ? parseOrThrow(documentsSchema, subject.documents, (path) => (typeof path[0] === "number" ? `documents[${path[0]}]` : undefined)).map(
            (document): EstimatedDocument => ({
              pages: document.pages,
              textTokens: document.textTokens ?? null,
              pagePixels: document.widthPx && document.heightPx ? { width: document.widthPx, height: document.heightPx } : null,
            }),
          )
        : await this.#batchDocuments(subject.userId, subject.batchId);
    const target = { chat, embedding: this.#gateway.embeddingTarget(), pageMaxOutputTokens: this.#pageMaxOutputTokens };
    return estimatePipelineCost(this.#gateway.prices, target, documents);
  }

  /**
   * An uploaded batch's documents as stored so far: page counts from VALIDATE, text size from
   * EXTRACT when it has run (about 4 characters per token), pages as Letter at the batch's dpi.
   */
  async #batchDocuments(userId: string, batchId: string): Promise<EstimatedDocument[]> {
    const batch = UUID.test(batchId) ? await this.#prisma.batchJob.findFirst({ where: { id: batchId, userId }, select: { renderDpi: true } }) : null;
    if (!batch) throw new NotFoundError("Batch");
    const rows = await this.#prisma.$queryRaw<{ filename: string; pages: number | null; chars: bigint | null }[]>`
      SELECT d.filename, d.page_count AS pages, (SELECT sum(char_length(p.text)) FROM pages p WHERE p.document_id = d.id) AS chars
        FROM document_jobs d
       WHERE d.batch_id = ${batchId}::uuid
       ORDER BY d.filename`;
    const unknown = rows.filter((row) => row.pages === null).map((row) => row.filename);
    if (unknown.length > 0) {
      throw new GenerationInputError([{ path: ["batchId"], message: `page counts are not known yet (VALIDATE has not run) for: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}` }]);
    }
    const pagePixels = { width: Math.round(8.5 * batch.renderDpi), height: Math.round(11 * batch.renderDpi) };
    return rows.map((row) => ({ pages: row.pages!, textTokens: row.chars === null ? null : Math.ceil(Number(row.chars) / 4), pagePixels }));
  }
}
