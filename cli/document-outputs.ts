/**
 * `quire upload --out DIR`: each document's markdown, summary and references as files, one
 * folder per document, named after the PDF (made unique when two PDFs share a name).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DocumentRow } from "../client/batch-operations.ts";
import type { QuireClient } from "./quire-client.ts";

const PAGE_SIZE = 500;

const DOCUMENT_CONTENT = `query DocumentContent($id: ID!, $first: Int!, $offset: Int!) {
  document(id: $id) {
    id filename summary
    pages(first: $first, offset: $offset) { number markdown }
    references { index raw title authors year doi arxivId venue }
  }
}`;

interface DocumentContent {
  id: string;
  filename: string;
  summary: string | null;
  pages: { number: number; markdown: string | null }[];
  references: { index: number; raw: string; title: string | null; authors: string[]; year: number | null; doi: string | null }[];
}

/** Writes the files of every COMPLETED document; returns the folders written, by document id. */
export async function writeDocumentOutputs(client: QuireClient, outDir: string, documents: DocumentRow[]): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  const used = new Set<string>();
  for (const row of documents) {
    if (row.status !== "COMPLETED") continue;
    const content = await readContent(client, row.id);
    const folder = path.join(outDir, uniqueFolderName(row, used));
    await mkdir(folder, { recursive: true });
    const markdown = content.pages.map((page) => page.markdown ?? "").join("\n\n");
    await writeFile(path.join(folder, "document.md"), markdown.endsWith("\n") ? markdown : markdown + "\n");
    await writeFile(path.join(folder, "summary.md"), (content.summary ?? "") + "\n");
    await writeFile(path.join(folder, "references.json"), JSON.stringify(content.references, null, 2) + "\n");
    written.set(row.id, folder);
  }
  return written;
}

async function readContent(client: QuireClient, id: string): Promise<DocumentContent> {
  let content: DocumentContent | undefined;
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const { document } = await client.request<{ document: DocumentContent | null }>(DOCUMENT_CONTENT, { id, first: PAGE_SIZE, offset });
    if (!document) throw new Error(`document ${id} disappeared`);
    if (content) content.pages.push(...document.pages);
    else content = document;
    if (document.pages.length < PAGE_SIZE) return content;
  }
}

/** The PDF's name without extension, stripped to characters safe in any file system. */
function uniqueFolderName(row: DocumentRow, used: Set<string>): string {
  const stem = path.basename(row.filename).replace(/\.pdf$/i, "").replace(/[^\p{L}\p{N}._-]+/gu, "_").replace(/^[._]+/, "") || "document";
  let name = stem;
  if (used.has(name)) name = `${stem}-${row.id.slice(0, 8)}`;
  used.add(name);
  return name;
}
