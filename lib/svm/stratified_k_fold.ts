/**
 * Seeded stratified k-fold splits for cross-validation.
 *
 * @module
 */

import { createRng } from "../random.ts";

/** One cross-validation fold: row indices, each list ascending. */
export interface Fold {
  train: number[];
  test: number[];
}

/**
 * Splits sample indices into k folds that keep each class's share: every
 * class is shuffled (seeded) and dealt round-robin, continuing the rotation
 * from class to class, so each class has ⌊n_c/k⌋ or ⌈n_c/k⌉ members in every
 * test fold, test folds differ in size by at most one, and every sample is in
 * exactly one test fold. A class with fewer than k members is in fewer folds.
 *
 * @param y Class label per sample (finite numbers).
 * @param k Number of folds, 2 to y.length.
 * @param seed Shuffle seed (default 0); the same seed gives the same folds.
 * @returns k folds, fold i's test set disjoint from the others.
 * @example
 * ```ts
 * const folds = stratifiedKFold([0, 0, 0, 1, 1, 1], 3, 42);
 * folds.map((f) => f.test.length); // [2, 2, 2], one of each class in each
 * ```
 */
export function stratifiedKFold(y: readonly number[], k: number, seed = 0): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer of at least 2. Received: k=${k}`);
  if (k > y.length) throw new RangeError(`k=${k} folds need at least ${k} samples; y has ${y.length}`);
  const byClass = new Map<number, number[]>();
  y.forEach((label, i) => {
    if (typeof label !== "number" || !Number.isFinite(label)) {
      throw new RangeError(`y must hold finite numbers; y[${i}] is ${label}`);
    }
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  });
  const rng = createRng(seed);
  const foldOf = new Int32Array(y.length);
  let dealt = 0;
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const i of rng.shuffle(byClass.get(label)!)) foldOf[i] = dealt++ % k;
  }
  const folds: Fold[] = Array.from({ length: k }, () => ({ train: [], test: [] }));
  for (let i = 0; i < y.length; i++) {
    for (let f = 0; f < k; f++) (f === foldOf[i] ? folds[f].test : folds[f].train).push(i);
  }
  return folds;
}
