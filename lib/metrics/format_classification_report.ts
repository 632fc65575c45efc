/**
 * scikit-learn's text `classification_report`.
 *
 * @module
 */

import type { ClassificationReport, ClassScores } from "./classification_report.ts";
import { formatFixed } from "./_format_fixed.ts";

/** Python's `"{:>{width}}".format(text)`: right-aligned by code points, never truncated. */
function right(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : " ".repeat(width - length) + text;
}

/**
 * The report as the text scikit-learn 1.2's `classification_report(..., digits=digits)` prints, byte for
 * byte: a header row, one row per class, a blank line, then `accuracy` (or `micro avg` when a label occurs
 * in neither `yTrue` nor `yPred`), `macro avg` and `weighted avg`. The first column is as wide as the
 * longest label, and at least `"weighted avg"` (12) and `digits`; numbers are right-aligned in 9
 * characters and rounded half to even on their exact binary value, as Python formats them.
 *
 * @param report A report from `classificationReport`.
 * @param digits Decimals for the scores (default 2).
 * @returns The text, ending with a newline.
 * @throws {RangeError} When `digits` is not a non-negative integer.
 * @example
 * ```ts
 * const report = classificationReport([0, 1, 1], [0, 1, 0], ["a", "b"], { warn: false });
 * console.log(formatClassificationReport(report));
 * //               precision    recall  f1-score   support
 * //
 * //            a       0.50      1.00      0.67         1
 * //            b       1.00      0.50      0.67         2
 * //
 * //     accuracy                           0.67         3
 * //    macro avg       0.75      0.75      0.67         3
 * // weighted avg       0.83      0.67      0.67         3
 * ```
 */
export function formatClassificationReport(report: ClassificationReport, digits = 2): string {
  if (!Number.isInteger(digits) || digits < 0) {
    throw new RangeError(`digits must be a non-negative integer. Received: digits=${digits}`);
  }
  const nameWidth = Math.max(...report.labels.map((l) => [...l].length));
  const width = Math.max(nameWidth, "weighted avg".length, digits);
  const cell = (v: number) => ` ${right(formatFixed(v, digits), 9)}`;
  const row = (name: string, s: ClassScores) =>
    `${right(name, width)} ${cell(s.precision)}${cell(s.recall)}${cell(s.f1)} ${right(String(s.support), 9)}\n`;

  const header = ["precision", "recall", "f1-score", "support"].map((h) => ` ${right(h, 9)}`).join("");
  let text = `${" ".repeat(width)} ${header}\n\n`;
  for (const label of report.labels) text += row(label, report.perClass[label]);
  text += "\n";
  if (report.microIsAccuracy) {
    // Python formats "" into the precision and recall columns: blank cells.
    const blank = " ".repeat(10);
    const support = right(String(report.microAvg.support), 9);
    text += `${right("accuracy", width)} ${blank}${blank}${cell(report.microAvg.f1)} ${support}\n`;
  } else {
    text += row("micro avg", report.microAvg);
  }
  text += row("macro avg", report.macroAvg);
  text += row("weighted avg", report.weightedAvg);
  return text;
}
