/**
 * The pointing game (Zhang et al., "Top-down Neural Attention by Excitation Backprop", ECCV 2016).
 *
 * @module
 */

/** Options of {@link pointingGame}. */
export interface PointingGameOptions {
  /**
   * A hit also counts when a mask pixel lies within this Euclidean distance
   * (in pixels) of the maximum; Zhang et al. used 15 px at 224 px. Default 0.
   */
  tolerance?: number;
}

/**
 * Checks a map and a mask of the same size and a width that divides it; returns the height.
 *
 * @param heatmap Map values.
 * @param mask Mask values.
 * @param width Columns, when the layout matters.
 * @returns Rows (1 without a width).
 * @throws {RangeError} For sizes that differ or are empty, or a width that does not divide them.
 * @example
 * ```ts
 * checkMapAndMask(new Float32Array(6), new Uint8Array(6), 3); // 2
 * ```
 */
export function checkMapAndMask(heatmap: ArrayLike<number>, mask: ArrayLike<number>, width?: number): number {
  if (heatmap.length !== mask.length || heatmap.length === 0) {
    throw new RangeError(
      `The heatmap and the mask must have the same, non-zero size. Received: ${heatmap.length} and ${mask.length}`,
    );
  }
  if (width == null) return 1;
  if (!(Number.isInteger(width) && width > 0 && heatmap.length % width === 0)) {
    throw new RangeError(`width must be a positive integer dividing ${heatmap.length}. Received: width=${width}`);
  }
  return heatmap.length / width;
}

/**
 * Index of the heatmap's maximum: the first one in row-major order when
 * several pixels tie (NaN values are skipped).
 *
 * @param heatmap Any values.
 * @returns The index, or -1 when every value is NaN.
 * @example
 * ```ts
 * heatmapArgmax([0, 2, 2]); // 1
 * ```
 */
export function heatmapArgmax(heatmap: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < heatmap.length; i++) {
    if (!Number.isNaN(heatmap[i]) && (best < 0 || heatmap[i] > heatmap[best])) best = i;
  }
  return best;
}

/**
 * The pointing game: whether the heatmap's maximum lies inside the mask.
 *
 * Ties go to the first maximum in row-major order (so a constant map points
 * at the top-left pixel): a map that does not commit to a location is not
 * rewarded for it.
 *
 * @param heatmap Row-major values, any range.
 * @param mask The same size; a pixel is inside when its value is > 0.
 * @param width Columns of both.
 * @param options A tolerance in pixels.
 * @returns True for a hit.
 * @throws {RangeError} For sizes that differ, a width that does not divide them, or a negative tolerance.
 * @example
 * ```ts
 * pointingGame(new Float32Array([0, 1, 0, 0]), new Uint8Array([0, 1, 0, 0]), 2); // true
 * ```
 */
export function pointingGame(
  heatmap: ArrayLike<number>,
  mask: ArrayLike<number>,
  width: number,
  options: PointingGameOptions = {},
): boolean {
  const height = checkMapAndMask(heatmap, mask, width);
  const { tolerance = 0 } = options;
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be >= 0. Received: tolerance=${tolerance}`);
  const best = heatmapArgmax(heatmap);
  if (best < 0) return false;
  if (mask[best] > 0) return true;
  if (tolerance === 0) return false;
  return nearMask(mask, width, height, best, tolerance);
}

/**
 * Whether a mask pixel (value > 0) lies within `tolerance` pixels (Euclidean) of pixel `index`.
 *
 * @param mask Row-major mask.
 * @param width Columns.
 * @param height Rows.
 * @param index The pixel, row-major.
 * @param tolerance Radius in pixels, >= 0.
 * @returns True when one does.
 * @example
 * ```ts
 * nearMask(new Uint8Array([0, 0, 1]), 3, 1, 0, 2); // true
 * ```
 */
export function nearMask(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  index: number,
  tolerance: number,
): boolean {
  const bx = index % width, by = Math.floor(index / width), r = Math.floor(tolerance);
  for (let y = Math.max(0, by - r); y <= Math.min(height - 1, by + r); y++) {
    for (let x = Math.max(0, bx - r); x <= Math.min(width - 1, bx + r); x++) {
      if ((x - bx) ** 2 + (y - by) ** 2 <= tolerance * tolerance && mask[y * width + x] > 0) return true;
    }
  }
  return false;
}
