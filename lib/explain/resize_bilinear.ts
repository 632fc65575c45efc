/**
 * Bilinear resizing of a one-channel map, on plain arrays.
 *
 * @module
 */

/**
 * Resizes a row-major map bilinearly with half-pixel centres (the geometry of
 * OpenCV's `resize` and of `tf.image.resizeBilinear(x, size, false, true)`):
 * output pixel `(x, y)` samples the input at `((x + 0.5) * inW / outW - 0.5, ...)`,
 * clamped to the border. Values stay within the input's range.
 *
 * @param map `inHeight * inWidth` values.
 * @param inWidth Input columns.
 * @param inHeight Input rows.
 * @param outWidth Output columns.
 * @param outHeight Output rows.
 * @returns `outHeight * outWidth` values, row-major.
 * @example
 * ```ts
 * resizeBilinear(new Float32Array([0, 1]), 2, 1, 4, 1); // [0, 0.25, 0.75, 1]
 * ```
 */
export function resizeBilinear(
  map: Float32Array,
  inWidth: number,
  inHeight: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  if (map.length !== inWidth * inHeight) {
    throw new RangeError(`Expected ${inWidth * inHeight} values for ${inWidth}x${inHeight}. Received: ${map.length}`);
  }
  const out = new Float32Array(outWidth * outHeight);
  const sy = inHeight / outHeight, sx = inWidth / outWidth;
  const x0 = new Int32Array(outWidth), x1 = new Int32Array(outWidth), fx = new Float32Array(outWidth);
  for (let x = 0; x < outWidth; x++) {
    const s = Math.min(inWidth - 1, Math.max(0, (x + 0.5) * sx - 0.5));
    x0[x] = Math.floor(s);
    x1[x] = Math.min(inWidth - 1, x0[x] + 1);
    fx[x] = s - x0[x];
  }
  for (let y = 0; y < outHeight; y++) {
    const s = Math.min(inHeight - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(s), y1 = Math.min(inHeight - 1, y0 + 1), fy = s - y0;
    for (let x = 0; x < outWidth; x++) {
      const top = map[y0 * inWidth + x0[x]] * (1 - fx[x]) + map[y0 * inWidth + x1[x]] * fx[x];
      const bottom = map[y1 * inWidth + x0[x]] * (1 - fx[x]) + map[y1 * inWidth + x1[x]] * fx[x];
      out[y * outWidth + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
