/**
 * The share of a heatmap's energy inside a mask (energy-based pointing game,
 * Wang et al., "Score-CAM", CVPRW 2020).
 *
 * @module
 */
import { checkMapAndMask } from "./pointing_game.ts";

/**
 * `sum(heatmap inside mask) / sum(heatmap)`.
 *
 * @param heatmap Non-negative values (a Grad-CAM map after ReLU), row-major.
 * @param mask The same size; a pixel is inside when its value is > 0.
 * @returns A share in [0, 1]; NaN when the heatmap sums to 0 (no energy to share).
 * @throws {RangeError} For sizes that differ or a negative or non-finite value.
 * @example
 * ```ts
 * energyInMask(new Float32Array([3, 1]), new Uint8Array([1, 0])); // 0.75
 * ```
 */
export function energyInMask(heatmap: ArrayLike<number>, mask: ArrayLike<number>): number {
  checkMapAndMask(heatmap, mask);
  let inside = 0, total = 0;
  for (let i = 0; i < heatmap.length; i++) {
    const v = heatmap[i];
    if (!(v >= 0) || v === Infinity) {
      throw new RangeError(`energyInMask needs finite values >= 0. Received: ${v} at index ${i}`);
    }
    total += v;
    if (mask[i] > 0) inside += v;
  }
  return total > 0 ? inside / total : NaN;
}
