/**
 * Percentile bootstrap confidence intervals for classification metrics.
 *
 * @module
 */

import { createRng } from "../random.ts";

/** A metric of true and predicted class indices, such as `accuracy` or `(t, p) => macroF1(t, p, 4)`. */
export type Metric = (yTrue: readonly number[], yPred: readonly number[]) => number;

/** Options for {@link bootstrapCi}. */
export interface BootstrapCiOptions {
  /** Resamples to draw (default 2000). */
  iterations?: number;
  /** Coverage of the interval, in (0, 1) (default 0.95). */
  confidence?: number;
  /** Seed for `createRng` (default 0): the same seed gives the same interval. */
  seed?: number;
  /**
   * A group per sample, such as its patient: resample whole groups (a cluster bootstrap) rather than
   * samples. Samples of one patient are not independent, and resampling them one by one gives intervals
   * that are too narrow.
   */
  groups?: readonly string[];
}

/** What {@link bootstrapCi} returns. */
export interface BootstrapCi {
  /** The metric on the full sample. */
  estimate: number;
  /** Lower percentile bound, the `(1 - confidence) / 2` quantile of the resampled metric. */
  low: number;
  /** Upper percentile bound, the `(1 + confidence) / 2` quantile. */
  high: number;
  /** The confidence used. */
  confidence: number;
  /** Resamples whose metric was finite and entered the quantiles (resamples giving NaN are skipped). */
  iterations: number;
  /** Units resampled: the number of groups, or of samples when there were no groups. */
  units: number;
}

/** Sample indices per group, in order of first appearance; one group per sample when there are no groups. */
function clusters(n: number, groups: readonly string[] | undefined): number[][] {
  if (groups == null) return Array.from({ length: n }, (_, i) => [i]);
  if (groups.length !== n) {
    throw new RangeError(`groups must give one group per sample: ${groups.length} groups for ${n} samples`);
  }
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = byGroup.get(g);
    if (list) list.push(i);
    else byGroup.set(g, [i]);
  });
  return [...byGroup.values()];
}

/** numpy's default ("linear") quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h), hi = Math.ceil(h);
  return lo === hi || sorted[lo] === sorted[hi] ? sorted[lo] : sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * A percentile bootstrap confidence interval for any metric: `iterations` times, draw `n` samples with
 * replacement (pairs of true and predicted label kept together; with `groups`, draw as many whole groups
 * as there are, so resamples vary in size), score them, and take the
 * `(1 ∓ confidence) / 2` quantiles (linear interpolation, as `np.percentile`). Seeded, so it repeats.
 *
 * @param yTrue True class indices.
 * @param yPred Predicted class indices.
 * @param metric The metric to bound, e.g. `accuracy`.
 * @param options See {@link BootstrapCiOptions}.
 * @returns The estimate and interval (see {@link BootstrapCi}).
 * @throws {RangeError} When the inputs are empty or differ in length, an option is out of range, or no
 *   resample gives a finite metric.
 * @example
 * ```ts
 * const ci = bootstrapCi([0, 1, 1, 0, 1], [0, 1, 0, 0, 1], accuracy, { seed: 7 });
 * ci.estimate; // 0.8
 * ci.low <= ci.estimate && ci.estimate <= ci.high; // true
 * ```
 */
export function bootstrapCi(
  yTrue: readonly number[],
  yPred: readonly number[],
  metric: Metric,
  options: BootstrapCiOptions = {},
): BootstrapCi {
  const { iterations = 2000, confidence = 0.95, seed = 0 } = options;
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`yTrue and yPred differ in length: ${yTrue.length} vs ${yPred.length}`);
  }
  if (yTrue.length === 0) throw new RangeError("bootstrapCi() needs at least one sample");
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`iterations must be a positive integer. Received: iterations=${iterations}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must lie in (0, 1). Received: confidence=${confidence}`);
  }
  const n = yTrue.length;
  const members = clusters(n, options.groups);
  const rng = createRng(seed);
  const values: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const t: number[] = [], p: number[] = [];
    for (let g = 0; g < members.length; g++) {
      for (const j of members[rng.int(0, members.length - 1)]) {
        t.push(yTrue[j]);
        p.push(yPred[j]);
      }
    }
    const v = metric(t, p);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length === 0) throw new RangeError("The metric was not finite on any resample");
  values.sort((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  return {
    estimate: metric(yTrue, yPred),
    low: quantile(values, alpha),
    high: quantile(values, 1 - alpha),
    confidence,
    iterations: values.length,
    units: members.length,
  };
}
