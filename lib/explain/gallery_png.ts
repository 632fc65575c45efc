/**
 * A grid of heatmap overlays with optional captions, as PNG.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { type GrayscaleImage, type HeatmapOverlayOptions, heatmapOverlayRgb } from "./heatmap_overlay_png.ts";

/** One cell of {@link galleryPng}. */
export interface GalleryTile {
  image: GrayscaleImage;
  /** `width * height` values in [0, 1]. */
  heatmap: Float32Array;
  /** Text under the tile (one line; clipped to the tile's width). */
  caption?: string;
}

/** Options of {@link galleryPng}. */
export interface GalleryOptions extends HeatmapOverlayOptions {
  /** Pixels between tiles. Default 4. */
  gap?: number;
  /** Caption font size in pixels. Default 11. */
  fontSize?: number;
  /** Draw captions when tiles have them and a font renders. Default true. */
  captions?: boolean;
}

let fontCheck: Promise<boolean> | undefined;

/**
 * Whether sharp (librsvg with fontconfig) draws any pixel for SVG text here.
 * Cached; false when rendering fails or draws nothing (no fonts installed).
 *
 * @returns True when captions can be drawn.
 * @example
 * ```ts
 * if (!(await svgTextRenders())) console.warn("No fonts: captions left out");
 * ```
 */
export function svgTextRenders(): Promise<boolean> {
  fontCheck ??= (async () => {
    try {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">` +
        `<text x="1" y="15" font-family="sans-serif" font-size="14" fill="#fff">Ag</text></svg>`;
      const { data, info } = await sharp(new TextEncoder().encode(svg)).ensureAlpha().raw().toBuffer({
        resolveWithObject: true,
      });
      for (let i = info.channels - 1; i < data.length; i += info.channels) if (data[i] > 0) return true;
      return false;
    } catch {
      return false;
    }
  })();
  return fontCheck;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

/**
 * Arranges heatmap overlays in rows (ragged rows allowed; gaps stay black),
 * each tile in a cell as large as the largest tile, with its caption under
 * it. Captions are drawn as SVG text by sharp; where no font renders (a
 * machine without fonts), they are left out and no room is kept for them.
 *
 * @param rows Rows of tiles.
 * @param options Overlay opacity and colormap, gap, font size, captions on/off.
 * @returns PNG bytes (8-bit RGB).
 * @throws {RangeError} For no tiles, or a tile whose sizes do not match.
 * @example
 * ```ts
 * const png = await galleryPng([[{ image, heatmap: cam.heatmap, caption: "gradcam" },
 *                                { image, heatmap: pp.heatmap, caption: "gradcam++" }]]);
 * ```
 */
export async function galleryPng(
  rows: readonly (readonly GalleryTile[])[],
  options: GalleryOptions = {},
): Promise<Uint8Array> {
  const { gap = 4, fontSize = 11, captions = true } = options;
  const tiles = rows.flat();
  if (tiles.length === 0) throw new RangeError("galleryPng() needs at least one tile");
  if (!(Number.isInteger(gap) && gap >= 0)) {
    throw new RangeError(`gap must be a non-negative integer. Received: ${gap}`);
  }
  const cellW = Math.max(...tiles.map((t) => t.image.width));
  const cellH = Math.max(...tiles.map((t) => t.image.height));
  const cols = Math.max(...rows.map((r) => r.length));
  const wantCaptions = captions && tiles.some((t) => t.caption != null && t.caption !== "");
  const captionH = wantCaptions && await svgTextRenders() ? Math.ceil(fontSize * 1.5) : 0;
  const rowH = cellH + captionH;
  const width = cols * cellW + (cols - 1) * gap, height = rows.length * rowH + (rows.length - 1) * gap;
  const canvas = new Uint8Array(width * height * 3);
  const texts: string[] = [];
  rows.forEach((row, r) =>
    row.forEach((tile, c) => {
      const rgb = heatmapOverlayRgb(tile.image, tile.heatmap, options);
      const x0 = c * (cellW + gap), y0 = r * (rowH + gap);
      for (let y = 0; y < tile.image.height; y++) {
        canvas.set(rgb.subarray(y * tile.image.width * 3, (y + 1) * tile.image.width * 3), ((y0 + y) * width + x0) * 3);
      }
      if (captionH > 0 && tile.caption) {
        texts.push(
          `<svg x="${x0}" y="${y0 + cellH}" width="${cellW}" height="${captionH}">` +
            `<text x="2" y="${
              Math.round(fontSize * 1.15)
            }" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" ` +
            `fill="#fff">${escapeXml(tile.caption)}</text></svg>`,
        );
      }
    })
  );
  let img = sharp(canvas, { raw: { width, height, channels: 3 } });
  if (texts.length > 0) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join("")}</svg>`;
    img = sharp(await img.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).png().toBuffer());
  }
  return new Uint8Array(await img.removeAlpha().png().toBuffer());
}
