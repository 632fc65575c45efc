/**
 * scikit-learn 1.2's `roc_curve` for one binary problem.
 *
 * @module
 */

/** Points of a ROC curve, ordered by decreasing threshold. */
export interface RocCurve {
  /** False positive rate at each threshold; all NaN when there are no negatives (as sklearn). */
  fpr: number[];
  /** True positive rate at each threshold; all NaN when there are no positives (as sklearn). */
  tpr: number[];
  /**
   * Decreasing thresholds: a sample is called positive when its score is `>=` the threshold. The first is
   * the highest score + 1 (sklearn 1.2's convention, where 1.3 uses Infinity), so the curve starts at (0, 0).
   */
  thresholds: number[];
}

/**
 * The ROC curve of one binary problem, equal to scikit-learn 1.2.1's
 * `roc_curve(y_true, y_score, drop_intermediate=True)`: one point per distinct score (tied scores form one
 * point), collinear intermediate points dropped, and a first point (0, 0) at threshold `max(score) + 1`.
 *
 * @param positive Whether each sample belongs to the positive class.
 * @param scores Finite scores, higher meaning more likely positive.
 * @returns The curve (see {@link RocCurve}).
 * @throws {RangeError} When the inputs are empty or differ in length, or a score is not finite.
 * @example
 * ```ts
 * rocCurve([false, false, true, true], [0.1, 0.4, 0.35, 0.8]);
 * // { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [1.8, 0.8, 0.4, 0.35, 0.1] }
 * ```
 */
export function rocCurve(positive: readonly boolean[], scores: readonly number[]): RocCurve {
  if (positive.length !== scores.length) {
    throw new RangeError(`positive and scores differ in length: ${positive.length} vs ${scores.length}`);
  }
  if (scores.length === 0) throw new RangeError("rocCurve() needs at least one sample");
  const bad = scores.findIndex((s) => !Number.isFinite(s));
  if (bad >= 0) throw new RangeError(`Scores must be finite. Received: scores[${bad}]=${scores[bad]}`);

  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  // Cumulative counts at the last sample of each run of equal scores.
  let fps: number[] = [], tps: number[] = [], thresholds: number[] = [];
  let tp = 0;
  for (let i = 0; i < order.length; i++) {
    if (positive[order[i]]) tp++;
    const score = scores[order[i]];
    if (i === order.length - 1 || scores[order[i + 1]] !== score) {
      tps.push(tp);
      fps.push(i + 1 - tp);
      thresholds.push(score);
    }
  }
  // Drop points collinear with their neighbours (zero second difference in both counts).
  if (fps.length > 2) {
    const keep = fps.map((_, i) =>
      i === 0 || i === fps.length - 1 ||
      fps[i + 1] - 2 * fps[i] + fps[i - 1] !== 0 || tps[i + 1] - 2 * tps[i] + tps[i - 1] !== 0
    );
    fps = fps.filter((_, i) => keep[i]);
    tps = tps.filter((_, i) => keep[i]);
    thresholds = thresholds.filter((_, i) => keep[i]);
  }
  fps.unshift(0);
  tps.unshift(0);
  thresholds.unshift(thresholds[0] + 1);
  const negatives = fps[fps.length - 1], positives = tps[tps.length - 1];
  return {
    fpr: fps.map((f) => (negatives > 0 ? f / negatives : NaN)),
    tpr: tps.map((t) => (positives > 0 ? t / positives : NaN)),
    thresholds,
  };
}
