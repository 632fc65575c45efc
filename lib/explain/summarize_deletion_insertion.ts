/**
 * Mean deletion and insertion curves over images.
 *
 * @module
 */
import type { DeletionInsertionResult } from "./deletion_insertion.ts";
import type { DeletionInsertionSummary } from "./faithfulness_types.ts";

/**
 * Averages deletion and insertion results point by point, and their AUCs.
 *
 * @param results One per image, all with the same number of steps.
 * @returns Mean curves and AUCs (`null` AUCs and empty curves for no result).
 * @throws {RangeError} When the results have different numbers of steps.
 * @example
 * ```ts
 * const cam = await gradCam(built, image);
 * summarizeDeletionInsertion([await deletionInsertion(built, image, cam.heatmap)]).deletionAuc;
 * ```
 */
export function summarizeDeletionInsertion(results: readonly DeletionInsertionResult[]): DeletionInsertionSummary {
  if (results.length === 0) {
    return { images: 0, fractions: [], deletionCurve: [], insertionCurve: [], deletionAuc: null, insertionAuc: null };
  }
  const fractions = results[0].deletion.fractions;
  for (const r of results) {
    if (r.deletion.fractions.length !== fractions.length || r.insertion.fractions.length !== fractions.length) {
      throw new RangeError(
        `Curves of different lengths: ${fractions.length} and ${r.deletion.fractions.length} points`,
      );
    }
  }
  const n = results.length;
  const meanCurve = (pick: (r: DeletionInsertionResult) => number[]) =>
    fractions.map((_, k) => results.reduce((a, r) => a + pick(r)[k], 0) / n);
  return {
    images: n,
    fractions: [...fractions],
    deletionCurve: meanCurve((r) => r.deletion.scores),
    insertionCurve: meanCurve((r) => r.insertion.scores),
    deletionAuc: results.reduce((a, r) => a + r.deletion.auc, 0) / n,
    insertionAuc: results.reduce((a, r) => a + r.insertion.auc, 0) / n,
  };
}
