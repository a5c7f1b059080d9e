/** A document's content as the dashboard shows it. */
import type { DocumentStatus, ErrorInfo } from "./batch-operations.ts";

export interface DocumentDetail {
  id: string;
  filename: string;
  title: string | null;
  status: DocumentStatus;
  pageCount: number | null;
  summary: string | null;
  error: ErrorInfo | null;
  pages: { number: number; imageUrl: string | null; markdown: string | null; width: number | null; height: number | null }[];
  chunks: { index: number; headingPath: string[]; pageStart: number; pageEnd: number; tokenCount: number; text: string }[];
  references: {
    index: number;
    raw: string;
    title: string | null;
    authors: string[];
    year: number | null;
    doi: string | null;
    arxivId: string | null;
    target: { id: string; filename: string } | null;
  }[];
}

export const DOCUMENT_QUERY = `query Document($id: ID!, $pages: Int!) {
  document(id: $id) {
    id filename title status pageCount summary error { code message }
    pages(first: $pages) { number imageUrl markdown width height }
    chunks(first: 100) { index headingPath pageStart pageEnd tokenCount text }
    references { index raw title authors year doi arxivId target { id filename } }
  }
}`;
