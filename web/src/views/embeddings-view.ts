import { fetchBlob, subscribe, uploadMultipart, type ApiError } from "../api.ts";
import { announce, h, percent, replaceChildren } from "../dom.ts";
import { EMBED_FILE, EMBEDDING_PROGRESS, type EmbeddingEvent, type EmbeddingJob } from "../../../client/embedding-operations.ts";
import { plainError } from "../plain-errors.ts";

const ENDED = new Set<EmbeddingJob["status"]>(["COMPLETED", "FAILED", "CANCELLED"]);

/** Embeddings: upload a text file to embedFile, follow embeddingProgress, download the NDJSON. */
export function mountEmbeddings(main: HTMLElement): () => void {
  let unsubscribe: (() => void) | undefined;
  const urls: string[] = [];
  const file = h("input", { id: "embed-file", type: "file", accept: "text/plain,.txt", required: true });
  const batchSize = h("input", { id: "batch-size", type: "number", min: 1, max: 2048, value: 32 });
  const submit = h("button", { type: "submit" }, "Embed");
  const progress = h("progress", { id: "embed-progress", max: 1, value: 0, "aria-label": "Embedding progress", hidden: true });
  const status = h("p", { id: "embed-status", "aria-live": "polite" });
  const download = h("p", { id: "embed-download" });

  const show = (job: EmbeddingJob): void => {
    const fraction = job.total ? job.processed / job.total : 0;
    progress.hidden = false;
    progress.value = job.status === "COMPLETED" ? 1 : fraction;
    status.textContent = `${job.filename}: ${job.status.toLowerCase()} · ${job.processed}${job.total !== null ? ` of ${job.total}` : ""} lines (${percent(fraction)})${job.failed ? ` · ${job.failed} failed` : ""}${job.error ? ` · ${plainError(job.error)}` : ""}`;
  };
  const offerDownload = (job: EmbeddingJob): void => {
    const button = h("button", { type: "button", id: "download-embeddings" }, "Prepare download");
    button.addEventListener("click", () => {
      button.disabled = true;
      // The results are served under the key, so they are fetched here and handed over as a blob.
      fetchBlob(job.downloadUrl).then(
        (blob) => {
          const url = URL.createObjectURL(blob);
          urls.push(url);
          replaceChildren(download, h("a", { href: url, download: `${job.filename.replace(/\.[^.]+$/, "")}.ndjson`, id: "embeddings-link" }, `Download ${job.filename} vectors (NDJSON)`));
          download.querySelector("a")?.focus();
        },
        (error: ApiError) => replaceChildren(download, h("span", { class: "error" }, error.message)),
      );
    });
    replaceChildren(download, button);
  };

  const form = h(
    "form",
    { class: "card", "aria-labelledby": "embeddings-title" },
    h("h1", { id: "embeddings-title" }, "Embeddings"),
    h("p", { class: "hint" }, "A UTF-8 text file is embedded line by line (empty lines skipped)."),
    h("div", { class: "field" }, h("label", { for: "embed-file" }, "Text file"), file),
    h("div", { class: "field" }, h("label", { for: "batch-size" }, "Lines per provider request"), batchSize),
    submit,
    progress,
    status,
    download,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    submit.disabled = true;
    replaceChildren(download);
    status.textContent = "Uploading…";
    uploadMultipart<{ embedFile: EmbeddingJob }>(EMBED_FILE, { file: null, batchSize: Number(batchSize.value) }, [{ path: "variables.file", file: chosen }], (fraction) => {
      status.textContent = `Uploading… ${percent(fraction)}`;
    }).then(
      ({ embedFile: job }) => {
        show(job);
        let finished = false;
        unsubscribe?.();
        unsubscribe = subscribe<{ embeddingProgress: EmbeddingEvent }>(EMBEDDING_PROGRESS, { id: job.id }, {
          next: ({ embeddingProgress: e }) => {
            show(e.job);
            // A job that ended before the subscription started arrives as a terminal SNAPSHOT, with no FINISHED after it.
            if (!finished && ENDED.has(e.job.status)) {
              finished = true;
              announce(`Embedding ${e.job.status.toLowerCase()}.`);
              submit.disabled = false;
              if (e.job.status === "COMPLETED") offerDownload(e.job);
            }
          },
          error: (error) => {
            status.textContent = error.message;
            submit.disabled = false;
          },
        });
      },
      (error: ApiError) => {
        status.textContent = `Upload failed: ${error.message}`;
        submit.disabled = false;
      },
    );
  });
  main.append(form);
  return () => {
    unsubscribe?.();
    urls.forEach((url) => URL.revokeObjectURL(url));
  };
}
