/**
 * The members of an ensemble: checked to share data and split, and
 * re-predicted from their saved models on the validation and test splits.
 *
 * @module
 */
import "../models/mod.ts"; // registers the custom layers before a saved model loads
import type { StudyData } from "../data/study_data.ts";
import { HybridClassifier } from "../hybrid/hybrid_classifier.ts";
import { loadRunData, readRunRecord, type RunSplitIds } from "../hybrid/run_data.ts";
import { macroF1 } from "../metrics/mod.ts";
import { predictProbabilities } from "../train/evaluate.ts";
import type { RunRecord } from "../train/run.ts";
import { loadModel } from "../train/save.ts";
import { EnsembleMismatchError } from "./ensemble_mismatch_error.ts";
import type { SplitProbabilities } from "./stacking.ts";

/** One member run, as the ensemble sees it. */
export interface EnsembleMember {
  /** The run folder. */
  dir: string;
  /** Its `config.json` model name, e.g. `cnn` or `cnn-svm`. */
  model: string;
  /** A tfjs model (`model/`) or a CNN-SVM hybrid (`hybrid.json`). */
  kind: "model" | "hybrid";
  record: RunRecord;
  /** Scores of the re-predicted probabilities. */
  valAccuracy: number;
  valMacroF1: number;
  testAccuracy: number;
  testMacroF1: number;
  /**
   * Largest absolute difference between the re-predicted test probabilities
   * and those the run stored in `metrics.json` (null when it stored none).
   */
  storedDifference: number | null;
}

/** What {@link loadMemberPredictions} returns. */
export interface MemberPredictions {
  members: EnsembleMember[];
  classes: string[];
  /** The first member's record and split ids (all members share data and split). */
  record: RunRecord;
  splitIds: RunSplitIds;
  /** The first member's data and the item indices of its splits, in `splitIds` order. */
  data: StudyData;
  split: { train: number[]; val: number[]; test: number[] };
  /** Every member's probabilities, images in `splitIds` order. */
  val: SplitProbabilities;
  test: SplitProbabilities;
}

/** Options of {@link loadMemberPredictions}. */
export interface LoadMemberPredictionsOptions {
  /** Decoded-image cache for on-disk data. Default `outputs/cache`. */
  cacheDir?: string;
  /** Log lines. Default stderr. */
  log?: (line: string) => void;
}

const short = (hash: string) => hash.slice(0, 12);

/** Groups runs by a key; an error names the groups when there are several. */
function requireSame(
  runs: readonly { dir: string }[],
  key: (i: number) => string,
  describe: (i: number) => string,
  what: string,
): void {
  const groups = new Map<string, number[]>();
  runs.forEach((_, i) => groups.set(key(i), [...(groups.get(key(i)) ?? []), i]));
  if (groups.size <= 1) return;
  const parts = [...groups.values()].map((idx) => `${idx.map((i) => runs[i].dir).join(", ")} (${describe(idx[0])})`);
  throw new EnsembleMismatchError(
    `These runs cannot be combined: they were trained on ${what}: ${parts.join(" vs ")}`,
    runs.map((r) => r.dir),
  );
}

const sortedIds = (ids: readonly string[]) => JSON.stringify([...ids].sort());

/**
 * Reads the member runs, checks that they can be combined (same data hash,
 * classes and split, else an {@link EnsembleMismatchError} naming the runs),
 * and re-predicts each member's validation and test probabilities from its
 * saved model (`model/`, or `hybrid.json` for a CNN-SVM hybrid), in the
 * first run's split order. Members at different image sizes are fine when
 * their data hash is the same (data on disk); each is fed at its own size.
 *
 * @param runs Two or more run folders.
 * @param options Cache folder and log.
 * @returns The members, the shared data and split, and every member's probabilities.
 * @throws {EnsembleMismatchError} When the runs differ in data, classes or split.
 * @throws {RangeError} For fewer than two distinct runs.
 * @example
 * ```ts
 * const m = await loadMemberPredictions(["outputs/runs/cnn-quick", "outputs/runs/vgg16-quick"]);
 * m.test.probs.length; // 2 members
 * ```
 */
export async function loadMemberPredictions(
  runs: readonly string[],
  options: LoadMemberPredictionsOptions = {},
): Promise<MemberPredictions> {
  const log = options.log ?? ((line: string) => console.error(line));
  const dirs = [...new Set(runs.map((r) => r.replace(/\/+$/, "")))];
  if (dirs.length < 2) throw new RangeError(`An ensemble needs at least two runs. Received: ${dirs.join(", ")}`);
  const read = await Promise.all(dirs.map(async (dir) => ({ dir, ...(await readRunRecord(dir)) })));
  requireSame(
    read,
    (i) => read[i].record.dataHash,
    (i) => `data hash ${short(read[i].record.dataHash)}, ${read[i].record.settings.size}px`,
    "different data",
  );
  requireSame(
    read,
    (i) => JSON.stringify(read[i].record.classes),
    (i) => read[i].record.classes.join(", "),
    "different classes",
  );
  for (const part of ["train", "val", "test"] as const) {
    requireSame(
      read,
      (i) => sortedIds(read[i].splitIds[part]),
      (i) => `${read[i].splitIds[part].length} ${part} images, split seed ${read[i].splitIds.seed}`,
      `different splits (${part})`,
    );
  }

  const first = await loadRunData(dirs[0], { cacheDir: options.cacheDir });
  const dataBySize = new Map<number, StudyData>([[first.data.size, first.data]]);
  const valIds = first.splitIds.val, testIds = first.splitIds.test;
  const valLabels = first.split.val.map((i) => first.data.items[i].label);
  const testLabels = first.split.test.map((i) => first.data.items[i].label);
  const k = first.data.classes.length;
  const members: EnsembleMember[] = [];
  const valProbs: number[][][] = [], testProbs: number[][][] = [];
  for (const r of read) {
    const size = r.record.settings.size;
    const run = await loadRunData(r.dir, { cacheDir: options.cacheDir, data: dataBySize.get(size) });
    dataBySize.set(size, run.data);
    const index = new Map(run.data.items.map((it, i) => [it.id, i]));
    const valIdx = valIds.map((id) => index.get(id)!), testIdx = testIds.map((id) => index.get(id)!);
    const kind = (await HybridClassifier.existsIn(r.dir)) ? "hybrid" : "model";
    const t0 = performance.now();
    let val: number[][], test: number[][];
    if (kind === "hybrid") {
      const hybrid = await HybridClassifier.load(r.dir);
      try {
        const grays = async (idx: number[]) => await Promise.all(idx.map((i) => run.data.gray(i)));
        val = await hybrid.predictProba(await grays(valIdx));
        test = await hybrid.predictProba(await grays(testIdx));
      } finally {
        hybrid.dispose();
      }
    } else {
      const model = await loadModel(`${r.dir}/model`);
      try {
        val = await predictProbabilities(model, run.data.source(valIdx));
        test = await predictProbabilities(model, run.data.source(testIdx));
      } finally {
        model.dispose();
      }
    }
    const argmax = (p: number[]) => p.indexOf(Math.max(...p));
    const acc = (probs: number[][], labels: number[]) =>
      probs.filter((p, i) => argmax(p) === labels[i]).length / Math.max(1, labels.length);
    const storedDifference = await compareStored(r.dir, r.splitIds.test, testIds, test);
    if (storedDifference != null && storedDifference > 1e-4) {
      log(
        `[ensemble] warning: ${r.dir}'s re-predicted test probabilities differ from its metrics.json ` +
          `by up to ${storedDifference.toExponential(2)} (another backend?)`,
      );
    }
    members.push({
      dir: r.dir,
      model: r.record.model,
      kind,
      record: r.record,
      valAccuracy: acc(val, valLabels),
      valMacroF1: macroF1(valLabels, val.map(argmax), k),
      testAccuracy: acc(test, testLabels),
      testMacroF1: macroF1(testLabels, test.map(argmax), k),
      storedDifference,
    });
    log(
      `[ensemble] ${r.dir} (${r.record.model}, ${kind}): predicted ${valIdx.length} val + ${testIdx.length} test ` +
        `images in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    valProbs.push(val);
    testProbs.push(test);
  }
  return {
    members,
    classes: first.data.classes,
    record: first.record,
    splitIds: first.splitIds,
    data: first.data,
    split: first.split,
    val: { ids: [...valIds], labels: valLabels, probs: valProbs },
    test: { ids: [...testIds], labels: testLabels, probs: testProbs },
  };
}

/** Largest difference from the stored test probabilities, reordered by id; null when none are stored. */
async function compareStored(
  dir: string,
  ownOrder: readonly string[],
  order: readonly string[],
  probs: readonly number[][],
): Promise<number | null> {
  let stored: number[][] | undefined;
  try {
    stored = JSON.parse(await Deno.readTextFile(`${dir}/metrics.json`))?.predictions?.probs;
  } catch {
    return null;
  }
  if (!Array.isArray(stored) || stored.length !== ownOrder.length) return null;
  const at = new Map(ownOrder.map((id, i) => [id, i]));
  let worst = 0;
  order.forEach((id, i) => {
    const s = stored![at.get(id)!];
    probs[i].forEach((v, c) => (worst = Math.max(worst, Math.abs(v - (s?.[c] ?? NaN)) || 0)));
  });
  return worst;
}
