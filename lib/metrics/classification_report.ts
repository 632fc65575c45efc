/**
 * scikit-learn's `classification_report` as data.
 *
 * @module
 */

import { confusionMatrix } from "./confusion_matrix.ts";
import { pairwiseMean, pairwiseSum } from "./_pairwise_sum.ts";
import { f1FromPrecisionRecall, prfFromMatrix } from "./_prf.ts";

/** Precision, recall, F1 and support for one class or one average. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** True samples of the class; for an average, all samples. */
  support: number;
}

/** What {@link classificationReport} returns. */
export interface ClassificationReport {
  /** Class names in class-index order (index `k` of `yTrue`/`yPred` is `labels[k]`). */
  labels: string[];
  /** Scores per class, keyed by label: `report.perClass["Stenosis"].recall`. */
  perClass: Record<string, ClassScores>;
  /** Fraction of correct predictions (sklearn's dict `"accuracy"`, its micro-averaged precision). */
  accuracy: number;
  /**
   * Micro average over all labels. Precision and recall equal `accuracy`; `f1` is computed from them as
   * sklearn does, and is the number sklearn's text report prints in its `accuracy` row.
   */
  microAvg: ClassScores;
  /** Unweighted mean over classes (classes with a zero division count as 0). */
  macroAvg: ClassScores;
  /** Mean over classes weighted by support. */
  weightedAvg: ClassScores;
  /**
   * True when every label occurs in `yTrue` or `yPred`. sklearn then prints an `accuracy` row; otherwise
   * (`labels` names a class seen nowhere) it prints a `micro avg` row with precision, recall and F1.
   */
  microIsAccuracy: boolean;
  /**
   * One message per kind of zero division, naming the labels: precision (and F1) for labels never
   * predicted, recall (and F1) for labels absent from `yTrue`. Empty when every score is defined.
   */
  warnings: string[];
}

/** Options for {@link classificationReport}. */
export interface ClassificationReportOptions {
  /**
   * Also print the warnings with one `console.warn` call, as sklearn's `UndefinedMetricWarning` would.
   * Default true; the warnings are returned in `report.warnings` either way.
   */
  warn?: boolean;
}

const quote = (labels: readonly string[]) => labels.map((l) => JSON.stringify(l)).join(", ");

/**
 * Per-class precision, recall, F1 and support with accuracy, macro and weighted averages, equal to
 * scikit-learn 1.2's `classification_report(y_true, y_pred, labels=range(n), target_names=labels,
 * zero_division="warn")`: a zero division gives 0 and a warning.
 *
 * @param yTrue True class indices in `[0, labels.length)`.
 * @param yPred Predicted class indices in `[0, labels.length)`.
 * @param labels Class names, one per class index, unique.
 * @param options See {@link ClassificationReportOptions}.
 * @returns The report (see {@link ClassificationReport}); print it with `formatClassificationReport`.
 * @throws {RangeError} When the inputs are empty or differ in length, an index is out of range, or labels
 *   are empty or repeated.
 * @example
 * ```ts
 * const report = classificationReport([0, 1, 1, 2], [0, 1, 2, 2], ["normal", "herniation", "stenosis"]);
 * report.perClass["herniation"]; // { precision: 1, recall: 0.5, f1: 0.6666666666666666, support: 2 }
 * report.accuracy; // 0.75
 * ```
 */
export function classificationReport(
  yTrue: readonly number[],
  yPred: readonly number[],
  labels: readonly string[],
  options: ClassificationReportOptions = {},
): ClassificationReport {
  if (labels.length === 0) throw new RangeError("labels must name at least one class");
  const repeated = labels.filter((l, i) => labels.indexOf(l) !== i);
  if (repeated.length > 0) throw new RangeError(`labels must be unique. Received repeated: ${quote(repeated)}`);
  const matrix = confusionMatrix(yTrue, yPred, labels.length);
  if (yTrue.length === 0) throw new RangeError("classificationReport() needs at least one sample");

  const { precision, recall, f1, support, predicted, truePositives } = prfFromMatrix(matrix);
  const total = yTrue.length;
  const scores = (k: number): ClassScores => ({
    precision: precision[k],
    recall: recall[k],
    f1: f1[k],
    support: support[k],
  });
  const perClass = Object.fromEntries(labels.map((label, k) => [label, scores(k)]));

  // Micro: every prediction falls in `labels`, so micro precision = micro recall = accuracy.
  const accuracy = pairwiseSum(truePositives) / total;
  const microAvg = {
    precision: accuracy,
    recall: accuracy,
    f1: f1FromPrecisionRecall(accuracy, accuracy),
    support: total,
  };
  const macroAvg = {
    precision: pairwiseMean(precision),
    recall: pairwiseMean(recall),
    f1: pairwiseMean(f1),
    support: total,
  };
  const weight = pairwiseSum(support);
  const weighted = (values: number[]) => pairwiseSum(values.map((v, k) => v * support[k])) / weight;
  const weightedAvg = { precision: weighted(precision), recall: weighted(recall), f1: weighted(f1), support: total };

  const neverPredicted = labels.filter((_, k) => predicted[k] === 0);
  const neverTrue = labels.filter((_, k) => support[k] === 0);
  const warnings: string[] = [];
  if (neverPredicted.length > 0) {
    warnings.push(
      `Precision and F-score are ill-defined and being set to 0.0 in labels with no predicted samples: ${
        quote(neverPredicted)
      }`,
    );
  }
  if (neverTrue.length > 0) {
    warnings.push(
      `Recall and F-score are ill-defined and being set to 0.0 in labels with no true samples: ${quote(neverTrue)}`,
    );
  }
  if (warnings.length > 0 && (options.warn ?? true)) console.warn(`classificationReport(): ${warnings.join("; ")}`);

  return {
    labels: [...labels],
    perClass,
    accuracy,
    microAvg,
    macroAvg,
    weightedAvg,
    microIsAccuracy: labels.every((_, k) => support[k] > 0 || predicted[k] > 0),
    warnings,
  };
}
