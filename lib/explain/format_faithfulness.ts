/**
 * The faithfulness report as a text table, for the terminal.
 *
 * @module
 */
import { formatTable } from "../cli.ts";
import type { FaithfulnessReport } from "./faithfulness_types.ts";

const NAMES: Record<string, string> = { "gradcam": "Grad-CAM", "gradcam++": "Grad-CAM++" };

function num(v: number | null | undefined, digits = 2): string {
  return v == null || !Number.isFinite(v) ? "n/a" : v.toFixed(digits);
}

function vs(v: number | null | undefined, random: number | null | undefined): string {
  return `${num(v)} (${num(random)})`;
}

/**
 * Formats a faithfulness report: one row per method (pointing game, with
 * tolerance, energy in the mask, deletion and insertion AUC, each with the
 * random map's score in brackets, and the sanity verdict), then a few lines
 * on what the numbers rest on and the cascade's correlation per step.
 *
 * @param report What `explainRun` returned.
 * @returns Lines of text, no trailing newline.
 * @example
 * ```ts
 * const { report } = await explainRun("outputs/runs/cnn-quick");
 * console.log(formatFaithfulness(report));
 * ```
 */
export function formatFaithfulness(report: FaithfulnessReport): string {
  const rb = report.randomBaseline;
  const tol = Number(report.tolerancePx.toFixed(1));
  const rows = report.methods.map((m) => {
    const loc = m.localisation;
    const di = m.deletionInsertion;
    const s = m.sanity;
    return [
      NAMES[m.method] ?? m.method,
      vs(loc?.pointing, loc?.random?.pointing),
      vs(loc?.pointingTolerant, loc?.random?.pointingTolerant),
      vs(loc?.energy, loc?.random?.energy),
      vs(di.deletionAuc, rb.deletionInsertion.deletionAuc),
      vs(di.insertionAuc, rb.deletionInsertion.insertionAuc),
      s.passed == null ? "n/a" : `${s.passed ? "pass" : "FAIL"} (r=${num(s.final)})`,
    ];
  });
  const lines = [
    formatTable(
      [
        "method",
        "pointing (random)",
        `pointing ±${tol}px (random)`,
        "energy in mask (random)",
        "deletion AUC↓ (random)",
        "insertion AUC↑ (random)",
        "sanity",
      ],
      rows,
    ),
    "",
    `${report.model} at ${report.size}x${report.size}, layer ${report.layerName} (${report.featureMap.width}x${report.featureMap.height} map); ` +
    `${report.images.explained} images explained, ${report.images.correct} correct.`,
  ];
  const loc = report.methods[0]?.localisation;
  lines.push(
    loc == null
      ? "Pointing game and energy: not measured (no lesion masks among the explained images)."
      : `Pointing game and energy: ${loc.n} abnormal images, maps of the true class; random = a random map's expectation.`,
  );
  const di = report.methods[0]?.deletionInsertion;
  if (di) {
    lines.push(
      `Deletion and insertion: mean over ${di.images} images, ${report.settings.deletionSteps} steps, ` +
        `${report.settings.deletionBaseline} baseline; random = random maps as coarse as the CAMs.`,
    );
  }
  for (const m of report.methods) {
    const s = m.sanity;
    const steps = s.layers.map((l, k) => `${l} ${num(s.meanSpearman[k])}`).join(", ");
    const subset = s.layers.length < s.layersWithWeights
      ? ` (${s.layers.length} of ${s.layersWithWeights} layers)`
      : "";
    lines.push(`Sanity check, ${NAMES[m.method] ?? m.method}, ${s.images} images${subset}: ${s.verdict}.`);
    if (steps) lines.push(`  rank correlation after randomising, top down: ${steps}`);
  }
  for (const w of report.warnings) lines.push(`Warning: ${w}`);
  return lines.join("\n");
}
