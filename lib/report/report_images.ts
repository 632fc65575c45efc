/**
 * Shrinking the PNGs a report embeds.
 *
 * @module
 */
import sharp from "sharp";

/** Options of {@link compactPng}. */
export interface CompactPngOptions {
  /** Wider images are scaled down to this width (aspect kept). Default 1000. */
  maxWidth?: number;
  /** Palette quantisation quality, 1 to 100 (sharp's `quality`). Default 90. */
  quality?: number;
}

/** What {@link compactPng} returns. */
export interface CompactPng {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** The input was not a decodable image: `bytes` is the input, unchanged, and the size is 0. */
  undecodable?: boolean;
}

/**
 * Re-encodes a PNG as a palette PNG (libimagequant through sharp), scaled
 * down to `maxWidth` when wider: the run folders' galleries and top-loss
 * grids shrink four- to tenfold with no visible change. When the result is
 * not smaller, the original bytes are kept.
 *
 * @param png PNG bytes.
 * @param options Width limit and quality.
 * @returns The bytes to embed, with their pixel size.
 * @example
 * ```ts
 * const { bytes, width } = await compactPng(await Deno.readFile("outputs/runs/cnn-quick/top_losses.png"));
 * ```
 */
export async function compactPng(png: Uint8Array, options: CompactPngOptions = {}): Promise<CompactPng> {
  const maxWidth = options.maxWidth ?? 1000;
  const quality = options.quality ?? 90;
  if (!(Number.isInteger(maxWidth) && maxWidth > 0)) {
    throw new RangeError(`maxWidth must be a positive integer. Received: ${maxWidth}`);
  }
  if (!(quality >= 1 && quality <= 100)) throw new RangeError(`quality must be in [1, 100]. Received: ${quality}`);
  let meta: sharp.Metadata;
  try {
    meta = await sharp(png).metadata();
  } catch {
    return { bytes: png, width: 0, height: 0, undecodable: true };
  }
  const width0 = meta.width ?? 0, height0 = meta.height ?? 0;
  let pipeline = sharp(png);
  let width = width0, height = height0;
  if (width0 > maxWidth) {
    width = maxWidth;
    height = Math.max(1, Math.round(height0 * maxWidth / width0));
    pipeline = pipeline.resize({ width, height });
  }
  const out = new Uint8Array(
    await pipeline.png({ palette: true, quality, effort: 7, compressionLevel: 9 }).toBuffer(),
  );
  if (width === width0 && out.length >= png.length) return { bytes: png, width, height };
  return { bytes: out, width, height };
}
