import { subscribe } from "../api.ts";
import { announce, h, replaceChildren } from "../dom.ts";
import { GENERATE_LIVE, type FieldResponse, type GenerateEvent, type GenerateSummary } from "../../../client/generation-operations.ts";
import { plainError } from "../plain-errors.ts";

interface FormField {
  id: string;
  label: string;
  type: string;
  options?: string[];
  hint?: string;
  required?: boolean;
  maxLength?: number;
}

const EXAMPLE_FIELDS: FormField[] = [
  { id: "name", label: "Full name", type: "TEXT", required: true },
  { id: "email", label: "Email address", type: "EMAIL", required: true },
  { id: "phone", label: "Phone number", type: "PHONE" },
  { id: "city", label: "City", type: "TEXT" },
  { id: "experience", label: "Years of experience", type: "NUMBER" },
  { id: "motivation", label: "Why do you want this role?", type: "TEXTAREA", maxLength: 400 },
];
const EXAMPLE_PROFILE = {
  name: "Ada Lovelace",
  email: "ada@example.org",
  phone: "+44 20 7946 0000",
  city: "London",
  yearsOfExperience: 12,
  summary: "Mathematician who wrote the first published algorithm for a computing machine.",
};
const EXAMPLE_CONTEXT = { company: "Analytical Engines Ltd", role: "Research engineer", description: "Design programs for the engine." };

function parseJson(label: string, text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${label} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Form filling with generateBatchLive: each field fills in as its answer arrives. */
export function mountForms(main: HTMLElement): () => void {
  let unsubscribe: (() => void) | undefined;
  const area = (id: string, label: string, value: unknown, rows: number): HTMLElement =>
    h("div", { class: "field" }, h("label", { for: id }, label), h("textarea", { id, name: id, rows, spellcheck: false }, JSON.stringify(value, null, 2)));
  const loader = h("input", { id: "form-file", type: "file", accept: "application/json,.json" });
  const run = h("button", { type: "submit", id: "run-fill" }, "Fill the form");
  const message = h("p", { id: "fill-message", role: "alert", class: "error" });
  const tbody = h("tbody", { id: "fill-rows" });
  const summary = h("p", { id: "fill-summary", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card wide", "aria-labelledby": "forms-title" },
    h("h1", { id: "forms-title" }, "Form filling"),
    h("p", { class: "hint" }, "Fields as a JSON array of { id, label, type, options?, hint?, maxLength? }; the profile and context as JSON objects."),
    h("div", { class: "field" }, h("label", { for: "form-file" }, "Load a form definition (JSON: an array of fields, or { fields, profile, context })"), loader),
    h("div", { class: "columns" }, area("fields", "Fields", EXAMPLE_FIELDS, 14), area("profile", "Profile", EXAMPLE_PROFILE, 14)),
    area("context", "Context (optional)", EXAMPLE_CONTEXT, 4),
    run,
    message,
    summary,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { id: "fill-table", class: "responsive" },
        h("caption", { class: "visually-hidden" }, "Filled fields"),
        h("thead", {}, h("tr", {}, ...["Field", "Value", "Source", "Notes"].map((c) => h("th", { scope: "col" }, c)))),
        tbody,
      ),
    ),
  );
  const textarea = (id: string): HTMLTextAreaElement => form.querySelector<HTMLTextAreaElement>(`#${id}`)!;

  loader.addEventListener("change", () => {
    const file = loader.files?.[0];
    if (!file) return;
    void file.text().then((text) => {
      try {
        const parsed = JSON.parse(text) as FormField[] | { fields: FormField[]; profile?: unknown; context?: unknown };
        const definition = Array.isArray(parsed) ? { fields: parsed } : parsed;
        textarea("fields").value = JSON.stringify(definition.fields, null, 2);
        if ("profile" in definition && definition.profile) textarea("profile").value = JSON.stringify(definition.profile, null, 2);
        if ("context" in definition && definition.context) textarea("context").value = JSON.stringify(definition.context, null, 2);
        message.textContent = "";
      } catch (error) {
        message.textContent = `${file.name} is not valid JSON: ${(error as Error).message}`;
      }
    });
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    let fields: FormField[];
    let profile: unknown;
    let context: unknown;
    try {
      fields = parseJson("Fields", textarea("fields").value) as FormField[];
      profile = parseJson("Profile", textarea("profile").value);
      context = parseJson("Context", textarea("context").value);
      if (!Array.isArray(fields) || fields.length === 0) throw new Error("Fields must be a non-empty JSON array.");
    } catch (error) {
      message.textContent = (error as Error).message;
      return;
    }
    message.textContent = "";
    summary.textContent = "Filling…";
    run.disabled = true;
    const cells = new Map<number, HTMLTableRowElement>();
    replaceChildren(
      tbody,
      ...fields.map((field, index) => {
        const row = h("tr", { "data-field": field.id, "data-source": "PENDING" }, h("th", { scope: "row" }, field.label), h("td", { "data-label": "Value" }, "…"), h("td", { "data-label": "Source" }, h("span", { class: "badge queued" }, "waiting")), h("td", { "data-label": "Notes" }));
        cells.set(index, row);
        return row;
      }),
    );
    const fill = (index: number, response: FieldResponse): void => {
      const row = cells.get(index);
      if (!row) return;
      row.dataset.source = response.source;
      replaceChildren(
        row,
        h("th", { scope: "row" }, fields[index]?.label ?? response.fieldId),
        h("td", { "data-label": "Value", class: "value" }, response.value || "—"),
        h("td", { "data-label": "Source" }, h("span", { class: `badge ${response.source.toLowerCase()}` }, response.source)),
        h("td", { "data-label": "Notes" }, response.error ? plainError(response.error) : response.notes.join("; ")),
      );
    };
    const finish = (result: GenerateSummary): void => {
      const text = `${result.totalFields} fields: ${result.extractedCount} extracted, ${result.cachedCount} cached, ${result.generatedCount} generated, ${result.failedCount} failed · ${result.totalTokens} tokens · $${result.totalCostUsd.toFixed(4)} · ${Math.round(result.totalTimeMs)} ms`;
      summary.textContent = text;
      announce(`Form filled. ${text}`);
    };
    unsubscribe?.();
    unsubscribe = subscribe<{ generateBatchLive: GenerateEvent }>(GENERATE_LIVE, { fields, profile, context }, {
      next: ({ generateBatchLive: event }) => {
        if (event.kind === "FIELD" && event.response && event.index !== null) fill(event.index, event.response);
        if (event.kind === "SUMMARY" && event.summary) finish(event.summary);
      },
      error: (error) => {
        message.textContent = error.message;
        summary.textContent = "";
        run.disabled = false;
      },
      complete: () => {
        run.disabled = false;
      },
    });
  });

  main.append(form);
  return () => unsubscribe?.();
}
