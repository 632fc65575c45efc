/**
 * Plain-text summaries of an evaluation, for the terminal.
 *
 * @module
 */
import { formatClassificationReport } from "../metrics/mod.ts";
import type { Evaluation } from "./evaluate.ts";

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/**
 * Accuracy and macro-F1 with their bootstrap intervals, AUC, the
 * scikit-learn-style report and the most-confused pairs.
 *
 * @param e An evaluation.
 * @param title First line, e.g. `cnn, test split`.
 * @returns Lines joined by newlines.
 */
export function formatEvaluation(e: Evaluation, title: string): string {
  const ci = (c: { low: number; high: number }) => `[${pct(c.low)}, ${pct(c.high)}]`;
  const auc = e.roc.macro == null
    ? "undefined"
    : `${e.roc.macro.toFixed(3)}${
      e.ci.auc ? ` (95% CI [${e.ci.auc.low.toFixed(3)}, ${e.ci.auc.high.toFixed(3)}])` : ""
    }`;
  // Older metrics.json files have no `resampled`: their intervals resampled images.
  const unit = e.ci.resampled === "patients" ? `${e.ci.accuracy.units} patients` : "images";
  const lines = [
    `${title}: ${e.n} images (intervals resample ${unit})`,
    `  accuracy ${pct(e.accuracy)} (95% CI ${ci(e.ci.accuracy)}), macro-F1 ${pct(e.macroF1)} (95% CI ${
      ci(e.ci.macroF1)
    }), macro AUC ${auc}`,
  ];
  if (e.roc.excluded.length > 0) {
    lines.push(`  AUC undefined for ${e.roc.excluded.join(", ")} (no positive or no negative image in this split)`);
  }
  lines.push("", formatClassificationReport(e.report, 3));
  if (e.mostConfused.length > 0) {
    lines.push("Most confused (true -> predicted):");
    for (const p of e.mostConfused) {
      lines.push(`  ${p.trueLabel} -> ${p.predLabel}: ${p.count} (${pct(p.rate)} of ${p.trueLabel})`);
    }
  }
  return lines.join("\n");
}
