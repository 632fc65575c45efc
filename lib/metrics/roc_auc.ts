/**
 * One-vs-rest ROC AUC per class, with macro and weighted averages.
 *
 * @module
 */

import { pairwiseMean, pairwiseSum } from "./_pairwise_sum.ts";
import { type RocCurve, rocCurve } from "./roc_curve.ts";

/** One class against the rest. */
export interface ClassRoc {
  /** Area under `curve` (trapezoids), or null where undefined: the class has no positives or no negatives. */
  auc: number | null;
  /** Why `auc` is null; null when it is defined. */
  reason: string | null;
  /** Samples of this class in `yTrue` (its weight in `weighted`). */
  positives: number;
  /** Samples of the other classes. */
  negatives: number;
  /** sklearn's `roc_curve` of this class's column; NaN rates where sklearn gives NaN. */
  curve: RocCurve;
}

/** What {@link rocAuc} returns. */
export interface RocAucResult {
  /** Class names in column order. */
  labels: string[];
  /** Results keyed by label: `result.perClass["Stenosis"].auc`. */
  perClass: Record<string, ClassRoc>;
  /** Unweighted mean AUC over the classes whose AUC is defined; null when none is. */
  macro: number | null;
  /** Mean AUC over the classes whose AUC is defined, weighted by `positives`; null when none is. */
  weighted: number | null;
  /** Labels whose AUC is null, left out of `macro` and `weighted`. */
  excluded: string[];
}

/** `np.trapz(tpr, fpr)`: terms `(x[i+1] - x[i]) * (y[i+1] + y[i]) / 2`, added in numpy's order. */
function trapezoid(x: readonly number[], y: readonly number[]): number {
  const terms: number[] = [];
  for (let i = 0; i + 1 < x.length; i++) terms.push(((x[i + 1] - x[i]) * (y[i + 1] + y[i])) / 2);
  return pairwiseSum(terms);
}

/**
 * One-vs-rest ROC curves and AUCs, as scikit-learn 1.2.1 computes them on binarised labels: for class `k`,
 * `roc_curve(y_true == k, probs[:, k])` and `roc_auc_score(y_true == k, probs[:, k])` (trapezoids over the
 * distinct thresholds, so tied scores give a diagonal segment), then `roc_auc_score(Y, probs,
 * average="macro" | "weighted")`, which equals `multi_class="ovr"` for probabilities.
 *
 * A class absent from `yTrue` (no positives), or present in every sample (no negatives), has no AUC: sklearn
 * raises "Only one class present in y_true" there, for that class and for any average. Here its `auc` is
 * null with a `reason`, and the averages are taken over the remaining classes only, exactly as sklearn's
 * average over those columns: `macro = mean(auc_k)` and `weighted = sum(auc_k * positives_k) /
 * sum(positives_k)` over defined `k`. The excluded labels are listed in `excluded`.
 *
 * Scores need not sum to 1 (sklearn's multiclass wrapper demands it; the per-class results do not use it).
 *
 * @param yTrue True class indices in `[0, labels.length)`.
 * @param probs One row per sample, one finite score per class (column `k` for `labels[k]`).
 * @param labels Class names, unique.
 * @returns Per-class curves and AUCs with averages (see {@link RocAucResult}).
 * @throws {RangeError} When inputs are empty or differ in length, a row has the wrong width, an index is
 *   out of range, a score is not finite, or labels repeat.
 * @example
 * ```ts
 * const result = rocAuc([0, 1, 1, 0], [[0.9, 0.1], [0.3, 0.7], [0.6, 0.4], [0.8, 0.2]], ["normal", "abnormal"]);
 * result.perClass["abnormal"].auc; // 1
 * result.macro; // 1
 * ```
 */
export function rocAuc(
  yTrue: readonly number[],
  probs: readonly (readonly number[])[],
  labels: readonly string[],
): RocAucResult {
  const n = labels.length;
  if (n === 0) throw new RangeError("labels must name at least one class");
  const repeated = labels.filter((l, i) => labels.indexOf(l) !== i);
  if (repeated.length > 0) throw new RangeError(`labels must be unique. Received repeated: ${repeated.join(", ")}`);
  if (yTrue.length !== probs.length) {
    throw new RangeError(`yTrue and probs differ in length: ${yTrue.length} vs ${probs.length}`);
  }
  if (yTrue.length === 0) throw new RangeError("rocAuc() needs at least one sample");
  yTrue.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t >= n) {
      throw new RangeError(`Class index out of range [0, ${n}) at position ${i}: true=${t}`);
    }
    if (probs[i].length !== n) {
      throw new RangeError(`probs[${i}] has ${probs[i].length} scores, expected one per label (${n})`);
    }
  });

  const classes = labels.map((label, k): ClassRoc => {
    const positive = yTrue.map((t) => t === k);
    const curve = rocCurve(positive, probs.map((row) => row[k]));
    const positives = positive.filter(Boolean).length, negatives = yTrue.length - positives;
    let reason: string | null = null;
    if (positives === 0) reason = `No positive samples: class ${JSON.stringify(label)} is absent from yTrue`;
    else if (negatives === 0) reason = `No negative samples: every sample is class ${JSON.stringify(label)}`;
    return { auc: reason ? null : trapezoid(curve.fpr, curve.tpr), reason, positives, negatives, curve };
  });

  const defined = classes.filter((c) => c.auc !== null);
  const aucs = defined.map((c) => c.auc as number);
  return {
    labels: [...labels],
    perClass: Object.fromEntries(labels.map((label, k) => [label, classes[k]])),
    macro: defined.length > 0 ? pairwiseMean(aucs) : null,
    weighted: defined.length > 0
      ? pairwiseSum(aucs.map((a, i) => a * defined[i].positives)) / pairwiseSum(defined.map((c) => c.positives))
      : null,
    excluded: labels.filter((_, k) => classes[k].auc === null),
  };
}
