/**
 * Patient-level, class-stratified splits: every slice of a patient lands in
 * the same split, so no patient leaks between training and testing.
 *
 * @module
 */
import { createRng } from "../random.ts";

/** What a split needs of an item. */
export interface SplitItem {
  label: number;
  patientId: string;
}

/** Indices of the items in each split. */
export interface Split {
  train: number[];
  val: number[];
  test: number[];
}

/** Options of {@link splitByPatient}. */
export interface SplitOptions {
  /** Shares of train, validation and test. Default `[0.8, 0.1, 0.1]`. */
  ratios?: [number, number, number];
  /** Seed of the shuffle. Default 42. */
  seed?: number;
}

/**
 * Splits items by patient, stratified by each patient's (first) label.
 *
 * Patients of each class are shuffled and dealt to the splits in the given
 * ratios (largest remainder), so small classes still reach every split
 * when they have at least three patients.
 *
 * @param items Items with a label and a patient id.
 * @param options Ratios and seed.
 * @returns Item indices per split, each sorted.
 * @throws {RangeError} When the ratios are not three non-negative numbers summing to 1.
 */
export function splitByPatient(items: readonly SplitItem[], options: SplitOptions = {}): Split {
  const { ratios = [0.8, 0.1, 0.1], seed = 42 } = options;
  const total = ratios.reduce((a, b) => a + b, 0);
  if (ratios.length !== 3 || ratios.some((r) => !(r >= 0)) || Math.abs(total - 1) > 1e-6) {
    throw new RangeError(`ratios must be three non-negative shares summing to 1. Received: [${ratios.join(", ")}]`);
  }
  const rng = createRng(seed);
  const byPatient = new Map<string, number[]>();
  items.forEach((it, i) => {
    const list = byPatient.get(it.patientId) ?? [];
    list.push(i);
    byPatient.set(it.patientId, list);
  });
  const byClass = new Map<number, string[]>();
  for (const [pid, idx] of byPatient) {
    const label = items[idx[0]].label;
    byClass.set(label, [...(byClass.get(label) ?? []), pid]);
  }
  const split: Split = { train: [], val: [], test: [] };
  const keys = ["train", "val", "test"] as const;
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const patients = rng.shuffle([...byClass.get(label)!].sort());
    const n = patients.length;
    const exact = ratios.map((r) => r * n);
    const counts = exact.map(Math.floor);
    // Largest remainder...
    let left = n - counts.reduce((a, b) => a + b, 0);
    const order = [0, 1, 2].sort((a, b) => (exact[b] - counts[b]) - (exact[a] - counts[a]));
    for (let i = 0; left > 0; i = (i + 1) % 3, left--) counts[order[i]]++;
    // ...then one patient each for val and test, taken from train, when there are three.
    for (const k of [1, 2]) {
      if (counts[k] === 0 && ratios[k] > 0 && n >= 3 && counts[0] > 1) {
        counts[k] = 1;
        counts[0]--;
      }
    }
    let start = 0;
    keys.forEach((key, k) => {
      for (const pid of patients.slice(start, start + counts[k])) split[key].push(...byPatient.get(pid)!);
      start += counts[k];
    });
  }
  for (const key of keys) split[key].sort((a, b) => a - b);
  return split;
}

/**
 * Patients found in more than one split: empty when the split is leak-free.
 *
 * @returns Each leaking patient id with the splits it appears in.
 */
export function findPatientLeaks(items: readonly SplitItem[], split: Split): { patientId: string; splits: string[] }[] {
  const seen = new Map<string, Set<string>>();
  for (const key of ["train", "val", "test"] as const) {
    for (const i of split[key]) {
      const s = seen.get(items[i].patientId) ?? new Set<string>();
      s.add(key);
      seen.set(items[i].patientId, s);
    }
  }
  return [...seen].filter(([, s]) => s.size > 1).map(([patientId, s]) => ({ patientId, splits: [...s] }));
}
