import { describe, expect, it } from "vitest";
import { layoutDocumentToMarkdown } from "../../../src/text/layout-to-markdown.ts";
import { findRunningLines } from "../../../src/text/layout-running-lines.ts";
import type { PageTextLayer } from "../../../src/text/text-item.ts";
import { bodyLines, item } from "./text-items.ts";

/** A two-column page whose header is split by the gutter and whose left column ends mid-sentence. */
function twoColumnPage(pageNumber: number): PageTextLayer {
  const left = Array.from({ length: 30 }, (_v, i) => `left ${pageNumber} line ${String(i).padStart(2, "0")} text goes on`);
  const right = Array.from({ length: 30 }, (_v, i) => `right ${pageNumber} line ${String(i).padStart(2, "0")} text goes on`);
  left[29] = "and this sentence crosses the";
  right[0] = "gutter into the next column.";
  return {
    width: 612,
    height: 792,
    items: [
      item("CONF ’23, Somewhere, Earth", 72, 40, { fontSize: 8 }),
      item("Author et al.", 480, 40, { fontSize: 8 }),
      ...bodyLines(left, 72, 100, { width: 220 }),
      ...bodyLines(right, 320, 100, { width: 220 }),
      item(String(pageNumber + 10), 300, 750, { fontSize: 8 }),
    ],
  };
}

describe("running headers and footers by position", () => {
  const pages = [1, 2, 3, 4].map(twoColumnPage);

  it("finds the header halves and the page number at the same edge on every page", () => {
    const { keys } = findRunningLines(pages);
    expect([...keys].sort()).toEqual(["bottom:#", "top:author et al", "top:conf # somewhere earth"]);
  });

  it("leaves them out before reading order, so a sentence crossing the gutter stays whole", () => {
    const markdown = layoutDocumentToMarkdown(pages);
    for (const [index, page] of markdown.entries()) {
      expect(page).not.toMatch(/CONF|Author et al|^1\d$/m);
      expect(page.replace(/\s+/g, " ")).toContain("and this sentence crosses the gutter into the next column.");
      expect(page).toContain(`left ${index + 1} line 00`);
    }
  });

  it("keeps an edge line that appears on one page only", () => {
    const first = twoColumnPage(1);
    first.items.push(item("A one-off note at the foot", 72, 770, { fontSize: 8 }));
    const markdown = layoutDocumentToMarkdown([first, twoColumnPage(2), twoColumnPage(3)]);
    expect(markdown[0]).toContain("A one-off note at the foot");
  });

  it("keeps a figure label that sits at the same height on several pages", () => {
    // A side caption's bold label set apart from its text, under the header on pages 1 to 4.
    const pages = [1, 2, 3, 4].map((n) => {
      const layer = twoColumnPage(n);
      layer.items.push(item(`Figure ${n}`, 72, 70, { fontSize: 8 }), item("Forest plot of a subgroup.", 110, 70, { fontSize: 8 }));
      return layer;
    });
    expect([...findRunningLines(pages).keys]).not.toContain("top:figure #");
    layoutDocumentToMarkdown(pages).forEach((markdown, index) => expect(markdown).toContain(`Figure ${index + 1}`));
  });
});
