/**
 * A training run: data, split, model, training with checkpoints,
 * evaluation, and a self-describing folder of outputs.
 *
 * `outputs/runs/<run>/` holds:
 * - `config.json`: model, options, seed, versions, backend, the data's hash, split counts;
 * - `split.json`: the item ids of each split;
 * - `status.json`: running, completed, interrupted or failed, with the last epoch;
 * - `history.json`, `curves.svg|png`;
 * - `metrics.json`, `metrics.csv`, `confusion_matrix.svg|png`, `roc.svg|png`;
 * - `top_losses.png`: the test images the model got most wrong, with true and predicted labels;
 * - `model/` (tfjs layers format) and `checkpoint/` (for `--resume`).
 *
 * Every file is written atomically; a run killed at any point resumes from
 * its last complete epoch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { currentBackend } from "../backend.ts";
import { writeFileAtomic } from "../cli.ts";
import { createAugmentation } from "../augment/mod.ts";
import { type DataSpec, loadStudyData, type StudyData } from "../data/study_data.ts";
import { findPatientLeaks, type Split, splitByPatient, splitWarnings } from "../data/split.ts";
import { createModel } from "../models/mod.ts";
import { loadWeights } from "../models/weights.ts";
import { confusionMatrixHeatmap, rocCurves, svgToPng, trainingCurves } from "../report/charts/mod.ts";
import { balancedClassWeights, type EpochLog, fitClassifierOn, type StopReason } from "./fit.ts";
import { evaluateProbabilities, type Evaluation, evaluationCsv, predictProbabilities } from "./evaluate.ts";
import type { ProgressReporter } from "./progress.ts";
import { type TrainSettings } from "./profiles.ts";
import { saveModel } from "./save.ts";
import { captionedGridPng, grayPng } from "../report/captioned_grid.ts";

/** Lumbar Lab's version, recorded in every run. */
export const LUMBAR_LAB_VERSION = "0.4.0";

/** What a run is asked to do: stored as `config.json`. */
export interface RunConfig {
  model: string;
  profile: string;
  settings: TrainSettings;
  data: DataSpec;
  seed: number;
  /** Dropout before the classifier; the model's default when absent. */
  dropout?: number;
  /** Pretrained weights (tfjs layers format), loaded by layer name. */
  pretrained?: string;
}

/** `config.json`: the request plus what the run found. */
export interface RunRecord extends RunConfig {
  createdAt: string;
  versions: { lumbarLab: string; tfjs: string; deno: string; v8: string };
  backend: { name: string; reason?: string };
  dataHash: string;
  classes: string[];
  parameters: number;
  split: { by: "patient"; counts: { train: number; val: number; test: number }; warnings: string[] };
}

/** `status.json`. */
export interface RunStatus {
  state: "running" | "completed" | "interrupted" | "failed";
  epoch: number;
  message?: string;
  updatedAt: string;
}

/** What {@link trainRun} returns. */
export interface RunResult {
  dir: string;
  record: RunRecord;
  history: EpochLog[];
  stopReason: StopReason;
  /** Absent when the run was interrupted before evaluation. */
  test?: Evaluation;
  val?: Evaluation;
  trainSeconds: number;
}

/** Options of {@link trainRun}. */
export interface TrainRunOptions {
  /** Continue from the run folder's checkpoint. Default false. */
  resume?: boolean;
  /** Stop cleanly after the current batch. */
  signal?: AbortSignal;
  progress?: boolean | ProgressReporter;
  /** Decoded-image cache for on-disk data. Default `outputs/cache`. */
  cacheDir?: string;
  /** Log lines (default: stderr). */
  log?: (line: string) => void;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

async function writeStatus(dir: string, status: Omit<RunStatus, "updatedAt">): Promise<void> {
  await writeJson(`${dir}/status.json`, { ...status, updatedAt: new Date().toISOString() });
}

/** The ids of each split, as written to `split.json`. */
interface SplitIds {
  seed: number;
  by: "patient";
  train: string[];
  val: string[];
  test: string[];
}

function splitIds(data: StudyData, split: Split, seed: number): SplitIds {
  const ids = (idx: number[]) => idx.map((i) => data.items[i].id);
  return { seed, by: "patient", train: ids(split.train), val: ids(split.val), test: ids(split.test) };
}

/**
 * Writes the run's plots as SVG and PNG.
 *
 * @param dir Run folder.
 */
export async function writeRunPlots(dir: string, history: readonly EpochLog[], test?: Evaluation): Promise<void> {
  const charts: [string, { svg: string }][] = [];
  if (history.length > 0) charts.push(["curves", trainingCurves(history, { title: "Training curves" })]);
  if (test) {
    charts.push([
      "confusion_matrix",
      confusionMatrixHeatmap(test.confusionMatrix, test.classes, { title: "Test split" }),
    ]);
    charts.push([
      "roc",
      rocCurves(
        test.classes.map((c) => ({
          label: c,
          fpr: test.roc.perClass[c].curve.fpr,
          tpr: test.roc.perClass[c].curve.tpr,
          auc: test.roc.perClass[c].auc,
        })),
        { title: "ROC, test split (one-vs-rest)" },
      ),
    ]);
  }
  for (const [name, chart] of charts) {
    await writeFileAtomic(`${dir}/${name}.svg`, chart.svg);
    await writeFileAtomic(`${dir}/${name}.png`, await svgToPng(chart.svg));
  }
}

/**
 * Writes `top_losses.png`: the test images with the highest loss, captioned
 * with their true and predicted labels and the probability of the true class.
 *
 * @param indexOf Maps a top-loss entry's position in the split to the data set's item index.
 */
export async function writeTopLosses(
  dir: string,
  data: StudyData,
  evaluation: Evaluation,
  indexOf: (position: number) => number,
): Promise<void> {
  if (evaluation.topLosses.length === 0) return;
  const tiles = [];
  for (const t of evaluation.topLosses) {
    tiles.push({
      png: await grayPng(await data.gray(indexOf(t.index)), data.size),
      caption: [`true: ${t.trueLabel}`, `pred: ${t.predLabel}`, `p(true) ${t.trueProb.toFixed(2)}`],
      color: t.trueLabel === t.predLabel ? "#1a7f37" : "#c62828",
    });
  }
  await writeFileAtomic(
    `${dir}/top_losses.png`,
    await captionedGridPng(tiles, { title: "Highest-loss test images", tileSize: 128 }),
  );
}

/** Metrics of a split without the per-image arrays, for `metrics.json`. */
function summary(e: Evaluation) {
  const { yTrue: _t, yPred: _p, probs: _q, ...rest } = e;
  return rest;
}

/**
 * Writes `metrics.json` (test and validation metrics, and the per-image
 * predictions of the test split) and `metrics.csv`.
 */
export async function writeRunMetrics(
  dir: string,
  model: string,
  test: Evaluation,
  val?: Evaluation,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await writeJson(`${dir}/metrics.json`, {
    model,
    test: summary(test),
    val: val ? summary(val) : undefined,
    predictions: { yTrue: test.yTrue, yPred: test.yPred, probs: test.probs },
    ...extra,
  });
  await writeFileAtomic(`${dir}/metrics.csv`, evaluationCsv(test, model));
}

/**
 * Splits a study's data by patient, checks for leaks, and returns the split
 * with its warnings. The same seed gives the same split for every model.
 *
 * @throws {Error} When a split is empty or a patient lands in two splits.
 */
export function studySplit(data: StudyData, seed: number): { split: Split; warnings: string[] } {
  const split = splitByPatient(data.items, { seed });
  if (split.val.length === 0 || split.test.length === 0) {
    throw new Error(
      `${data.items.length} images from too few patients for an 80:10:10 split by patient: validation ${split.val.length}, test ${split.test.length}`,
    );
  }
  const leaks = findPatientLeaks(data.items, split);
  if (leaks.length > 0) throw new Error(`Patient leakage between splits: ${JSON.stringify(leaks)}`);
  return { split, warnings: splitWarnings(data.items, split, data.classes) };
}

/**
 * Trains and evaluates one model, writing everything to `dir`.
 *
 * @param config What to train, on what data, with which settings.
 * @param dir The run folder, e.g. `outputs/runs/cnn-quick`.
 * @returns The record, history and test metrics.
 */
export async function trainRun(config: RunConfig, dir: string, options: TrainRunOptions = {}): Promise<RunResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const s = config.settings;
  await Deno.mkdir(dir, { recursive: true });
  const data = await loadStudyData(config.data, s.size, { cacheDir: options.cacheDir ?? "outputs/cache" });
  for (const skip of data.skipped.slice(0, 10)) log(`[train] skipped ${skip.path}: ${skip.reason}`);
  if (data.skipped.length > 10) log(`[train] ... and ${data.skipped.length - 10} more skipped files`);
  const { split, warnings } = studySplit(data, config.seed);
  for (const w of warnings) log(`[train] warning: ${w}`);

  let previous: RunRecord | undefined;
  if (options.resume) {
    try {
      previous = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
    } catch {
      log(`[train] no config.json in ${dir}: starting a new run`);
    }
    if (previous && previous.dataHash !== data.hash) {
      throw new Error(
        `Cannot resume ${dir}: the data changed since the run started (hash ${previous.dataHash.slice(0, 12)} then, ${
          data.hash.slice(0, 12)
        } now)`,
      );
    }
    if (previous && (previous.model !== config.model || previous.settings.size !== s.size)) {
      throw new Error(
        `Cannot resume ${dir}: it trained ${previous.model} at ${previous.settings.size}, not ${config.model} at ${s.size}`,
      );
    }
  }

  const built = createModel(config.model, {
    inputShape: [s.size, s.size, 3],
    numClasses: data.classes.length,
    seed: config.seed,
    dropout: config.dropout,
  });
  const model = built.model;
  if (config.pretrained) await loadWeights(model, config.pretrained);
  const backend = currentBackend();
  const record: RunRecord = {
    ...config,
    createdAt: previous?.createdAt ?? new Date().toISOString(),
    versions: { lumbarLab: LUMBAR_LAB_VERSION, tfjs: tf.version.tfjs, deno: Deno.version.deno, v8: Deno.version.v8 },
    backend: { name: backend?.name ?? tf.getBackend(), reason: backend?.reason },
    dataHash: data.hash,
    classes: data.classes,
    parameters: model.countParams(),
    split: {
      by: "patient",
      counts: { train: split.train.length, val: split.val.length, test: split.test.length },
      warnings,
    },
  };
  await writeJson(`${dir}/config.json`, record);
  await writeJson(`${dir}/split.json`, splitIds(data, split, config.seed));
  await writeStatus(dir, { state: "running", epoch: 0 });

  const train = data.source(split.train), val = data.source(split.val), test = data.source(split.test);
  log(
    `[train] ${config.model} (${(record.parameters / 1e6).toFixed(2)}M parameters) at ${s.size}x${s.size}, ` +
      `up to ${s.epochs} epochs on ${record.backend.name}; train ${split.train.length}, val ${split.val.length}, test ${split.test.length}`,
  );
  const t0 = performance.now();
  let history: EpochLog[] = [];
  let stopReason: StopReason;
  try {
    const result = await fitClassifierOn(model, train, {
      epochs: s.epochs,
      batchSize: s.batchSize,
      learningRate: s.learningRate,
      seed: config.seed,
      validation: val,
      augment: s.augment ? createAugmentation() : undefined,
      preciseBnSamples: s.preciseBnSamples,
      earlyStopping: s.patience > 0 ? { patience: s.patience } : undefined,
      reduceLrOnPlateau: s.lrPatience > 0 ? { patience: s.lrPatience, factor: 0.5 } : undefined,
      classWeights: s.classWeights === "balanced" ? balancedClassWeights(train.labels, data.classes.length) : undefined,
      checkpointDir: `${dir}/checkpoint`,
      resume: options.resume,
      signal: options.signal,
      progress: options.progress,
      onEpochEnd: async (e) => {
        history.push(e);
        await writeJson(`${dir}/history.json`, history);
        await writeStatus(dir, { state: "running", epoch: e.epoch });
      },
    });
    history = result.history;
    stopReason = result.stopReason;
    if (result.resumedFrom > 0) log(`[train] resumed after epoch ${result.resumedFrom}`);
  } catch (e) {
    await writeStatus(dir, { state: "failed", epoch: history.at(-1)?.epoch ?? 0, message: (e as Error).message });
    model.dispose();
    throw e;
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  await writeJson(`${dir}/history.json`, history);
  if (stopReason === "interrupted") {
    const epoch = history.at(-1)?.epoch ?? 0;
    await writeStatus(dir, {
      state: "interrupted",
      epoch,
      message: `Interrupted during epoch ${
        epoch + 1
      }; the checkpoint of epoch ${epoch} is kept: continue with --resume`,
    });
    await writeRunPlots(dir, history);
    model.dispose();
    return { dir, record, history, stopReason, trainSeconds };
  }

  const ids = split.test.map((i) => data.items[i].id);
  const testEval = evaluateProbabilities(test.labels, await predictProbabilities(model, test), data.classes, {
    seed: config.seed,
    ids,
    patients: split.test.map((i) => data.items[i].patientId),
  });
  const valEval = evaluateProbabilities(val.labels, await predictProbabilities(model, val), data.classes, {
    seed: config.seed,
    ids: split.val.map((i) => data.items[i].id),
    patients: split.val.map((i) => data.items[i].patientId),
  });
  await saveModel(model, `${dir}/model`);
  await writeRunMetrics(dir, config.model, testEval, valEval, {
    stopReason,
    trainSeconds,
    epochs: history.length,
    gradCamLayer: built.gradCamLayer,
  });
  await writeRunPlots(dir, history, testEval);
  await writeTopLosses(dir, data, testEval, (k) => split.test[k]);
  await writeStatus(dir, { state: "completed", epoch: history.at(-1)?.epoch ?? 0 });
  model.dispose();
  return { dir, record, history, stopReason, test: testEval, val: valEval, trainSeconds };
}
