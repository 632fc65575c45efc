/**
 * SVG to PNG with sharp (librsvg).
 *
 * @module
 */
import sharp from "sharp";

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /**
   * Rendering density in DPI; 72 keeps the SVG's pixel size, 144 doubles it
   * (sharper text). Default 72.
   */
  density?: number;
}

/**
 * Rasterises an SVG document to PNG bytes with sharp (librsvg). Text uses
 * the fonts fontconfig finds for `sans-serif`; without any installed font
 * librsvg draws no glyphs (lines and shapes still render).
 *
 * @param svg A standalone SVG document (e.g. a chart's `svg`).
 * @param options Density.
 * @returns PNG bytes, RGBA, `width x height` of the SVG at 72 DPI.
 * @example
 * ```ts
 * import { lineChart } from "./line_chart.ts";
 * const png = await svgToPng(lineChart([{ name: "a", x: [0, 1], y: [0, 1] }]).svg);
 * await Deno.writeFile("line.png", png);
 * ```
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  const density = options.density ?? 72;
  if (!(density > 0 && density <= 2400)) throw new RangeError(`density must be in (0, 2400], got ${density}`);
  const buf = await sharp(new TextEncoder().encode(svg), { density }).png().toBuffer();
  return new Uint8Array(buf);
}
