/**
 * Patient-level, class-stratified splits: every slice of a patient lands in
 * the same split, so no patient leaks between training and testing.
 *
 * @module
 */
import { createRng } from "../random.ts";

/** What a split needs of an item. */
export interface SplitItem {
  label: number | string;
  /** Items without one are split as their own patient. */
  patientId?: string;
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
  /**
   * "patient" (default) keeps every patient in one split; "image" splits
   * images independently, the naive way that leaks, for comparison.
   */
  by?: "patient" | "image";
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
  const { ratios = [0.8, 0.1, 0.1], seed = 42, by = "patient" } = options;
  const total = ratios.reduce((a, b) => a + b, 0);
  if (ratios.length !== 3 || ratios.some((r) => !(r >= 0)) || Math.abs(total - 1) > 1e-6) {
    throw new RangeError(`ratios must be three non-negative shares summing to 1. Received: [${ratios.join(", ")}]`);
  }
  const rng = createRng(seed);
  const byPatient = new Map<string, number[]>();
  items.forEach((it, i) => {
    const id = by === "image" || it.patientId == null ? `#image${i}` : it.patientId;
    const list = byPatient.get(id) ?? [];
    list.push(i);
    byPatient.set(id, list);
  });
  const byClass = new Map<number | string, string[]>();
  for (const [pid, idx] of byPatient) {
    const label = items[idx[0]].label;
    byClass.set(label, [...(byClass.get(label) ?? []), pid]);
  }
  const split: Split = { train: [], val: [], test: [] };
  const keys = ["train", "val", "test"] as const;
  for (const label of [...byClass.keys()].sort((a, b) => String(a).localeCompare(String(b), "en", { numeric: true }))) {
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
      const id = items[i].patientId;
      if (id == null) continue;
      const s = seen.get(id) ?? new Set<string>();
      s.add(key);
      seen.set(id, s);
    }
  }
  return [...seen].filter(([, s]) => s.size > 1).map(([patientId, s]) => ({ patientId, splits: [...s] }));
}

/**
 * Warnings about a split: classes missing from a split because they have too
 * few patients (or images) to share out.
 *
 * @param classNames Display names of the labels, when labels are indices.
 * @returns One message per problem; empty when every class reaches every split.
 */
export function splitWarnings(items: readonly SplitItem[], split: Split, classNames?: readonly string[]): string[] {
  const warnings: string[] = [];
  const labels = [...new Set(items.map((i) => i.label))];
  for (const label of labels) {
    const name = typeof label === "number" && classNames ? classNames[label] : String(label);
    const groups = new Set(items.filter((i) => i.label === label).map((i, k) => i.patientId ?? `#${k}`)).size;
    const missing = (["train", "val", "test"] as const).filter((key) =>
      !split[key].some((i) => items[i].label === label)
    );
    if (missing.length > 0) {
      warnings.push(
        `Class "${name}" has ${groups} patient${groups === 1 ? "" : "s"}: too few to split; none in ${
          missing.join(", ")
        }`,
      );
    }
  }
  return warnings;
}

/** The split as saved to `split.json`: paths, so every model of a study sees the same split. */
export interface SavedSplit {
  seed: number;
  ratios: [number, number, number];
  by: "patient" | "image";
  train: string[];
  val: string[];
  test: string[];
}

/**
 * Writes a split as `split.json` (atomically).
 *
 * @param paths Path of each item, in item order.
 */
export async function writeSplit(
  file: string,
  paths: readonly string[],
  split: Split,
  meta: { seed: number; ratios?: [number, number, number]; by?: "patient" | "image" },
): Promise<void> {
  const saved: SavedSplit = {
    seed: meta.seed,
    ratios: meta.ratios ?? [0.8, 0.1, 0.1],
    by: meta.by ?? "patient",
    train: split.train.map((i) => paths[i]),
    val: split.val.map((i) => paths[i]),
    test: split.test.map((i) => paths[i]),
  };
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${file}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(saved, null, 2));
  await Deno.rename(tmp, file);
}

/**
 * Reads a `split.json` back as indices into `paths`.
 *
 * @throws {Error} Naming the file when it is unreadable or names paths not in `paths`.
 */
export async function readSplit(file: string, paths: readonly string[]): Promise<Split> {
  let saved: SavedSplit;
  try {
    saved = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    throw new Error(`Cannot read split ${file}: ${(e as Error).message}`);
  }
  const index = new Map(paths.map((p, i) => [p, i]));
  const toIdx = (list: string[], key: string) =>
    list.map((p) => {
      const i = index.get(p);
      if (i == null) throw new Error(`Split ${file} names ${p} in ${key}, which is not in the data set`);
      return i;
    });
  return { train: toIdx(saved.train, "train"), val: toIdx(saved.val, "val"), test: toIdx(saved.test, "test") };
}
