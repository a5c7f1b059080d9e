import { describe, expect, it } from "vitest";
import { computeRenderScale, MAX_CANVAS_SIDE } from "../../../src/pdf/render-scale.ts";

describe("computeRenderScale", () => {
  it("renders a letter page at the requested DPI when it fits", () => {
    const s = computeRenderScale({ widthPt: 612, heightPt: 792, dpi: 150, maxPixels: 40e6 });
    expect(s).toMatchObject({ dpiUsed: 150, width: 1275, height: 1650 });
  });

  it("lowers the DPI so a poster page stays within the pixel budget", () => {
    const s = computeRenderScale({ widthPt: 14_400, heightPt: 14_400, dpi: 150, maxPixels: 40e6 });
    expect(s.width * s.height).toBeLessThanOrEqual(40e6);
    expect(s.dpiUsed).toBeLessThan(150);
    // Not needlessly small: within 1% of the budget.
    expect(s.width * s.height).toBeGreaterThan(0.99 * 40e6);
    expect(s.width).toBe(Math.floor(14_400 * s.scale));
  });

  it("keeps a sliver page under the canvas side limit even with pixels to spare", () => {
    const s = computeRenderScale({ widthPt: 14_400, heightPt: 3, dpi: 600, maxPixels: 1e9 });
    expect(s.width).toBeLessThanOrEqual(MAX_CANVAS_SIDE);
    expect(s.height).toBeGreaterThanOrEqual(1);
  });
});
