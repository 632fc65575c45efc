/**
 * Per-class precision, recall and F1 from a confusion matrix, with scikit-learn's arithmetic
 * (`precision_recall_fscore_support`, `zero_division="warn"`): a zero denominator gives 0. Internal to
 * lib/metrics.
 *
 * @module
 */

/** Per-class sufficient statistics and scores, indexed by class. */
export interface PrfArrays {
  precision: number[];
  recall: number[];
  f1: number[];
  /** True samples per class (row sums). */
  support: number[];
  /** Predicted samples per class (column sums). */
  predicted: number[];
  /** Correct predictions per class (the diagonal). */
  truePositives: number[];
}

/**
 * F1 as sklearn computes it: `2 * p * r / (p + r)`, with a zero denominator replaced by 1.
 *
 * @param precision Precision.
 * @param recall Recall.
 * @returns F1, 0 when both are 0.
 * @example
 * ```ts
 * f1FromPrecisionRecall(0.5, 1); // 0.6666666666666666
 * ```
 */
export function f1FromPrecisionRecall(precision: number, recall: number): number {
  const denom = precision + recall;
  return (2 * precision * recall) / (denom === 0 ? 1 : denom);
}

/**
 * Scores every class of a square confusion matrix (rows true, columns predicted).
 *
 * @param matrix Counts, `matrix[true][pred]`.
 * @returns Per-class arrays.
 * @example
 * ```ts
 * prfFromMatrix([[1, 0], [1, 1]]).precision; // [0.5, 1]
 * ```
 */
export function prfFromMatrix(matrix: readonly (readonly number[])[]): PrfArrays {
  const n = matrix.length;
  const truePositives = matrix.map((row, k) => row[k]);
  const support = matrix.map((row) => row.reduce((s, v) => s + v, 0));
  const predicted = Array.from({ length: n }, (_, k) => matrix.reduce((s, row) => s + row[k], 0));
  const precision = truePositives.map((tp, k) => (predicted[k] === 0 ? 0 : tp / predicted[k]));
  const recall = truePositives.map((tp, k) => (support[k] === 0 ? 0 : tp / support[k]));
  const f1 = precision.map((p, k) => f1FromPrecisionRecall(p, recall[k]));
  return { precision, recall, f1, support, predicted, truePositives };
}
