/**
 * Fraction of correct predictions.
 *
 * @module
 */

/**
 * Accuracy, as scikit-learn's `accuracy_score`: the fraction of samples whose prediction equals the truth.
 * Usable as a `bootstrapCi` metric.
 *
 * @param yTrue True class indices.
 * @param yPred Predicted class indices.
 * @returns A number in [0, 1].
 * @throws {RangeError} When the inputs are empty or differ in length.
 * @example
 * ```ts
 * accuracy([0, 1, 2, 2], [0, 1, 1, 2]); // 0.75
 * ```
 */
export function accuracy(yTrue: readonly number[], yPred: readonly number[]): number {
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`yTrue and yPred differ in length: ${yTrue.length} vs ${yPred.length}`);
  }
  if (yTrue.length === 0) throw new RangeError("accuracy() needs at least one sample");
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}
