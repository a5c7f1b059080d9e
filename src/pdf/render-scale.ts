/** Skia refuses surfaces wider or taller than this, whatever the pixel budget. */
export const MAX_CANVAS_SIDE = 32_767;

/** A page size in points and the raster it should become. */
export interface RenderScaleInput {
  widthPt: number;
  heightPt: number;
  dpi: number;
  maxPixels: number;
}

/** The scale to render at and the resulting pixel size, after clamping. */
export interface RenderScale {
  scale: number;
  dpiUsed: number;
  width: number;
  height: number;
}

/**
 * Picks the render scale for a page: the requested DPI unless width*height would exceed
 * `maxPixels` (or a side would exceed the canvas limit), in which case the scale shrinks so the
 * page still renders whole. Downscaling beats failing: a poster-sized page is still readable.
 */
export function computeRenderScale({ widthPt, heightPt, dpi, maxPixels }: RenderScaleInput): RenderScale {
  const requested = dpi / 72;
  const fitPixels = Math.sqrt(maxPixels / (widthPt * heightPt));
  const fitSide = MAX_CANVAS_SIDE / Math.max(widthPt, heightPt);
  const scale = Math.min(requested, fitPixels, fitSide);
  // floor keeps width*height within the budget; a sliver page still gets one pixel.
  const width = Math.max(1, Math.floor(widthPt * scale));
  const height = Math.max(1, Math.floor(heightPt * scale));
  return { scale, dpiUsed: scale * 72, width, height };
}
