/**
 * Unweighted mean of per-class F1 scores.
 *
 * @module
 */

import { confusionMatrix } from "./confusion_matrix.ts";
import { pairwiseMean } from "./_pairwise_sum.ts";
import { prfFromMatrix } from "./_prf.ts";

/**
 * Macro-averaged F1, as scikit-learn's `f1_score(..., average="macro")`; a class with a zero division (never
 * predicted, or absent from `yTrue`) scores 0, silently.
 *
 * With `numClasses`, the mean is over classes `0..numClasses-1` (sklearn's `labels=range(numClasses)`), so a
 * class missing from both inputs counts as 0 — in bootstrap resamples of a rare class that pulls the score
 * down. Without it, the mean is over the classes that occur in `yTrue` or `yPred` (sklearn's default), so a
 * perfect classifier always scores 1.
 *
 * @param yTrue True class indices (non-negative integers).
 * @param yPred Predicted class indices.
 * @param numClasses Number of classes, when every class should count.
 * @returns A number in [0, 1].
 * @throws {RangeError} When the inputs are empty or differ in length, or an index is out of range.
 * @example
 * ```ts
 * macroF1([0, 1, 1, 2], [0, 1, 2, 2]); // 0.7777777777777777
 * macroF1([0, 0], [0, 0], 2); // 0.5: class 1 counts, with F1 0
 * ```
 */
export function macroF1(yTrue: readonly number[], yPred: readonly number[], numClasses?: number): number {
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`yTrue and yPred differ in length: ${yTrue.length} vs ${yPred.length}`);
  }
  if (yTrue.length === 0) throw new RangeError("macroF1() needs at least one sample");
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new RangeError(`numClasses must be a positive integer. Received: numClasses=${numClasses}`);
  }
  let size = numClasses;
  if (size === undefined) {
    size = 0;
    for (const v of [...yTrue, ...yPred]) {
      if (Number.isInteger(v) && v >= size) size = v + 1;
    }
  }
  const matrix = confusionMatrix(yTrue, yPred, size);
  const { f1, support, predicted } = prfFromMatrix(matrix);
  const counted = numClasses !== undefined ? f1 : f1.filter((_, k) => support[k] > 0 || predicted[k] > 0);
  return pairwiseMean(counted);
}
