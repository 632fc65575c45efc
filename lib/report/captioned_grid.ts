/**
 * A grid of images with a caption under each: top-loss cases, galleries.
 * Built as SVG (images embedded as PNG data URLs) and rasterised by sharp,
 * so it needs no browser.
 *
 * @module
 */
import sharp from "sharp";
import { escapeXml } from "./charts/escape_xml.ts";
import { svgToPng } from "./charts/svg_to_png.ts";

/** One tile: PNG bytes of any size (shown at `tileSize`) and caption lines. */
export interface CaptionedTile {
  png: Uint8Array;
  caption: string[];
  /** Caption colour, e.g. red for a wrong prediction. Default dark grey. */
  color?: string;
}

/** Options of {@link captionedGridSvg}. */
export interface CaptionedGridOptions {
  /** Tiles per row. Default 4. */
  columns?: number;
  /** Tile side in pixels. Default 160. */
  tileSize?: number;
  title?: string;
}

function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * Lays tiles out in rows with captions below each.
 *
 * @returns An SVG document.
 */
export function captionedGridSvg(tiles: readonly CaptionedTile[], options: CaptionedGridOptions = {}): string {
  const { columns = 4, tileSize = 160, title } = options;
  const lines = Math.max(1, ...tiles.map((t) => t.caption.length));
  const captionH = 14 * lines + 6, gap = 10, top = title ? 30 : 0;
  const cols = Math.max(1, Math.min(columns, tiles.length));
  const rows = Math.ceil(tiles.length / cols);
  const width = cols * (tileSize + gap) + gap, height = top + rows * (tileSize + captionH + gap) + gap;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (title) {
    parts.push(
      `<text x="${width / 2}" y="20" text-anchor="middle" font-family="sans-serif" font-size="15" font-weight="bold">${
        escapeXml(title)
      }</text>`,
    );
  }
  tiles.forEach((t, i) => {
    const x = gap + (i % cols) * (tileSize + gap);
    const y = top + gap + Math.floor(i / cols) * (tileSize + captionH + gap);
    parts.push(
      `<image x="${x}" y="${y}" width="${tileSize}" height="${tileSize}" href="data:image/png;base64,${
        base64(t.png)
      }"/>`,
    );
    t.caption.forEach((line, k) =>
      parts.push(
        `<text x="${x + tileSize / 2}" y="${
          y + tileSize + 13 + 14 * k
        }" text-anchor="middle" font-family="sans-serif" font-size="11" fill="${t.color ?? "#333"}">${
          escapeXml(line)
        }</text>`,
      )
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/**
 * PNG bytes of a grayscale image in [0,1].
 *
 * @param gray `size * size` values, row-major.
 */
export async function grayPng(gray: Float32Array, size: number): Promise<Uint8Array> {
  const px = Uint8Array.from(gray, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  return new Uint8Array(await sharp(px, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer());
}

/**
 * {@link captionedGridSvg} rasterised.
 *
 * @returns PNG bytes.
 */
export async function captionedGridPng(
  tiles: readonly CaptionedTile[],
  options: CaptionedGridOptions = {},
): Promise<Uint8Array> {
  return await svgToPng(captionedGridSvg(tiles, options));
}
