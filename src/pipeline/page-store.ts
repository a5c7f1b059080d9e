import { postgresJson, postgresText } from "../db/postgres-text.ts";
import type { PrismaClient } from "../db/prisma-client.ts";
import type { PageTextLayer } from "../text/text-item.ts";
import type { StageClaim } from "./checkpoint-store.ts";
import { StaleAttemptError } from "./stale-attempt-error.ts";


/** The page column each page-level stage fills; a non-null value is that page's checkpoint. */
const STAGE_COLUMN = { RENDER: "image", EXTRACT: "text", PARSE: "markdown", CLEAN: "cleaned" } as const;
export type PageStage = keyof typeof STAGE_COLUMN;

/**
 * Page rows, written with raw SQL: page-level results are many and land one page at a time,
 * and each write is fenced by the stage attempt in the same statement.
 */
export class PageStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** Creates rows 1..pageCount in one statement (idempotent). */
  async createPages(documentId: string, pageCount: number): Promise<void> {
    await this.#prisma.$executeRaw`
      INSERT INTO pages (document_id, number)
      SELECT ${documentId}::uuid, n FROM generate_series(1, ${pageCount}::int) AS n
      ON CONFLICT DO NOTHING`;
  }

  /** Page numbers whose result for `stage` is still missing, in order. */
  async pendingPages(documentId: string, stage: PageStage): Promise<number[]> {
    const column = STAGE_COLUMN[stage];
    const rows = await this.#prisma.$queryRawUnsafe<{ number: number }[]>(
      `SELECT number FROM pages WHERE document_id = $1::uuid AND ${column} IS NULL ORDER BY number`,
      documentId,
    );
    return rows.map((row) => row.number);
  }

  async countPages(documentId: string): Promise<number> {
    return this.#prisma.page.count({ where: { documentId } });
  }

  /** The rendered image (a view of the worker's bytes, not a copy: it can be 1 MB a page). */
  async saveRender(claim: StageClaim, page: { number: number; width: number; height: number; dpiUsed: number; png: Uint8Array }): Promise<void> {
    const count = await this.#prisma.$executeRaw`
      UPDATE pages p SET image = ${Buffer.from(page.png.buffer, page.png.byteOffset, page.png.byteLength)}, width = ${page.width}, height = ${page.height}, dpi_used = ${page.dpiUsed}
        FROM checkpoints c
       WHERE p.document_id = ${claim.documentId}::uuid AND p.number = ${page.number}
         AND c.document_id = p.document_id AND c.stage = 'RENDER' AND c.attempt = ${claim.attempt} AND c.status = 'RUNNING'`;
    if (count === 0) throw new StaleAttemptError(claim.documentId, claim.stage, claim.attempt);
  }

  async saveText(
    claim: StageClaim,
    page: { number: number; text: string; ocr: boolean } & PageTextLayer,
  ): Promise<void> {
    // Page size in points from the text layer; RENDER stores pixel sizes only when it ran.
    // Figures, rules and form values travel with the items, for PARSE's layout.
    const layer: PageTextLayer = { width: page.width, height: page.height, items: page.items };
    if (page.figures?.length) layer.figures = page.figures;
    if (page.rules?.length) layer.rules = page.rules;
    if (page.formFields?.length) layer.formFields = page.formFields;
    const count = await this.#prisma.$executeRaw`
      UPDATE pages p SET text_items = ${postgresJson(layer)}::jsonb,
             text = ${postgresText(page.text)}, ocr = ${page.ocr},
             width = COALESCE(p.width, ${page.width}), height = COALESCE(p.height, ${page.height})
        FROM checkpoints c
       WHERE p.document_id = ${claim.documentId}::uuid AND p.number = ${page.number}
         AND c.document_id = p.document_id AND c.stage = 'EXTRACT' AND c.attempt = ${claim.attempt} AND c.status = 'RUNNING'`;
    if (count === 0) throw new StaleAttemptError(claim.documentId, claim.stage, claim.attempt);
  }

  /** Writes PARSE's markdown or CLEAN's cleaned text of many pages in one fenced statement. */
  async saveMarkdown(claim: StageClaim, stage: "PARSE" | "CLEAN", pages: { number: number; text: string }[]): Promise<void> {
    if (pages.length === 0) return;
    const column = STAGE_COLUMN[stage];
    const count = await this.#prisma.$executeRawUnsafe(
      `UPDATE pages p SET ${column} = v.text
         FROM unnest($2::int[], $3::text[]) AS v(number, text), checkpoints c
        WHERE p.document_id = $1::uuid AND p.number = v.number
          AND c.document_id = p.document_id AND c.stage = $4::"Stage" AND c.attempt = $5 AND c.status = 'RUNNING'`,
      claim.documentId,
      pages.map((page) => page.number),
      pages.map((page) => postgresText(page.text)),
      stage,
      claim.attempt,
    );
    if (count === 0) throw new StaleAttemptError(claim.documentId, claim.stage, claim.attempt);
  }

  async image(documentId: string, number: number): Promise<Uint8Array | undefined> {
    const row = await this.#prisma.page.findUnique({
      where: { documentId_number: { documentId, number } },
      select: { image: true },
    });
    return row?.image ?? undefined;
  }

  async textLayer(documentId: string, number: number): Promise<PageTextLayer | undefined> {
    const row = await this.#prisma.page.findUnique({
      where: { documentId_number: { documentId, number } },
      select: { textItems: true },
    });
    return (row?.textItems ?? undefined) as PageTextLayer | undefined;
  }

  /** One text column of every page, in page order. */
  async column(documentId: string, column: "text" | "markdown" | "cleaned"): Promise<{ number: number; value: string }[]> {
    const rows = await this.#prisma.$queryRawUnsafe<{ number: number; value: string | null }[]>(
      `SELECT number, ${column} AS value FROM pages WHERE document_id = $1::uuid ORDER BY number`,
      documentId,
    );
    return rows.map((row) => ({ number: row.number, value: row.value ?? "" }));
  }
}
