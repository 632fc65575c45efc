/**
 * scikit-learn's `gamma="scale"`: 1 / (n_features * X.var()), with the
 * variance summed the way numpy sums (pairwise), so gamma matches to the bit.
 *
 * @module
 */

/**
 * The RBF/poly/sigmoid `gamma` sklearn's SVC uses for `gamma="scale"`.
 *
 * @param X Training rows, all the same length.
 * @returns 1 / (nFeatures * var(X)), or 1 when X has no variance.
 * @example
 * ```ts
 * gammaScale([[0, 2], [2, 0]]); // 0.5: var 1 over 2 features
 * ```
 */
export function gammaScale(X: readonly (readonly number[])[]): number {
  const nFeatures = X[0].length;
  const flat = new Float64Array(X.length * nFeatures);
  let o = 0;
  for (const row of X) for (const v of row) flat[o++] = v;
  const mean = pairwiseSum(flat, 0, flat.length) / flat.length;
  for (let i = 0; i < flat.length; i++) {
    const d = flat[i] - mean;
    flat[i] = d * d;
  }
  const variance = pairwiseSum(flat, 0, flat.length) / flat.length;
  return variance !== 0 ? 1.0 / (nFeatures * variance) : 1.0;
}

/** numpy's `pairwise_sum` (blocks of 128, eight accumulators). */
function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.trunc(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}
