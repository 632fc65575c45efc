/**
 * The largest off-diagonal cells of a confusion matrix.
 *
 * @module
 */

/** One kind of mistake. */
export interface ConfusedPair {
  /** The class the samples belong to. */
  trueLabel: string;
  /** The class they were predicted as. */
  predLabel: string;
  /** Row index of the cell. */
  trueIndex: number;
  /** Column index of the cell. */
  predIndex: number;
  /** Samples of `trueLabel` predicted as `predLabel`. */
  count: number;
  /** `count` over all samples of `trueLabel` (the row sum): the share of that class lost to this mistake. */
  rate: number;
}

/**
 * The most frequent mistakes in a confusion matrix: off-diagonal cells with a non-zero count, sorted by
 * count descending; equal counts keep row-major order (true index, then predicted index).
 *
 * @param matrix Square counts, rows true and columns predicted (as `confusionMatrix` returns).
 * @param labels One name per row/column.
 * @param top How many pairs to return at most (default 5; `Infinity` for all).
 * @returns Up to `top` pairs (see {@link ConfusedPair}).
 * @throws {RangeError} When the matrix is not square, does not match `labels`, holds a negative or
 *   non-finite count, or `top` is not a non-negative integer or Infinity.
 * @example
 * ```ts
 * mostConfusedPairs([[5, 2], [1, 4]], ["normal", "stenosis"], 1);
 * // [{ trueLabel: "normal", predLabel: "stenosis", trueIndex: 0, predIndex: 1, count: 2, rate: 0.2857142857142857 }]
 * ```
 */
export function mostConfusedPairs(
  matrix: readonly (readonly number[])[],
  labels: readonly string[],
  top = 5,
): ConfusedPair[] {
  if (matrix.length !== labels.length) {
    throw new RangeError(`matrix has ${matrix.length} rows but there are ${labels.length} labels`);
  }
  if (!(top === Infinity || (Number.isInteger(top) && top >= 0))) {
    throw new RangeError(`top must be a non-negative integer or Infinity. Received: top=${top}`);
  }
  const pairs: ConfusedPair[] = [];
  matrix.forEach((row, i) => {
    if (row.length !== matrix.length) throw new RangeError(`matrix is not square: row ${i} has ${row.length} cells`);
    const bad = row.findIndex((v) => !(Number.isFinite(v) && v >= 0));
    if (bad >= 0) throw new RangeError(`matrix[${i}][${bad}] is not a non-negative count: ${row[bad]}`);
    const rowSum = row.reduce((s, v) => s + v, 0);
    row.forEach((count, j) => {
      if (i !== j && count > 0) {
        pairs.push({
          trueLabel: labels[i],
          predLabel: labels[j],
          trueIndex: i,
          predIndex: j,
          count,
          rate: count / rowSum,
        });
      }
    });
  });
  return pairs.sort((a, b) => b.count - a.count).slice(0, top);
}
