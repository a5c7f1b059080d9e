import type { PrismaClient } from "../db/prisma-client.ts";
import { postgresText } from "../db/postgres-text.ts";
import type { StageClaim } from "./checkpoint-store.ts";
import { StaleAttemptError } from "./stale-attempt-error.ts";

// Model answers and PDF metadata can carry NUL, which PostgreSQL text refuses.
function storable(text: string | null, maxLength: number): string | null {
  return text === null ? null : postgresText(text).slice(0, maxLength);
}

/**
 * What stages write on the document row (page count, title, summary), each write fenced by
 * the stage's claim in the same statement, like the page and chunk stores: a stale run
 * (superseded, or cancelled) can never overwrite the current one's result.
 */
export class DocumentStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async title(documentId: string): Promise<string | null> {
    const row = await this.#prisma.documentJob.findUniqueOrThrow({ where: { id: documentId }, select: { title: true } });
    return row.title;
  }

  /** VALIDATE: the page count from the page tree and the metadata title. */
  async saveValidation(claim: StageClaim, result: { pageCount: number; title: string | null }): Promise<void> {
    const count = await this.#prisma.$executeRaw`
      UPDATE document_jobs d SET page_count = ${result.pageCount}, title = ${storable(result.title, 500)}
        FROM checkpoints c
       WHERE d.id = ${claim.documentId}::uuid AND c.document_id = d.id
         AND c.stage = ${claim.stage}::"Stage" AND c.attempt = ${claim.attempt} AND c.status = 'RUNNING'`;
    if (count === 0) throw new StaleAttemptError(claim.documentId, claim.stage, claim.attempt);
  }

  /** CLEAN: a title guessed from the first page (replaces the metadata title). */
  async saveTitle(claim: StageClaim, title: string): Promise<void> {
    await this.#update(claim, "title", storable(title, 500));
  }

  /** SUMMARIZE: the summary. */
  async saveSummary(claim: StageClaim, summary: string): Promise<void> {
    await this.#update(claim, "summary", storable(summary, Number.MAX_SAFE_INTEGER));
  }

  async #update(claim: StageClaim, column: "title" | "summary", value: string | null): Promise<void> {
    const count = await this.#prisma.$executeRawUnsafe(
      `UPDATE document_jobs d SET ${column} = $4
         FROM checkpoints c
        WHERE d.id = $1::uuid AND c.document_id = d.id
          AND c.stage = $2::"Stage" AND c.attempt = $3 AND c.status = 'RUNNING'`,
      claim.documentId,
      claim.stage,
      claim.attempt,
      value,
    );
    if (count === 0) throw new StaleAttemptError(claim.documentId, claim.stage, claim.attempt);
  }
}
