import type { CitationEdge } from "../citations/link-citations.ts";
import type { ReferenceEntry } from "../citations/extract-references.ts";
import { postgresJson } from "../db/postgres-text.ts";
import type { PrismaClient } from "../db/prisma-client.ts";
import type { StageClaim } from "../pipeline/checkpoint-store.ts";
import { StaleAttemptError } from "../pipeline/stale-attempt-error.ts";
import type { PaperMetadata } from "./paper-metadata.ts";

/** One entry of a bibliography as stored (label dropped: `raw` keeps it). */
export type StoredReference = Pick<ReferenceEntry, "index" | "raw" | "title" | "authors" | "year" | "doi" | "arxivId"> & { venue?: string };

/** A candidate entity named on one page, counted. */
export interface StoredMention {
  page: number;
  text: string;
  acronym?: string;
  kind: string;
  count: number;
}

/** What one document contributes to its batch's research results. */
export interface PaperResult {
  metadata: PaperMetadata;
  references: StoredReference[];
  mentions: StoredMention[];
}

/** A paper of the batch as citation linking needs it. */
export interface BatchPaper {
  documentId: string;
  metadata: PaperMetadata;
  references: StoredReference[];
}

/**
 * Research rows of one document (metadata, references, entity mentions) and the batch's
 * citation edges. `publish` is one transaction fenced by the CITATIONS attempt: the checkpoint
 * row is locked first, so a stale worker can neither write nor link, and a retry replaces
 * everything the document contributed, including the edges pointing at it.
 */
export class PaperStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async publish(
    claim: StageClaim,
    batchId: string,
    result: PaperResult,
    link: (papers: BatchPaper[]) => CitationEdge[],
  ): Promise<CitationEdge[]> {
    const documentId = claim.documentId;
    return this.#prisma.$transaction(
      async (tx) => {
        const current = await tx.$queryRaw<{ ok: boolean }[]>`
          SELECT true AS ok FROM checkpoints
           WHERE document_id = ${documentId}::uuid AND stage = 'CITATIONS' AND attempt = ${claim.attempt} AND status = 'RUNNING'
           FOR UPDATE`;
        if (current.length === 0) throw new StaleAttemptError(documentId, claim.stage, claim.attempt);
        // Documents of one batch finishing together link one after the other and see each other.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${batchId}))`;
        const { metadata } = result;
        await tx.$executeRaw`DELETE FROM paper_metadata WHERE document_id = ${documentId}::uuid`;
        await tx.$executeRaw`
          INSERT INTO paper_metadata (document_id, batch_id, title, authors, year, doi, arxiv_id, venue)
          SELECT ${documentId}::uuid, ${batchId}::uuid, m.title, COALESCE(m.authors, '{}'), m.year, m.doi, m."arxivId", m.venue
            FROM jsonb_to_record(${postgresJson(metadata)}::jsonb)
              AS m(title text, authors text[], year int, doi text, "arxivId" text, venue text)`;
        await tx.$executeRaw`DELETE FROM paper_references WHERE document_id = ${documentId}::uuid`;
        await tx.$executeRaw`
          INSERT INTO paper_references (document_id, batch_id, index, raw, title, authors, year, doi, arxiv_id, venue)
          SELECT ${documentId}::uuid, ${batchId}::uuid, r.index, r.raw, r.title, COALESCE(r.authors, '{}'), r.year, r.doi, r."arxivId", r.venue
            FROM jsonb_to_recordset(${postgresJson(result.references)}::jsonb)
              AS r(index int, raw text, title text, authors text[], year int, doi text, "arxivId" text, venue text)`;
        await tx.$executeRaw`DELETE FROM entity_mentions WHERE document_id = ${documentId}::uuid`;
        await tx.$executeRaw`
          INSERT INTO entity_mentions (document_id, batch_id, page, text, acronym, kind, count)
          SELECT ${documentId}::uuid, ${batchId}::uuid, m.page, m.text, m.acronym, m.kind, m.count
            FROM jsonb_to_recordset(${postgresJson(result.mentions)}::jsonb)
              AS m(page int, text text, acronym text, kind text, count int)
          ON CONFLICT DO NOTHING`;

        const papers = await this.#batchPapers(tx, batchId);
        const edges = link(papers).filter((edge) => edge.fromDocumentId === documentId || edge.toDocumentId === documentId);
        await tx.$executeRaw`
          DELETE FROM citation_edges WHERE batch_id = ${batchId}::uuid
             AND (from_document_id = ${documentId}::uuid OR to_document_id = ${documentId}::uuid)`;
        await tx.$executeRaw`
          INSERT INTO citation_edges (id, batch_id, from_document_id, to_document_id, reference_index, confidence, matched_by)
          SELECT gen_random_uuid(), ${batchId}::uuid, e."fromDocumentId"::uuid, e."toDocumentId"::uuid, e."referenceIndex", e.confidence, e."matchedBy"
            FROM jsonb_to_recordset(${JSON.stringify(edges)}::jsonb)
              AS e("fromDocumentId" text, "toDocumentId" text, "referenceIndex" int, confidence float8, "matchedBy" text)
          ON CONFLICT (from_document_id, reference_index, to_document_id) DO NOTHING`;
        return edges;
      },
      { timeout: 60_000 },
    );
  }

  async #batchPapers(tx: Pick<PrismaClient, "paperMetadata" | "paperReference">, batchId: string): Promise<BatchPaper[]> {
    const [metadata, references] = await Promise.all([
      tx.paperMetadata.findMany({ where: { batchId } }),
      tx.paperReference.findMany({ where: { batchId }, orderBy: [{ documentId: "asc" }, { index: "asc" }] }),
    ]);
    const byDocument = new Map<string, StoredReference[]>();
    for (const row of references) {
      const list = byDocument.get(row.documentId) ?? [];
      list.push({
        index: row.index,
        raw: row.raw,
        authors: row.authors,
        ...(row.title ? { title: row.title } : {}),
        ...(row.year ? { year: row.year } : {}),
        ...(row.doi ? { doi: row.doi } : {}),
        ...(row.arxivId ? { arxivId: row.arxivId } : {}),
      });
      byDocument.set(row.documentId, list);
    }
    return metadata.map((row) => ({
      documentId: row.documentId,
      metadata: {
        authors: row.authors,
        ...(row.title ? { title: row.title } : {}),
        ...(row.year ? { year: row.year } : {}),
        ...(row.doi ? { doi: row.doi } : {}),
        ...(row.arxivId ? { arxivId: row.arxivId } : {}),
        ...(row.venue ? { venue: row.venue } : {}),
      },
      references: byDocument.get(row.documentId) ?? [],
    }));
  }
}
