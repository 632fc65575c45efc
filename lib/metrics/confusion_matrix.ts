/**
 * Confusion matrix, as scikit-learn's `confusion_matrix`: rows are true
 * classes, columns predicted classes.
 *
 * @param yTrue True class indices.
 * @param yPred Predicted class indices.
 * @param numClasses Number of classes.
 * @returns `numClasses x numClasses` counts.
 * @throws {RangeError} When lengths differ or an index is out of range.
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [0, 1, 0], 2); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(yTrue: readonly number[], yPred: readonly number[], numClasses: number): number[][] {
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`yTrue and yPred differ in length: ${yTrue.length} vs ${yPred.length}`);
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i], p = yPred[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses) || !Number.isInteger(t) || !Number.isInteger(p)) {
      throw new RangeError(`Class index out of range [0, ${numClasses}) at position ${i}: true=${t}, pred=${p}`);
    }
    m[t][p]++;
  }
  return m;
}
