/**
 * Evaluating a trained run again: on its own test split (after a change of
 * metrics code, say), or on another data set, an external test, with the
 * model's classes matched by name.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "../cli.ts";
import { type DataSpec, loadStudyData, type StudyData } from "../data/study_data.ts";
import { HybridClassifier } from "../hybrid/hybrid_classifier.ts";
import { evaluateProbabilities, type Evaluation, predictProbabilities } from "./evaluate.ts";
import type { RunRecord } from "./run.ts";
import { writeRunMetrics, writeRunPlots, writeTopLosses } from "./run.ts";
import { loadModel } from "./save.ts";

/** Options of {@link evaluateRun}. */
export interface EvaluateRunOptions {
  /** Another data set; default the run's own, on its test split. */
  data?: DataSpec;
  /** Where to write; default the run folder itself (own data) or `<run>-external` (other data). */
  out?: string;
  cacheDir?: string;
  log?: (line: string) => void;
}

/** What {@link evaluateRun} returns. */
export interface EvaluateRunResult {
  out: string;
  evaluation: Evaluation;
  /** Images of the other data set whose class the model does not know. */
  skippedUnknownClass: number;
}

/**
 * Reads a run's `config.json`.
 *
 * @throws {Error} Naming the file when it is missing or not a run.
 */
export async function readRunRecord(dir: string): Promise<RunRecord> {
  let record: RunRecord;
  try {
    record = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
  } catch (e) {
    throw new Error(`${dir} is not a run folder: cannot read config.json (${(e as Error).message})`);
  }
  if (!record.model || !record.settings || !record.classes) {
    throw new Error(`${dir}/config.json is not a training run's config (no model, settings or classes)`);
  }
  return record;
}

/**
 * The indices of a run's test images in a data set, from `split.json`.
 *
 * @throws {Error} When the split names images the data no longer has.
 */
export async function runTestIndices(dir: string, data: StudyData): Promise<number[]> {
  const split = JSON.parse(await Deno.readTextFile(`${dir}/split.json`)) as { test: string[] };
  const index = new Map(data.items.map((it, i) => [it.id, i]));
  return split.test.map((id) => {
    const i = index.get(id);
    if (i == null) throw new Error(`${dir}/split.json names ${id}, which is not in the data any more`);
    return i;
  });
}

/**
 * A hybrid's probabilities for images of a data set, in chunks (its own
 * CNN and handcrafted features, scaler, PCA and SVM, as `predictProba`).
 */
async function hybridProbabilities(
  hybrid: HybridClassifier,
  data: StudyData,
  indices: readonly number[],
  chunk = 32,
): Promise<number[][]> {
  const out: number[][] = [];
  for (let start = 0; start < indices.length; start += chunk) {
    const grays = await Promise.all(indices.slice(start, start + chunk).map((i) => data.gray(i)));
    out.push(...await hybrid.predictProba(grays));
  }
  return out;
}

/**
 * Evaluates a trained run's model and writes metrics and plots. A CNN-SVM
 * hybrid's folder (with `hybrid.json`, from `deno task svm`) is evaluated
 * with the hybrid's own probabilities ({@link HybridClassifier.predictProba}).
 *
 * @param dir The run folder (with `config.json`, `split.json`, and `model/` or `hybrid.json`).
 * @param options Another data set, where to write.
 * @returns Where it wrote, and the evaluation.
 * @example
 * ```ts
 * const { evaluation } = await evaluateRun("outputs/runs/cnn-quick-svm");
 * evaluation.accuracy;
 * ```
 */
export async function evaluateRun(dir: string, options: EvaluateRunOptions = {}): Promise<EvaluateRunResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const record = await readRunRecord(dir);
  // Exactly one of the two is loaded; disposed below.
  const hybrid = await HybridClassifier.existsIn(dir) ? await HybridClassifier.load(dir) : undefined;
  const model: tf.LayersModel | undefined = hybrid ? undefined : await loadModel(`${dir}/model`);
  try {
    const size = hybrid?.size ?? record.settings.size;
    const external = options.data != null;
    const data = await loadStudyData(options.data ?? record.data, size, {
      cacheDir: options.cacheDir ?? "outputs/cache",
    });
    let indices: number[];
    let labels: number[];
    let skippedUnknownClass = 0;
    if (!external) {
      if (data.hash !== record.dataHash) {
        log(
          `[evaluate] warning: the data changed since ${dir} was trained (hash differs); the split's ids still match`,
        );
      }
      indices = await runTestIndices(dir, data);
      labels = indices.map((i) => data.items[i].label);
    } else {
      // Match the other data set's classes to the model's by name.
      const toModel = data.classes.map((c) => record.classes.indexOf(c));
      const unknown = data.classes.filter((_, k) => toModel[k] < 0);
      if (unknown.length > 0) {
        log(`[evaluate] the model does not know ${unknown.join(", ")}: those images are left out`);
      }
      indices = data.items.flatMap((it, i) => (toModel[it.label] >= 0 ? [i] : []));
      skippedUnknownClass = data.items.length - indices.length;
      labels = indices.map((i) => toModel[data.items[i].label]);
      if (indices.length === 0) {
        throw new Error(`No image of ${JSON.stringify(options.data)} has a class the model knows`);
      }
    }
    const probs = hybrid
      ? await hybridProbabilities(hybrid, data, indices)
      : await predictProbabilities(model!, { ...data.source(indices), labels });
    const evaluation = evaluateProbabilities(labels, probs, record.classes, {
      seed: record.seed,
      ids: indices.map((i) => data.items[i].id),
      patients: indices.map((i) => data.items[i].patientId),
    });
    const out = options.out ?? (external ? `${dir}-external` : dir);
    await Deno.mkdir(out, { recursive: true });
    if (external) {
      await writeFileAtomic(
        `${out}/config.json`,
        JSON.stringify(
          {
            kind: "external-evaluation",
            run: dir,
            model: record.model,
            classes: record.classes,
            trainedOn: { data: record.data, dataHash: record.dataHash },
            data: options.data,
            dataHash: data.hash,
            images: indices.length,
            skippedUnknownClass,
            createdAt: new Date().toISOString(),
          },
          null,
          2,
        ),
      );
    }
    // Re-evaluating in place keeps what training recorded (stop reason, time, validation metrics).
    const previous = external ? {} : await Deno.readTextFile(`${out}/metrics.json`).then(JSON.parse).catch(() => ({}));
    const { model: _m, test: _t, val, predictions: _p, ...kept } = previous;
    await writeRunMetrics(out, record.model, evaluation, undefined, {
      ...kept,
      val,
      evaluatedRun: dir,
      external,
      evaluatedAt: new Date().toISOString(),
    });
    await writeRunPlots(out, [], evaluation);
    await writeTopLosses(out, data, evaluation, (k) => indices[k]);
    return { out, evaluation, skippedUnknownClass };
  } finally {
    hybrid?.dispose();
    model?.dispose();
  }
}
