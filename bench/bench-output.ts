/**
 * The one output convention of every `npm run bench -- <name>` script: one JSON line on stdout
 * with the figures and, beside each, the reference it is judged against; and a small SVG bar
 * chart of the same figures under bench/results/<name>.svg (so a README or a PR can show it).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** One measured figure and what it is compared with. */
export interface BenchFigure {
  /** Short name, e.g. "pagesPerSecond". */
  name: string;
  value: number;
  unit: string;
  /** The reference (a peer's figure, or the target) the value is read against. */
  reference?: number;
  /** What the reference is, e.g. "mutool draw -r 150, 2 processes" or "target <". */
  referenceLabel?: string;
  /** True when higher is better (throughput); false for latencies and memory. */
  higherIsBetter?: boolean;
}

const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));

/** Prints the JSON line and writes the chart; `extra` carries settings worth recording (files, DPI…). */
export async function emitBenchResult(bench: string, figures: BenchFigure[], extra: Record<string, unknown> = {}): Promise<void> {
  const line = {
    bench,
    at: new Date().toISOString(),
    ...extra,
    figures: Object.fromEntries(figures.map((f) => [f.name, { value: round(f.value), unit: f.unit, reference: f.reference === undefined ? undefined : round(f.reference), referenceLabel: f.referenceLabel }])),
  };
  console.log(JSON.stringify(line));
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, `${bench}.svg`), barChart(bench, figures));
}

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] ?? c);
}

/** One row per figure: the measured bar, and the reference bar under it, each scaled to the row's larger value. */
function barChart(title: string, figures: BenchFigure[]): string {
  const rowHeight = 46;
  const width = 640;
  const labelWidth = 220;
  const barMax = width - labelWidth - 120;
  const rows = figures.map((f, i) => {
    const y = 40 + i * rowHeight;
    const scale = Math.max(f.value, f.reference ?? 0) || 1;
    const valueWidth = (f.value / scale) * barMax;
    const parts = [
      `<text x="8" y="${y + 14}" font-size="12">${escapeXml(f.name)}</text>`,
      `<rect x="${labelWidth}" y="${y + 2}" width="${valueWidth.toFixed(1)}" height="16" fill="#3b6fd8"/>`,
      `<text x="${labelWidth + valueWidth + 6}" y="${y + 14}" font-size="11">${round(f.value)} ${escapeXml(f.unit)}</text>`,
    ];
    if (f.reference !== undefined) {
      const refWidth = (f.reference / scale) * barMax;
      parts.push(
        `<rect x="${labelWidth}" y="${y + 21}" width="${refWidth.toFixed(1)}" height="10" fill="#b0b0b0"/>`,
        `<text x="${labelWidth + refWidth + 6}" y="${y + 31}" font-size="10" fill="#555">${escapeXml(f.referenceLabel ?? "reference")}: ${round(f.reference)}</text>`,
      );
    }
    return parts.join("");
  });
  const height = 50 + figures.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
    `<text x="8" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>${rows.join("")}</svg>\n`;
}
