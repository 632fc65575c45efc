/**
 * Uniform quantisation of [0, 1] intensities to integer gray levels.
 *
 * @module
 */
import { checkInteger } from "./_util.ts";
import { toGrayImageData } from "./to_gray_image_data.ts";
import type { FeatureImage } from "./types.ts";

/**
 * Quantises intensities in [0, 1] to `levels` equal-width gray levels:
 * `q = min(levels - 1, floor(v * levels))`, so level `k` holds
 * `[k / levels, (k + 1) / levels)` and 1 falls in the top level. Values
 * outside [0, 1] are clamped first. This is the step that turns a float image
 * into the integer image that scikit-image's `graycomatrix` expects.
 *
 * @param image The image.
 * @param levels Number of gray levels, 2 to 256.
 * @returns One level per pixel, row-major.
 * @throws {RangeError} For a bad image or `levels` outside [2, 256].
 * @example
 * ```ts
 * const q = quantizeGray({ width: 4, height: 1, data: Float32Array.of(0, 0.3, 0.6, 1) }, 4);
 * // q = Uint8Array [0, 1, 2, 3]
 * ```
 */
export function quantizeGray(image: FeatureImage, levels: number): Uint8Array {
  const { data } = toGrayImageData(image, "quantizeGray()");
  checkInteger("quantizeGray()", "levels", levels, 2, 256);
  const out = new Uint8Array(data.length);
  const top = levels - 1;
  for (let k = 0; k < data.length; k++) {
    const q = Math.floor(data[k] * levels);
    out[k] = q < 0 ? 0 : q > top ? top : q;
  }
  return out;
}
