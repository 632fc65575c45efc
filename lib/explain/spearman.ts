/**
 * Spearman's rank correlation.
 *
 * @module
 */

/** Ranks from 1, ties given their average rank. */
function ranks(v: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, ties
 * ranked by their average (as `scipy.stats.spearmanr`). Grad-CAM maps have
 * many tied zeros after the ReLU, so ties matter.
 *
 * @param a Values.
 * @param b The same number of values.
 * @returns The correlation in [-1, 1]; NaN when either input is constant (the ranks have no variance).
 * @throws {RangeError} For lengths that differ, fewer than 2 values, or a NaN.
 * @example
 * ```ts
 * spearman([1, 2, 3], [10, 20, 30]); // 1
 * ```
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) {
    throw new RangeError(`spearman() needs two arrays of the same length >= 2. Received: ${a.length} and ${b.length}`);
  }
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) throw new RangeError(`spearman() got NaN at index ${i}`);
  }
  const ra = ranks(a), rb = ranks(b);
  const mean = (a.length + 1) / 2;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = ra[i] - mean, db = rb[i] - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? NaN : Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}
