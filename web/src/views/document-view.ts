import { fetchBlob, gql, type ApiError } from "../api.ts";
import { h, replaceChildren } from "../dom.ts";
import { DOCUMENT_QUERY, type DocumentDetail } from "../../../client/document-operations.ts";
import { plainError } from "../plain-errors.ts";

const MAX_PAGES_SHOWN = 60;

/** One document: page thumbnails, summary, markdown and chunks. */
export function mountDocument(main: HTMLElement, id: string | undefined): () => void {
  const urls: string[] = [];
  let stopped = false;
  const section = h("section", { class: "card wide", "aria-labelledby": "document-title", "aria-busy": "true" }, h("h1", { id: "document-title" }, "Document"));
  main.append(section);

  const show = (doc: DocumentDetail): void => {
    const thumbnails = h("ol", { id: "thumbnails", class: "thumbnails" });
    for (const page of doc.pages) {
      const img = h("img", { alt: `Page ${page.number}`, loading: "lazy", width: 150, height: page.width && page.height ? Math.round((150 * page.height) / page.width) : 194 });
      thumbnails.append(h("li", {}, img, h("span", { class: "caption" }, `Page ${page.number}`)));
      if (!page.imageUrl) continue;
      // Page images are served under the key, which an <img src> cannot send: fetch, then show.
      fetchBlob(page.imageUrl).then(
        (blob) => {
          if (stopped) return;
          const url = URL.createObjectURL(blob);
          urls.push(url);
          img.src = url;
        },
        () => (img.alt = `Page ${page.number} (image not available)`),
      );
    }
    const markdown = doc.pages.map((p) => p.markdown ?? "").filter(Boolean).join("\n\n");
    replaceChildren(
      section,
      h("p", {}, h("button", { type: "button", class: "link", onclick: () => history.back() }, "← Back")),
      h("h1", { id: "document-title" }, doc.title || doc.filename),
      h("p", { class: "meta" }, `${doc.filename} · ${doc.status} · ${doc.pageCount ?? "?"} pages`),
      doc.error && h("p", { class: "error" }, plainError(doc.error)),
      h("h2", {}, "Pages"),
      doc.pages.some((p) => p.imageUrl) ? thumbnails : h("p", {}, "No rendered pages (the RENDER stage did not run)."),
      (doc.pageCount ?? 0) > doc.pages.length && h("p", { class: "hint" }, `The first ${doc.pages.length} pages are shown.`),
      h("h2", {}, "Summary"),
      h("p", { id: "summary" }, doc.summary ?? "No summary (the SUMMARIZE stage did not run or has not finished)."),
      h("details", {}, h("summary", {}, h("h2", { class: "inline" }, "Markdown")), h("pre", { id: "markdown", class: "markdown" }, markdown || "No markdown yet.")),
      h("h2", {}, `References (${doc.references.length})`),
      doc.references.length
        ? h(
            "ol",
            { id: "references", class: "references" },
            ...doc.references.map((r) =>
              h(
                "li",
                {},
                r.raw,
                r.target && h("span", { class: "meta" }, " — in this batch: ", h("a", { href: `#/document/${r.target.id}` }, r.target.filename)),
                (r.doi || r.arxivId) && h("span", { class: "meta" }, ` (${r.doi ? `doi:${r.doi}` : `arXiv:${r.arxivId ?? ""}`})`),
              ),
            ),
          )
        : h("p", {}, "No references found (or the CITATIONS stage has not run)."),
      h(
        "details",
        {},
        h("summary", {}, h("h2", { class: "inline" }, `Chunks (${doc.chunks.length})`)),
        h("ol", { id: "chunks", class: "chunks" }, ...doc.chunks.map((c) => h("li", {}, h("p", { class: "meta" }, `${c.headingPath.join(" › ") || "—"} · pages ${c.pageStart}–${c.pageEnd} · ${c.tokenCount} tokens`), h("p", {}, c.text)))),
      ),
    );
    section.setAttribute("aria-busy", "false");
  };

  gql<{ document: DocumentDetail | null }>(DOCUMENT_QUERY, { id, pages: MAX_PAGES_SHOWN }).then(
    ({ document }) => {
      if (stopped) return;
      if (document) show(document);
      else replaceChildren(section, h("h1", { id: "document-title" }, "Document not found"));
    },
    (error: ApiError) => section.append(h("p", { class: "error", role: "alert" }, error.message)),
  );
  return () => {
    stopped = true;
    urls.forEach((url) => URL.revokeObjectURL(url));
  };
}
