/**
 * PNG pictures with sharp.
 *
 * @module
 */
import sharp from "sharp";
import { writeFileAtomic } from "../cli.ts";

/** A grayscale image in [0, 1], row-major. */
export interface GrayImage {
  image: Float32Array;
  size: number;
}

/**
 * Encodes a grid of grayscale images as PNG, row by row.
 *
 * @param rows Images per row; rows may be ragged (gaps stay black).
 * @param gap Pixels between tiles. Default 2.
 * @returns PNG bytes.
 */
export async function grayGridPng(rows: readonly (readonly GrayImage[])[], gap = 2): Promise<Uint8Array> {
  const size = rows.flat()[0]?.size;
  if (size == null) throw new RangeError("grayGridPng() needs at least one image");
  const cols = Math.max(...rows.map((r) => r.length));
  const width = cols * size + (cols - 1) * gap, height = rows.length * size + (rows.length - 1) * gap;
  const pixels = new Uint8Array(width * height);
  rows.forEach((row, r) =>
    row.forEach((im, c) => {
      for (let y = 0; y < size; y++) {
        const dst = (r * (size + gap) + y) * width + c * (size + gap);
        for (let x = 0; x < size; x++) {
          pixels[dst + x] = Math.round(Math.min(1, Math.max(0, im.image[y * size + x])) * 255);
        }
      }
    })
  );
  return new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer());
}

/** Writes {@link grayGridPng} to a file atomically. */
export async function writeGrayGridPng(path: string, rows: readonly (readonly GrayImage[])[]): Promise<void> {
  await writeFileAtomic(path, await grayGridPng(rows));
}
