/**
 * A heatmap blended over a grayscale image, as PNG.
 *
 * @module
 */
import sharp from "sharp";
import { colormap, type ColormapName } from "./colormap.ts";

/** A grayscale image, row-major, values in [0, 1]. */
export interface GrayscaleImage {
  width: number;
  height: number;
  /** `width * height` values in [0, 1] (clamped). */
  data: Float32Array;
}

/** Options of {@link heatmapOverlayPng}. */
export interface HeatmapOverlayOptions {
  /** Weight of the heatmap's colour: `out = (1 - alpha) * gray + alpha * colour`. Default 0.45. */
  alpha?: number;
  /** Default `"jet"`. */
  colormap?: ColormapName;
}

/**
 * Blends a heatmap over a grayscale image into 8-bit RGB pixels.
 *
 * @param gray The image.
 * @param heatmap `width * height` values in [0, 1], row-major, as `gradCam` returns.
 * @param options Opacity and colormap.
 * @returns `width * height * 3` bytes, RGB interleaved.
 * @throws {RangeError} For a size mismatch or an alpha outside [0, 1].
 * @example
 * ```ts
 * const rgb = heatmapOverlayRgb({ width: 2, height: 1, data: new Float32Array([0, 1]) }, new Float32Array([1, 0]));
 * ```
 */
export function heatmapOverlayRgb(
  gray: GrayscaleImage,
  heatmap: Float32Array,
  options: HeatmapOverlayOptions = {},
): Uint8Array {
  const { alpha = 0.45, colormap: cmap = "jet" } = options;
  const { width, height, data } = gray;
  const n = width * height;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || data.length !== n) {
    throw new RangeError(`The image needs width * height values. Received: ${width}x${height}, ${data.length} values`);
  }
  if (heatmap.length !== n) {
    throw new RangeError(
      `The heatmap must match the image's ${width}x${height} pixels. Received: ${heatmap.length} values`,
    );
  }
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`alpha must be in [0, 1]. Received: alpha=${alpha}`);
  // One lookup table of 256 colours: quantising the heatmap to 8 bits is invisible in an 8-bit PNG.
  const lut = new Float32Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(colormap(cmap, i / 255), i * 3);
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const g = Math.min(1, Math.max(0, data[p] || 0));
    const h = Math.round(Math.min(1, Math.max(0, heatmap[p] || 0)) * 255) * 3;
    for (let ch = 0; ch < 3; ch++) out[p * 3 + ch] = Math.round(((1 - alpha) * g + alpha * lut[h + ch]) * 255);
  }
  return out;
}

/**
 * A heatmap blended over a grayscale image, encoded as PNG with sharp.
 *
 * @param gray The image, values in [0, 1].
 * @param heatmap `width * height` values in [0, 1], row-major, as `gradCam` returns.
 * @param options Opacity (default 0.45) and colormap (default `jet`).
 * @returns PNG bytes (8-bit RGB).
 * @throws {RangeError} For a size mismatch or an alpha outside [0, 1].
 * @example
 * ```ts
 * const { heatmap, width, height } = await gradCam(built, image);
 * await Deno.writeFile("cam.png", await heatmapOverlayPng({ width, height, data: grayPixels }, heatmap));
 * ```
 */
export async function heatmapOverlayPng(
  gray: GrayscaleImage,
  heatmap: Float32Array,
  options: HeatmapOverlayOptions = {},
): Promise<Uint8Array> {
  const rgb = heatmapOverlayRgb(gray, heatmap, options);
  const png = await sharp(rgb, { raw: { width: gray.width, height: gray.height, channels: 3 } }).png().toBuffer();
  return new Uint8Array(png);
}
