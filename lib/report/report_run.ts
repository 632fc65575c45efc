/**
 * Reads a run folder for the study report, defensively: training runs,
 * CNN-SVM hybrids and ensembles write different files, and a folder may be
 * unfinished or from another version. What is missing or malformed is left
 * out and noted in `problems`, never thrown.
 *
 * @module
 */
import type { TrainingHistoryRow } from "./charts/training_curves.ts";
import { type CompactPng, compactPng } from "./report_images.ts";

/** A metric with its 95% interval. */
export interface RunInterval {
  estimate: number;
  low: number;
  high: number;
}

/** Scores of one class or one average. */
export interface RunClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** The parts of `metrics.json`'s `test` the report shows; each is absent when missing or malformed. */
export interface RunTest {
  n?: number;
  classes: string[];
  accuracy?: number;
  macroF1?: number;
  ci: Partial<Record<"accuracy" | "precision" | "recall" | "macroF1" | "auc", RunInterval>>;
  report?: {
    perClass: Record<string, RunClassScores>;
    accuracy?: number;
    macroAvg?: RunClassScores;
    weightedAvg?: RunClassScores;
    warnings: string[];
  };
  roc?: {
    perClass: { label: string; auc: number | null; reason?: string; fpr: number[]; tpr: number[] }[];
    macro: number | null;
  };
  confusionMatrix?: number[][];
  mostConfused: { trueLabel: string; predLabel: string; count: number; rate: number }[];
  topLosses: { id?: string; trueLabel: string; predLabel: string; trueProb: number; loss: number }[];
}

/** An image of the run folder, shrunk for embedding. */
export interface RunImage {
  /** Path relative to the run folder, e.g. `gradcam/gallery_gradcam_healthy.png`. */
  name: string;
  image: CompactPng;
}

/** Everything the report shows of one run folder. */
export interface ReportRun {
  dir: string;
  /** The folder's name. */
  name: string;
  /** `metrics.json`'s or `config.json`'s model, else the folder's name. */
  model: string;
  /** What wrote the folder. */
  kind: "model" | "hybrid" | "ensemble";
  /** `config.json` as written (`{}` when missing). */
  config: Record<string, unknown>;
  /** `status.json`, when there. */
  status: Record<string, unknown> | null;
  /** `history.json`'s epochs that have at least an epoch, loss and accuracy. */
  history: TrainingHistoryRow[];
  /** `metrics.json` as written (`{}` when missing). */
  metrics: Record<string, unknown>;
  /** The test split's results; `null` without `metrics.json` or its `test`. */
  test: RunTest | null;
  /** The Grad-CAM faithfulness report: `metrics.json`'s `faithfulness`, else `gradcam/faithfulness.json`. */
  faithfulness: Record<string, unknown> | null;
  topLosses: RunImage | null;
  /** Every `gradcam/*.png`, galleries first. */
  gradcam: RunImage[];
  /** Other PNGs of the folder that the report does not redraw (PCA variance, ablation charts). */
  otherImages: RunImage[];
  /** What could not be read, one line each. */
  problems: string[];
}

/** Options of {@link readReportRun}. */
export interface ReadReportRunOptions {
  /** Embedded images are scaled down to this width. Default 1000. */
  maxImageWidth?: number;
}

/** PNGs the report draws itself from the JSON files (interactive). */
const REDRAWN = new Set(["curves.png", "confusion_matrix.png", "roc.png", "top_losses.png"]);

/** Whether `v` is a plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v != null && typeof v === "object" && !Array.isArray(v);
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const numOr = (v: unknown): number | undefined => (isNum(v) ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === "string") : []);

function interval(v: unknown): RunInterval | undefined {
  if (!isRecord(v) || !isNum(v.estimate)) return undefined;
  return { estimate: v.estimate, low: isNum(v.low) ? v.low : NaN, high: isNum(v.high) ? v.high : NaN };
}

function scores(v: unknown): RunClassScores | undefined {
  if (!isRecord(v)) return undefined;
  const { precision, recall, f1, support } = v;
  if (![precision, recall, f1, support].every(isNum)) return undefined;
  return { precision, recall, f1, support } as RunClassScores;
}

function squareMatrix(v: unknown, n: number): number[][] | undefined {
  if (!Array.isArray(v) || v.length !== n || n === 0) return undefined;
  if (!v.every((r) => Array.isArray(r) && r.length === n && r.every((x) => isNum(x) && x >= 0))) return undefined;
  return v as number[][];
}

/**
 * Picks the test results out of `metrics.json`'s `test`, field by field.
 *
 * @param t The `test` value, of unknown shape.
 * @param problems Receives a line per malformed part.
 * @returns The parts that are well formed.
 */
export function readRunTest(t: Record<string, unknown>, problems: string[]): RunTest {
  const reportRaw = isRecord(t.report) ? t.report : undefined;
  let classes = strings(t.classes);
  if (classes.length === 0 && reportRaw) classes = strings(reportRaw.labels);
  const ci: RunTest["ci"] = {};
  if (isRecord(t.ci)) {
    for (const k of ["accuracy", "precision", "recall", "macroF1", "auc"] as const) {
      const c = interval(t.ci[k]);
      if (c) ci[k] = c;
    }
  }
  const test: RunTest = {
    n: numOr(t.n),
    classes,
    accuracy: numOr(t.accuracy),
    macroF1: numOr(t.macroF1),
    ci,
    mostConfused: [],
    topLosses: [],
  };
  if (reportRaw && isRecord(reportRaw.perClass)) {
    const perClass: Record<string, RunClassScores> = {};
    for (const [k, v] of Object.entries(reportRaw.perClass)) {
      const s = scores(v);
      if (s) perClass[k] = s;
    }
    test.report = {
      perClass,
      accuracy: numOr(reportRaw.accuracy),
      macroAvg: scores(reportRaw.macroAvg),
      weightedAvg: scores(reportRaw.weightedAvg),
      warnings: strings(reportRaw.warnings),
    };
  } else if (t.report !== undefined) problems.push("metrics.json: test.report is malformed");
  if (isRecord(t.roc) && isRecord(t.roc.perClass)) {
    const perClass: NonNullable<RunTest["roc"]>["perClass"] = [];
    for (const [label, v] of Object.entries(t.roc.perClass)) {
      if (!isRecord(v)) continue;
      const curve = isRecord(v.curve) ? v.curve : {};
      const fpr = Array.isArray(curve.fpr) ? curve.fpr.filter(isNum) : [];
      const tpr = Array.isArray(curve.tpr) ? curve.tpr.filter(isNum) : [];
      if (fpr.length !== tpr.length) continue;
      perClass.push({
        label,
        auc: isNum(v.auc) ? v.auc : null,
        reason: typeof v.reason === "string" ? v.reason : undefined,
        fpr,
        tpr,
      });
    }
    test.roc = { perClass, macro: isNum(t.roc.macro) ? t.roc.macro : null };
  } else if (t.roc !== undefined) problems.push("metrics.json: test.roc is malformed");
  if (t.confusionMatrix !== undefined) {
    test.confusionMatrix = squareMatrix(t.confusionMatrix, classes.length);
    if (!test.confusionMatrix) problems.push("metrics.json: test.confusionMatrix does not match the classes");
  }
  if (Array.isArray(t.mostConfused)) {
    test.mostConfused = t.mostConfused.filter((p) =>
      isRecord(p) && typeof p.trueLabel === "string" && typeof p.predLabel === "string" && isNum(p.count)
    ).map((p) => ({ trueLabel: p.trueLabel, predLabel: p.predLabel, count: p.count, rate: numOr(p.rate) ?? NaN }));
  }
  if (Array.isArray(t.topLosses)) {
    test.topLosses = t.topLosses.filter((p) =>
      isRecord(p) && typeof p.trueLabel === "string" && typeof p.predLabel === "string"
    ).map((p) => ({
      id: typeof p.id === "string" ? p.id : undefined,
      trueLabel: p.trueLabel,
      predLabel: p.predLabel,
      trueProb: numOr(p.trueProb) ?? NaN,
      loss: numOr(p.loss) ?? NaN,
    }));
  }
  return test;
}

async function readJson(path: string, problems: string[], required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (required || !(e instanceof Deno.errors.NotFound)) {
      problems.push(
        `${path.split("/").pop()}: ${e instanceof Deno.errors.NotFound ? "missing" : (e as Error).message}`,
      );
    }
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    problems.push(`${path.split("/").pop()}: not valid JSON (${(e as Error).message})`);
    return undefined;
  }
}

async function pngNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.isFile && e.name.toLowerCase().endsWith(".png")) names.push(e.name);
  } catch {
    // No such folder: no images.
  }
  return names.sort();
}

function historyRows(v: unknown): TrainingHistoryRow[] {
  if (!Array.isArray(v)) return [];
  return v.filter((h) => isRecord(h) && isNum(h.epoch) && isNum(h.loss) && isNum(h.acc)).map((h) => ({
    epoch: h.epoch,
    loss: h.loss,
    acc: h.acc,
    valLoss: numOr(h.valLoss),
    valAcc: numOr(h.valAcc),
    lr: numOr(h.lr),
  }));
}

/**
 * Reads what the report shows of one run folder. Nothing throws: a missing
 * or malformed file leaves its part out and adds a line to `problems`.
 *
 * @param dir A run folder (training, hybrid or ensemble).
 * @param options Image width limit.
 * @returns The run's parts.
 * @example
 * ```ts
 * const run = await readReportRun("outputs/runs/cnn-quick");
 * run.test?.accuracy;
 * ```
 */
export async function readReportRun(dir: string, options: ReadReportRunOptions = {}): Promise<ReportRun> {
  const maxWidth = options.maxImageWidth ?? 1000;
  const clean = dir.replace(/\/+$/, "") || dir;
  const problems: string[] = [];
  const configRaw = await readJson(`${clean}/config.json`, problems, true);
  const config = isRecord(configRaw) ? configRaw : {};
  const metricsRaw = await readJson(`${clean}/metrics.json`, problems, true);
  const metrics = isRecord(metricsRaw) ? metricsRaw : {};
  const statusRaw = await readJson(`${clean}/status.json`, problems, false);
  const history = historyRows(await readJson(`${clean}/history.json`, problems, false));
  const test = isRecord(metrics.test) ? readRunTest(metrics.test, problems) : null;
  if (metricsRaw !== undefined && test == null) problems.push("metrics.json: no test results");

  let faithfulness = isRecord(metrics.faithfulness) ? metrics.faithfulness : null;
  if (faithfulness == null) {
    const f = await readJson(`${clean}/gradcam/faithfulness.json`, problems, false);
    if (isRecord(f)) {
      const { perImage: _perImage, ...rest } = f;
      faithfulness = rest;
    }
  }

  const load = async (name: string): Promise<RunImage | null> => {
    try {
      return { name, image: await compactPng(await Deno.readFile(`${clean}/${name}`), { maxWidth }) };
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
      return null;
    }
  };
  const top = (await pngNames(clean)).includes("top_losses.png") ? await load("top_losses.png") : null;
  const gradcamNames = (await pngNames(`${clean}/gradcam`)).sort((a, b) =>
    Number(!a.startsWith("gallery_")) - Number(!b.startsWith("gallery_")) || a.localeCompare(b)
  );
  const gradcam = (await Promise.all(gradcamNames.map((n) => load(`gradcam/${n}`)))).filter((x) => x != null);
  const otherNames = (await pngNames(clean)).filter((n) => !REDRAWN.has(n));
  const otherImages = (await Promise.all(otherNames.map(load))).filter((x) => x != null);

  const model = typeof metrics.model === "string"
    ? metrics.model
    : typeof config.model === "string"
    ? config.model
    : clean.split("/").pop() ?? clean;
  const kind = isRecord(config.ensemble) ? "ensemble" : isRecord(config.hybrid) ? "hybrid" : "model";
  return {
    dir: clean,
    name: clean.split("/").pop() ?? clean,
    model,
    kind,
    config,
    status: isRecord(statusRaw) ? statusRaw : null,
    history,
    metrics,
    test,
    faithfulness,
    topLosses: top,
    gradcam,
    otherImages,
    problems,
  };
}
