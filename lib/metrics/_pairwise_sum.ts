/**
 * numpy's summation order, so that means and trapezoids agree with scikit-learn to the last bit.
 * Internal to lib/metrics.
 *
 * @module
 */

const BLOCK = 128;

function pairwise(values: readonly number[], start: number, n: number): number {
  if (n < 8) {
    let res = -0.0;
    for (let i = 0; i < n; i++) res += values[start + i];
    return res;
  }
  if (n <= BLOCK) {
    const r = values.slice(start, start + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += values[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(values, start, n2) + pairwise(values, start + n2, n - n2);
}

/**
 * Sums as `np.sum` does on a contiguous float64 array: blocks of up to 128 values added with eight running
 * partial sums, larger arrays split in two recursively.
 *
 * @param values The numbers to add.
 * @returns Their sum, bit-identical to numpy's (0 for no values).
 * @example
 * ```ts
 * pairwiseSum([0.1, 0.2, 0.3]); // 0.6000000000000001, as np.sum
 * ```
 */
export function pairwiseSum(values: readonly number[]): number {
  return values.length === 0 ? 0 : pairwise(values, 0, values.length);
}

/**
 * `np.mean` of a non-empty array: the pairwise sum divided by the count.
 *
 * @param values At least one number.
 * @returns The mean.
 * @example
 * ```ts
 * pairwiseMean([1, 2, 4]); // 2.3333333333333335
 * ```
 */
export function pairwiseMean(values: readonly number[]): number {
  return pairwiseSum(values) / values.length;
}
