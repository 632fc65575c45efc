/**
 * One class's Grad-CAM gallery: correct and wrong predictions side by side.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { captionedGridPng, type CaptionedTile } from "../report/captioned_grid.ts";
import { escapeXml } from "../report/charts/escape_xml.ts";

/** Options of {@link classGalleryPng}. */
export interface ClassGalleryOptions {
  /** First header line, e.g. `"Grad-CAM: Herniated disk"`. */
  title?: string;
  /** Second header line, smaller (what the marks mean). */
  legend?: string;
  /** Tiles per row in each panel. Default 4. */
  columns?: number;
  /** Tile side in pixels. Default 144. */
  tileSize?: number;
}

const SEPARATOR = 24;

async function panel(
  tiles: readonly CaptionedTile[],
  columns: number,
  tileSize: number,
): Promise<{ png?: Uint8Array; width: number; height: number }> {
  if (tiles.length === 0) return { width: tileSize + 20, height: 40 };
  const png = await captionedGridPng(tiles, { columns, tileSize });
  const meta = await sharp(png).metadata();
  return { png, width: meta.width ?? 0, height: meta.height ?? 0 };
}

/**
 * Two captioned grids side by side under a header: on the left the
 * correctly predicted images ("correct (n)"), on the right the wrong ones
 * ("wrong (n)", or "none"), separated by a line. Tiles are any PNGs (heatmap
 * overlays) with caption lines, as `captionedGridPng` takes them; give
 * wrong ones a red caption colour.
 *
 * @param correct Tiles of correct predictions.
 * @param wrong Tiles of wrong predictions.
 * @param options Title, legend, columns per panel (4), tile size (144).
 * @returns PNG bytes (RGB, white background).
 * @throws {RangeError} For a bad column count or tile size.
 * @example
 * ```ts
 * const tile = { png: await heatmapOverlayPng(image, cam.heatmap), caption: ["true: Healthy", "pred: Healthy"] };
 * await Deno.writeFile("gallery.png", await classGalleryPng([tile], [], { title: "Grad-CAM: Healthy" }));
 * ```
 */
export async function classGalleryPng(
  correct: readonly CaptionedTile[],
  wrong: readonly CaptionedTile[],
  options: ClassGalleryOptions = {},
): Promise<Uint8Array> {
  const { title, legend, columns = 4, tileSize = 144 } = options;
  if (!(Number.isInteger(columns) && columns >= 1)) {
    throw new RangeError(`columns must be a positive integer. Received: columns=${columns}`);
  }
  if (!(Number.isInteger(tileSize) && tileSize >= 16 && tileSize <= 1024)) {
    throw new RangeError(`tileSize must be an integer in [16, 1024]. Received: tileSize=${tileSize}`);
  }
  const left = await panel(correct, columns, tileSize);
  const right = await panel(wrong, columns, tileSize);
  const titleH = title ? 26 : 0, legendH = legend ? 18 : 0, subH = 24;
  const top = titleH + legendH + subH;
  const width = Math.max(left.width + SEPARATOR + right.width, 320);
  const height = top + Math.max(left.height, right.height);
  const rightX = left.width + SEPARATOR;
  const text = (x: number, y: number, s: string, attrs: string) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" ${attrs}>${escapeXml(s)}</text>`;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`];
  if (title) parts.push(text(10, 19, title, `font-size="15" font-weight="bold" fill="#222"`));
  if (legend) parts.push(text(10, titleH + 13, legend, `font-size="11" fill="#555"`));
  parts.push(text(10, top - 6, `correct (${correct.length})`, `font-size="13" font-weight="bold" fill="#1b5e20"`));
  parts.push(text(rightX + 10, top - 6, `wrong (${wrong.length})`, `font-size="13" font-weight="bold" fill="#b71c1c"`));
  if (correct.length === 0) parts.push(text(20, top + 20, "none", `font-size="12" fill="#777"`));
  if (wrong.length === 0) parts.push(text(rightX + 20, top + 20, "none", `font-size="12" fill="#777"`));
  const lineX = left.width + SEPARATOR / 2;
  parts.push(`<line x1="${lineX}" y1="${top - 20}" x2="${lineX}" y2="${height - 6}" stroke="#bbb" stroke-width="1"/>`);
  parts.push("</svg>");
  const layers: sharp.OverlayOptions[] = [{ input: Buffer.from(parts.join("")), top: 0, left: 0 }];
  if (left.png) layers.push({ input: Buffer.from(left.png), top, left: 0 });
  if (right.png) layers.push({ input: Buffer.from(right.png), top, left: rightX });
  const composed = await sharp({ create: { width, height, channels: 3, background: "#ffffff" } })
    .composite(layers).png().toBuffer();
  return new Uint8Array(await sharp(composed).flatten({ background: "#ffffff" }).png().toBuffer());
}
