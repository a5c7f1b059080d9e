import type { ReferenceEntry } from "../../citations/extract-references.ts";
import { linkCitations, type BatchDocument } from "../../citations/link-citations.ts";
import type { StageHandler } from "../stage-context.ts";
import { StaleAttemptError } from "../stale-attempt-error.ts";

interface CitationsOutput {
  title: string | null;
  references: Pick<ReferenceEntry, "index" | "raw" | "title" | "year" | "doi" | "arxivId" | "authors">[];
}

/**
 * Reads the document's bibliography, then links the batch's citation network. Linking runs
 * under a per-batch advisory lock and publishes this document's references inside the same
 * transaction, so two documents finishing together still see each other.
 */
export const citationsStage: StageHandler = async (context) => {
  const { deps, document, claim } = context;
  const pages = (await deps.pages.column(document.id, "cleaned")).map((page) => page.value);
  const references = await deps.textWork.run("extractReferences", [pages], { signal: context.signal });
  const row = await deps.prisma.documentJob.findUniqueOrThrow({ where: { id: document.id }, select: { title: true } });
  const output: CitationsOutput = {
    title: row.title,
    references: references.map(({ index, raw, title, year, doi, arxivId, authors }) => ({ index, raw, title, year, doi, arxivId, authors })),
  };

  const edges = await deps.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${document.batchId}))`;
    const published = await tx.$executeRaw`
      UPDATE checkpoints SET output = ${JSON.stringify(output)}::jsonb, updated_at = now()
       WHERE document_id = ${document.id}::uuid AND stage = 'CITATIONS' AND attempt = ${claim.attempt} AND status = 'RUNNING'`;
    if (published === 0) throw new StaleAttemptError(document.id, "CITATIONS", claim.attempt);
    const others = await tx.$queryRaw<{ document_id: string; output: CitationsOutput | null }[]>`
      SELECT c.document_id, c.output FROM checkpoints c JOIN document_jobs d ON d.id = c.document_id
       WHERE d.batch_id = ${document.batchId}::uuid AND c.stage = 'CITATIONS' AND c.output IS NOT NULL`;
    const batchDocuments: BatchDocument[] = others
      .filter((other) => other.output?.title)
      .map((other) => ({
        documentId: other.document_id,
        title: other.output!.title!,
        references: other.output!.references,
      }));
    const links = linkCitations(batchDocuments).filter(
      (edge) => edge.fromDocumentId === document.id || edge.toDocumentId === document.id,
    );
    for (const edge of links) {
      await tx.$executeRaw`
        INSERT INTO citation_edges (id, batch_id, from_document_id, to_document_id, reference_index, confidence, matched_by)
        VALUES (gen_random_uuid(), ${document.batchId}::uuid, ${edge.fromDocumentId}::uuid, ${edge.toDocumentId}::uuid,
                ${edge.referenceIndex}, ${edge.confidence}, ${edge.matchedBy})
        ON CONFLICT (from_document_id, reference_index, to_document_id) DO NOTHING`;
    }
    return links.length;
  });
  return { output: { ...output, linked: edges } };
};
