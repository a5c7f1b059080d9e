import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { PdfInspection } from "./pdf-types.ts";

// Metadata is attacker-controlled; nothing downstream needs more than this of any one value.
const MAX_VALUE_LENGTH = 1000;
const MAX_ENTRIES = 100;

/**
 * What VALIDATE needs about an opened document. The page count comes from the parsed page tree;
 * a broken Info dictionary costs the metadata, not the inspection.
 */
export async function inspectDocument(doc: PDFDocumentProxy): Promise<PdfInspection> {
  let rawInfo: Record<string, unknown> = {};
  let xmpTitle: string | undefined;
  try {
    const metadata = await doc.getMetadata();
    rawInfo = (metadata.info ?? {}) as Record<string, unknown>;
    const title: unknown = metadata.metadata?.get("dc:title");
    if (typeof title === "string") xmpTitle = title;
  } catch {
    // Leave info empty.
  }
  const info = primitiveEntries(rawInfo);
  const encrypted = typeof rawInfo.EncryptFilterName === "string";
  const title = cleanTitle(xmpTitle) ?? cleanTitle(rawInfo.Title);
  return { pageCount: doc.numPages, encrypted, ...(title ? { title } : {}), info };
}

function primitiveEntries(raw: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const custom = raw.Custom && typeof raw.Custom === "object" ? (raw.Custom as Record<string, unknown>) : {};
  const entries = [
    ...Object.entries(raw),
    ...Object.entries(custom).map(([key, value]) => [`Custom:${key}`, value] as const),
  ];
  for (const [key, value] of entries) {
    if (Object.keys(out).length >= MAX_ENTRIES) break;
    if (typeof value === "string") out[key.slice(0, 100)] = value.slice(0, MAX_VALUE_LENGTH);
    else if (typeof value === "number" || typeof value === "boolean") out[key.slice(0, 100)] = value;
  }
  return out;
}

function cleanTitle(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  // Control characters (NUL above all: PostgreSQL text rejects it) and lone surrogates too.
  const title = value.replace(/[\s\p{Cc}]+/gu, " ").trim().slice(0, MAX_VALUE_LENGTH).toWellFormed();
  return title === "" ? undefined : title;
}
