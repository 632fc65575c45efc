/**
 * Adebayo et al.'s cascading randomisation test, summarised over images into
 * one verdict.
 *
 * @module
 */
import type { SanityCheckSummary } from "./faithfulness_types.ts";
import type { SanityCheckCascadeResult } from "./sanity_check_cascade.ts";

/** Options of {@link summarizeCascade}. */
export interface SummarizeCascadeOptions {
  /** The check passes when the mean correlation after the last step is below this. Default 0.5. */
  threshold?: number;
  /** Layers with weights in the model, when the cascade randomised only some of them. Default: the steps. */
  layersWithWeights?: number;
}

function isConstant(v: ArrayLike<number>): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

/**
 * Averages the Spearman correlations of a cascade run on several images,
 * step by step, and says whether the maps change.
 *
 * A randomised map that is constant (all zero after the ReLU, so its
 * correlation is NaN) counts as 0: nothing of the original map is left.
 * An image whose trained-model map is itself constant cannot be ranked and
 * is left out (`constantOriginal`).
 *
 * @param results One cascade per image, all over the same layers.
 * @param options The pass threshold (default 0.5) and the model's count of layers with weights.
 * @returns Mean correlation per step, the final mean and a verdict.
 * @throws {RangeError} When the cascades randomised different layers.
 * @example
 * ```ts
 * const s = summarizeCascade([await sanityCheckCascade(built, image)]);
 * console.log(s.verdict);
 * ```
 */
export function summarizeCascade(
  results: readonly SanityCheckCascadeResult[],
  options: SummarizeCascadeOptions = {},
): SanityCheckSummary {
  const { threshold = 0.5 } = options;
  const layers = results[0]?.steps.map((s) => s.layer) ?? [];
  for (const r of results) {
    const these = r.steps.map((s) => s.layer);
    if (these.join("\u0000") !== layers.join("\u0000")) {
      throw new RangeError(`Cascades over different layers: [${layers.join(", ")}] and [${these.join(", ")}]`);
    }
  }
  const used = results.filter((r) => !isConstant(r.original));
  const meanSpearman = layers.map((_, k) =>
    used.length === 0
      ? NaN
      : used.reduce((a, r) => a + (Number.isNaN(r.steps[k].spearman) ? 0 : r.steps[k].spearman), 0) / used.length
  );
  const last = meanSpearman.at(-1);
  const final = used.length > 0 && last != null ? last : null;
  const passed = final == null ? null : final < threshold;
  const fmt = (v: number) => v.toFixed(2);
  // How much the classifier alone carries: the first step, when there are several.
  const first = layers.length > 1 && final != null
    ? `; after randomising ${layers[0]} alone: ${fmt(meanSpearman[0])}`
    : "";
  let verdict: string;
  if (layers.length === 0) verdict = "not measured: no layer was randomised";
  else if (final == null) verdict = "not measured: the trained model's maps are constant, so they cannot be ranked";
  else if (passed) {
    verdict = `pass: the maps change as the weights are randomised (mean rank correlation ${
      fmt(final)
    } < ${threshold} after the last step${first})`;
  } else {
    verdict = `FAIL: the maps stay similar with random weights (mean rank correlation ${
      fmt(final)
    } >= ${threshold} after the last step${first}): they show the input, not what the model learned`;
  }
  return {
    images: used.length,
    constantOriginal: results.length - used.length,
    layers,
    layersWithWeights: options.layersWithWeights ?? layers.length,
    meanSpearman: meanSpearman.map((v) => (Number.isNaN(v) ? 0 : v)),
    final,
    threshold,
    passed,
    verdict,
  };
}
