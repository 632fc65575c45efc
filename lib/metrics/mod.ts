/**
 * Classification metrics with scikit-learn 1.2's conventions: confusion matrix, classification report
 * (data and text), one-vs-rest ROC curves and AUCs, bootstrap confidence intervals, and the most confused
 * class pairs.
 *
 * ```ts
 * import { classificationReport, formatClassificationReport, rocAuc } from "./lib/metrics/mod.ts";
 * const report = classificationReport(yTrue, yPred, labels);
 * console.log(formatClassificationReport(report));
 * const roc = rocAuc(yTrue, probs, labels);
 * ```
 *
 * @module
 */

export * from "./accuracy.ts";
export * from "./bootstrap_ci.ts";
export * from "./classification_report.ts";
export * from "./confusion_matrix.ts";
export * from "./format_classification_report.ts";
export * from "./macro_f1.ts";
export * from "./most_confused_pairs.ts";
export * from "./roc_auc.ts";
export * from "./roc_curve.ts";
