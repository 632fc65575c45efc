/**
 * A lazily filled, size-capped cache of training-set dot products, shared by
 * every one-vs-one sub-problem and calibration fold of one fit, so each dot
 * product over the features is computed once (the dominant cost with many
 * features). Values are exactly libsvm's sequential `dot`, and a·b == b·a to
 * the bit, so sharing changes no result.
 *
 * @module
 */

import { dot } from "./kernel.ts";

/** Dot products between training rows, by row index. */
export class GramCache {
  /** The training rows. */
  readonly rows: readonly Float64Array[];
  /** Squared norms, `dot(x_i, x_i)` (libsvm's `x_square`). */
  readonly sq: Float64Array;
  readonly #cache = new Map<number, Float64Array>();
  readonly #maxRows: number;

  /**
   * @param rows Training rows, all the same length.
   * @param cacheBytes Memory budget for cached rows (at least two rows are kept).
   * @example
   * ```ts
   * const gram = new GramCache([Float64Array.of(1, 2), Float64Array.of(3, 4)], 1 << 20);
   * gram.row(0)[1]; // 11
   * ```
   */
  constructor(rows: readonly Float64Array[], cacheBytes: number) {
    this.rows = rows;
    this.sq = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) this.sq[i] = dot(rows[i], rows[i]);
    this.#maxRows = Math.max(2, Math.floor(cacheBytes / (8 * Math.max(1, rows.length))));
  }

  /**
   * All dot products of row i with the training rows.
   *
   * @param i Row index.
   * @returns `r[j] = dot(x_i, x_j)`; do not modify.
   * @example
   * ```ts
   * // gram.row(3)[7] === gram.row(7)[3]; // true, bit for bit
   * ```
   */
  row(i: number): Float64Array {
    const cache = this.#cache;
    let r = cache.get(i);
    if (r) {
      cache.delete(i);
      cache.set(i, r);
      return r;
    }
    const n = this.rows.length;
    const xi = this.rows[i];
    r = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const other = cache.get(j);
      r[j] = other ? other[i] : j === i ? this.sq[i] : dot(xi, this.rows[j]);
    }
    if (cache.size >= this.#maxRows) cache.delete(cache.keys().next().value as number);
    cache.set(i, r);
    return r;
  }
}
