import type { PageViewport, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { FormFieldValue } from "./pdf-types.ts";

interface WidgetAnnotation {
  subtype?: string;
  fieldType?: string;
  fieldName?: string;
  alternativeText?: string;
  fieldValue?: unknown;
  buttonValue?: unknown;
  exportValue?: unknown;
  checkBox?: boolean;
  radioButton?: boolean;
  rect?: number[];
}

const MAX_VALUE_CHARS = 2000;

function fieldLabel(widget: WidgetAnnotation): string {
  const tooltip = widget.alternativeText?.trim();
  if (tooltip) return tooltip.replace(/\s+/g, " ");
  // "topmostSubform[0].Page2[0].p2-t124[0]" -> "p2-t124"
  const last = (widget.fieldName ?? "field").split(".").at(-1) ?? "field";
  return last.replace(/\[\d+\]$/, "");
}

function widgetValue(widget: WidgetAnnotation): string | undefined {
  if (widget.checkBox || widget.radioButton) {
    const on = widget.radioButton ? widget.buttonValue : (widget.exportValue ?? widget.buttonValue);
    const checked = widget.fieldValue !== undefined && widget.fieldValue !== "Off" && (on === undefined || widget.fieldValue === on);
    return checked ? "[x]" : undefined;
  }
  const value = Array.isArray(widget.fieldValue) ? widget.fieldValue.join(", ") : widget.fieldValue;
  return typeof value === "string" && value.trim().length > 0 ? value.trim().slice(0, MAX_VALUE_CHARS) : undefined;
}

/**
 * Values filled into the page's AcroForm fields, read from its widget annotations: a filled
 * form's answers live there, not in the page's text layer.
 */
export async function readFormFields(page: PDFPageProxy, viewport: PageViewport): Promise<FormFieldValue[]> {
  let annotations: WidgetAnnotation[];
  try {
    annotations = (await page.getAnnotations()) as WidgetAnnotation[];
  } catch {
    // Broken annotations must not cost the page its text.
    return [];
  }
  const fields: FormFieldValue[] = [];
  for (const widget of annotations) {
    if (widget.subtype !== "Widget" || !widget.rect || widget.rect.length < 4) continue;
    const value = widgetValue(widget);
    if (value === undefined) continue;
    const [x1, y1] = viewport.convertToViewportPoint(widget.rect[0]!, widget.rect[1]!) as number[];
    const [x2, y2] = viewport.convertToViewportPoint(widget.rect[2]!, widget.rect[3]!) as number[];
    fields.push({
      name: fieldLabel(widget),
      value,
      x: Math.min(x1!, x2!),
      y: Math.min(y1!, y2!),
      width: Math.abs(x2! - x1!),
      height: Math.abs(y2! - y1!),
    });
  }
  return fields;
}
