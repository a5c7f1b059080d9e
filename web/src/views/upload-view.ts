import { uploadMultipart, type ApiError } from "../api.ts";
import { announce, formatBytes, h, percent, replaceChildren } from "../dom.ts";
import { STAGES, UPLOAD_BATCH } from "../../../client/batch-operations.ts";
import { uploadLimits } from "../session.ts";

interface Refusal {
  name: string;
  reason: string;
}

/** Files that may be sent, and those refused before sending (not a PDF, too large, too many). */
async function checkFiles(files: File[]): Promise<{ accepted: File[]; refused: Refusal[] }> {
  const { maxFileBytes, maxFiles } = uploadLimits();
  const accepted: File[] = [];
  const refused: Refusal[] = [];
  for (const file of files) {
    // The first bytes decide, as on the server: a renamed text file is not a PDF.
    const magic = await file.slice(0, 5).text();
    if (magic !== "%PDF-") refused.push({ name: file.name, reason: "not a PDF" });
    else if (file.size > maxFileBytes) refused.push({ name: file.name, reason: `${formatBytes(file.size)} is over the ${formatBytes(maxFileBytes)} limit` });
    else if (accepted.length >= maxFiles) refused.push({ name: file.name, reason: `more than ${maxFiles} files in one upload` });
    else accepted.push(file);
  }
  return { accepted, refused };
}

/** Pick or drop PDFs, choose the batch options, upload with a progress bar. */
export function mountUpload(main: HTMLElement): () => void {
  let files: File[] = [];
  let refused: Refusal[] = [];
  const fileInput = h("input", { id: "files", type: "file", multiple: true, accept: "application/pdf,.pdf" });
  const list = h("ul", { id: "file-list", class: "file-list", "aria-live": "polite" });
  const refusals = h("div", { id: "refusals", role: "alert" });
  const progress = h("progress", { id: "upload-progress", max: 1, value: 0, "aria-label": "Upload progress", hidden: true });
  const status = h("p", { id: "upload-status", "aria-live": "polite" });
  const submit = h("button", { type: "submit", disabled: true }, "Upload");

  const render = (): void => {
    replaceChildren(list, ...files.map((f) => h("li", {}, `${f.name} — ${formatBytes(f.size)}`)));
    replaceChildren(
      refusals,
      refused.length > 0 &&
        h("div", { class: "error" }, h("p", {}, "Not uploaded:"), h("ul", {}, ...refused.map((r) => h("li", {}, `${r.name}: ${r.reason}`)))),
    );
    submit.disabled = files.length === 0;
    submit.textContent = files.length ? `Upload ${files.length} PDF${files.length === 1 ? "" : "s"}` : "Upload";
  };

  const choose = async (chosen: File[]): Promise<void> => {
    const checked = await checkFiles(chosen);
    files = checked.accepted;
    refused = checked.refused;
    render();
    announce(`${files.length} PDF${files.length === 1 ? "" : "s"} ready${refused.length ? `, ${refused.length} refused` : ""}.`);
  };
  fileInput.addEventListener("change", () => void choose([...(fileInput.files ?? [])]));

  const drop = h("div", { class: "drop-zone", id: "drop-zone" }, h("label", { for: "files" }, "Choose PDFs, or drop them here"), fileInput);
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    void choose([...(event.dataTransfer?.files ?? [])]);
  });

  const select = (id: string, label: string, options: string[], value: string): HTMLElement =>
    h("div", { class: "field" }, h("label", { for: id }, label), h("select", { id, name: id }, ...options.map((o) => h("option", { value: o, selected: o === value }, o))));
  const stages = h(
    "fieldset",
    { class: "stages" },
    h("legend", {}, "Stages (what they need is added)"),
    ...STAGES.map((stage) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "stage", value: stage, checked: true }), ` ${stage.toLowerCase()}`)),
  );
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "upload-title" },
    h("h1", { id: "upload-title" }, "Upload PDFs"),
    drop,
    list,
    refusals,
    h(
      "div",
      { class: "options" },
      h("div", { class: "field" }, h("label", { for: "label" }, "Label"), h("input", { id: "label", name: "label", type: "text", placeholder: "optional" })),
      select("errorStrategy", "If a document fails", ["CONTINUE", "FAIL_ALL"], "CONTINUE"),
      select("priority", "Priority", ["LOW", "NORMAL", "HIGH", "CRITICAL"], "NORMAL"),
      h("div", { class: "field" }, h("label", { for: "renderDpi" }, "Render DPI"), h("input", { id: "renderDpi", name: "renderDpi", type: "number", min: 36, max: 600, step: 1, value: 150 })),
    ),
    stages,
    submit,
    progress,
    status,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!files.length) return;
    const value = (id: string): string => form.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)!.value;
    const chosenStages = [...form.querySelectorAll<HTMLInputElement>('input[name="stage"]:checked')].map((box) => box.value);
    const options = {
      label: value("label").trim() || undefined,
      errorStrategy: value("errorStrategy"),
      priority: value("priority"),
      renderDpi: Number(value("renderDpi")),
      stages: chosenStages.length === STAGES.length ? undefined : chosenStages,
    };
    submit.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = "Uploading…";
    uploadMultipart<{ uploadBatch: { id: string } }>(
      UPLOAD_BATCH,
      { files: files.map(() => null), options },
      files.map((file, i) => ({ path: `variables.files.${i}`, file })),
      (fraction) => {
        progress.value = fraction;
        status.textContent = `Uploading… ${percent(fraction)}`;
      },
    ).then(
      ({ uploadBatch }) => {
        announce("Upload finished; opening the batch.");
        location.hash = `#/batch/${uploadBatch.id}`;
      },
      (error: ApiError) => {
        submit.disabled = false;
        progress.hidden = true;
        status.textContent = `Upload failed: ${error.message}`;
      },
    );
  });

  main.append(form);
  return () => undefined;
}
