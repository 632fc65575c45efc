/**
 * Evaluation of any classifier from its class probabilities: the CNNs, the
 * CNN-SVM hybrid and the ensembles are all scored by this one function, so
 * their numbers compare.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BatchSource } from "../data/batches.ts";
import {
  accuracy,
  type BootstrapCi,
  bootstrapCi,
  type ClassificationReport,
  classificationReport,
  type ConfusedPair,
  confusionMatrix,
  macroF1,
  mostConfusedPairs,
  rocAuc,
  type RocAucResult,
} from "../metrics/mod.ts";

/** One image with a high loss: the cases to look at first. */
export interface TopLoss {
  /** Position in the evaluated set. */
  index: number;
  /** The item's id (file path or phantom id), when given. */
  id?: string;
  trueLabel: string;
  predLabel: string;
  /** Probability given to the true class. */
  trueProb: number;
  loss: number;
}

/** Everything measured on one split. */
export interface Evaluation {
  n: number;
  classes: string[];
  accuracy: number;
  macroF1: number;
  /**
   * Percentile bootstrap intervals over the split, resampling patients when
   * every item has one and images otherwise (`resampled`; each interval's
   * `units` counts them): accuracy and the macro averages of precision,
   * recall, F1 and one-vs-rest AUC (AUC over the classes defined in each
   * resample; resamples where none is are skipped).
   */
  ci: {
    accuracy: BootstrapCi;
    precision: BootstrapCi;
    recall: BootstrapCi;
    macroF1: BootstrapCi;
    auc?: BootstrapCi;
    resampled: "patients" | "images";
  };
  report: ClassificationReport;
  roc: RocAucResult;
  confusionMatrix: number[][];
  mostConfused: ConfusedPair[];
  topLosses: TopLoss[];
  /** Mean categorical cross-entropy. */
  loss: number;
  yTrue: number[];
  yPred: number[];
  probs: number[][];
}

/** Options of {@link evaluateProbabilities}. */
export interface EvaluateOptions {
  /** Seed of the bootstrap. Default 42. */
  seed?: number;
  /** Bootstrap resamples. Default 2000. */
  iterations?: number;
  /** Ids of the evaluated items, for the top-loss list. */
  ids?: readonly string[];
  /** How many top losses to keep. Default 8. */
  topLosses?: number;
  /**
   * The patient of each item. When every item has one, the intervals resample patients (a cluster
   * bootstrap): slices of one patient are not independent, and resampling them one by one understates
   * the uncertainty. Items without a patient fall back to resampling images.
   */
  patients?: readonly (string | undefined)[];
}

/**
 * Scores class probabilities against true labels.
 *
 * @param yTrue True class per image.
 * @param probs Probabilities per image, one per class.
 * @param classes Class names by index.
 * @returns Metrics with bootstrap intervals, the ROC analysis and the worst cases.
 * @example
 * ```ts
 * const e = evaluateProbabilities([0, 1], [[0.9, 0.1], [0.2, 0.8]], ["a", "b"]);
 * e.accuracy; // 1
 * ```
 */
export function evaluateProbabilities(
  yTrue: readonly number[],
  probs: readonly (readonly number[])[],
  classes: readonly string[],
  options: EvaluateOptions = {},
): Evaluation {
  const { seed = 42, iterations = 2000, topLosses = 8 } = options;
  const k = classes.length;
  const yPred = probs.map((p) => p.indexOf(Math.max(...p)));
  const losses = yTrue.map((t, i) => -Math.log(Math.min(1, Math.max(1e-7, probs[i][t]))));
  const matrix = confusionMatrix(yTrue, yPred, k);
  const f1 = (t: readonly number[], p: readonly number[]) => macroF1(t, p, k);
  // Resample image indices, so every interval, AUC's included, comes from the same resamples.
  const all = yTrue.map((_, i) => i);
  const patients = options.patients;
  // One patient per item or none: bootstrapCi rejects a list of another length.
  const groups = patients?.every((p) => p != null) ? patients as readonly string[] : undefined;
  const byIndex = (metric: (idx: readonly number[]) => number) =>
    bootstrapCi(all, all, (idx) => metric(idx), { seed, iterations, groups });
  const macroOf = (idx: readonly number[], key: "precision" | "recall") =>
    classificationReport(idx.map((i) => yTrue[i]), idx.map((i) => yPred[i]), classes, { warn: false }).macroAvg[key];
  const roc = rocAuc(yTrue, probs, classes);
  let aucCi: BootstrapCi | undefined;
  if (roc.macro != null) {
    aucCi = byIndex((idx) => rocAuc(idx.map((i) => yTrue[i]), idx.map((i) => probs[i]), classes).macro ?? NaN);
  }
  const order = losses.map((l, i) => [l, i]).sort((a, b) => b[0] - a[0]).slice(0, topLosses);
  return {
    n: yTrue.length,
    classes: [...classes],
    accuracy: accuracy(yTrue, yPred),
    macroF1: f1(yTrue, yPred),
    ci: {
      accuracy: bootstrapCi(yTrue, yPred, accuracy, { seed, iterations, groups }),
      precision: byIndex((idx) => macroOf(idx, "precision")),
      recall: byIndex((idx) => macroOf(idx, "recall")),
      macroF1: bootstrapCi(yTrue, yPred, f1, { seed, iterations, groups }),
      auc: aucCi,
      resampled: groups ? "patients" : "images",
    },
    report: classificationReport(yTrue, yPred, classes, { warn: false }),
    roc,
    confusionMatrix: matrix,
    mostConfused: mostConfusedPairs(matrix, classes),
    topLosses: order.map(([loss, i]) => ({
      index: i,
      id: options.ids?.[i],
      trueLabel: classes[yTrue[i]],
      predLabel: classes[yPred[i]],
      trueProb: probs[i][yTrue[i]],
      loss,
    })),
    loss: losses.reduce((a, b) => a + b, 0) / Math.max(1, losses.length),
    yTrue: [...yTrue],
    yPred,
    probs: probs.map((p) => [...p]),
  };
}

/**
 * Class probabilities of a model over a batch source, in batches.
 *
 * @returns One row per image; no tensors escape.
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  source: BatchSource,
  batchSize = 32,
): Promise<number[][]> {
  const out: number[][] = [];
  for (let start = 0; start < source.length; start += batchSize) {
    const idx = [...Array(Math.min(batchSize, source.length - start)).keys()].map((k) => start + k);
    const xb = await source.images(idx);
    const p = tf.tidy(() => model.predict(xb) as tf.Tensor2D);
    xb.dispose();
    const values = await p.array();
    p.dispose();
    out.push(...values);
  }
  return out;
}

/** Rows of `metrics.csv`: one per class plus the averages, with the intervals on the overall rows. */
export function evaluationCsv(e: Evaluation, model: string): string {
  const head =
    "model,row,precision,recall,f1,support,auc,accuracy,accuracy_low,accuracy_high,macro_f1,macro_f1_low,macro_f1_high";
  const f = (v: number | null | undefined) => (v == null || Number.isNaN(v) ? "" : String(v));
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = e.classes.map((c) => {
    const s = e.report.perClass[c];
    return [model, c, s.precision, s.recall, s.f1, s.support, e.roc.perClass[c].auc, "", "", "", "", "", ""];
  });
  const overall = (
    row: string,
    s: { precision: number; recall: number; f1: number; support: number },
    auc: number | null,
  ) => [
    model,
    row,
    s.precision,
    s.recall,
    s.f1,
    s.support,
    auc,
    e.accuracy,
    e.ci.accuracy.low,
    e.ci.accuracy.high,
    e.macroF1,
    e.ci.macroF1.low,
    e.ci.macroF1.high,
  ];
  rows.push(overall("macro avg", e.report.macroAvg, e.roc.macro));
  rows.push(overall("weighted avg", e.report.weightedAvg, e.roc.weighted));
  return [head, ...rows.map((r) => r.map((v) => (typeof v === "string" ? q(v) : f(v as number | null))).join(","))]
    .join(
      "\n",
    ) + "\n";
}
