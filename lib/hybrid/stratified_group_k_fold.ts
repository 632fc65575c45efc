/**
 * Stratified k-fold cross-validation that keeps each group (patient) in one
 * fold.
 *
 * @module
 */
import { createRng } from "../random.ts";
import type { Fold } from "../svm/stratified_k_fold.ts";

/**
 * Splits samples into k folds so that no group (e.g. a patient's slices)
 * is in two folds, and each fold's class mix stays close to the whole's, as
 * scikit-learn's `StratifiedGroupKFold(shuffle=True)` does: groups are
 * shuffled (seeded), sorted by how unevenly their classes are spread
 * (largest first), and each goes to the fold where it leaves the per-class
 * shares most even (ties: the smaller fold, then the lower index).
 * Without this, slices of one patient land on both sides of a fold and the
 * cross-validated score rewards recognising the patient.
 *
 * @param y Class label per sample.
 * @param groups Group id per sample (patient id).
 * @param k Number of folds, 2 to the number of groups.
 * @param seed Shuffle seed (default 0).
 * @returns k folds; each sample is in exactly one test fold, each group in one fold.
 * @throws {RangeError} For mismatched lengths or fewer groups than folds.
 * @example
 * ```ts
 * const folds = stratifiedGroupKFold([0, 0, 1, 1, 0, 1], ["p1", "p1", "p2", "p2", "p3", "p4"], 2, 1);
 * // p1's two slices are always in the same test fold
 * ```
 */
export function stratifiedGroupKFold(
  y: readonly number[],
  groups: readonly string[],
  k: number,
  seed = 0,
): Fold[] {
  if (y.length !== groups.length) {
    throw new RangeError(`y has ${y.length} labels but groups has ${groups.length} entries`);
  }
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer of at least 2. Received: k=${k}`);
  const classes = [...new Set(y)].sort((a, b) => a - b);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const members = new Map<string, number[]>();
  groups.forEach((g, i) => members.set(g, [...(members.get(g) ?? []), i]));
  if (members.size < k) {
    throw new RangeError(`k=${k} folds need at least ${k} groups; there are ${members.size}`);
  }
  const totals = classes.map((c) => y.filter((v) => v === c).length);
  const ids = createRng(seed).shuffle([...members.keys()].sort());
  const counts = new Map(ids.map((g) => {
    const c = new Array<number>(classes.length).fill(0);
    for (const i of members.get(g)!) c[classIndex.get(y[i])!]++;
    return [g, c];
  }));
  const spread = (c: number[]) => {
    const m = c.reduce((a, b) => a + b, 0) / c.length;
    return Math.sqrt(c.reduce((a, v) => a + (v - m) ** 2, 0) / c.length);
  };
  // Stable sort: the shuffled order breaks ties.
  const order = ids.map((g, i) => ({ g, i, s: spread(counts.get(g)!) }))
    .sort((a, b) => b.s - a.s || a.i - b.i).map((o) => o.g);
  const foldCounts = Array.from({ length: k }, () => new Array<number>(classes.length).fill(0));
  const foldOf = new Map<string, number>();
  for (const g of order) {
    const c = counts.get(g)!;
    let best = -1, bestScore = Infinity, bestSize = Infinity;
    for (let f = 0; f < k; f++) {
      foldCounts[f] = foldCounts[f].map((v, j) => v + c[j]);
      // Mean over classes of the spread of each fold's share of that class.
      const score = classes.reduce((a, _, j) => a + spread(foldCounts.map((fc) => fc[j] / totals[j])), 0) /
        classes.length;
      foldCounts[f] = foldCounts[f].map((v, j) => v - c[j]);
      const size = foldCounts[f].reduce((a, b) => a + b, 0);
      if (score < bestScore - 1e-12 || (Math.abs(score - bestScore) <= 1e-12 && size < bestSize)) {
        best = f;
        bestScore = score;
        bestSize = size;
      }
    }
    foldCounts[best] = foldCounts[best].map((v, j) => v + c[j]);
    foldOf.set(g, best);
  }
  const folds: Fold[] = Array.from({ length: k }, () => ({ train: [], test: [] }));
  for (let i = 0; i < y.length; i++) {
    const f = foldOf.get(groups[i])!;
    for (let j = 0; j < k; j++) (j === f ? folds[j].test : folds[j].train).push(i);
  }
  return folds;
}
