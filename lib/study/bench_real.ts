/**
 * The real-data benchmark behind `deno task bench:real`: the study of
 * `runStudy`, run on real lumbar MRI (the Tianchi mid-sagittal T2 slices with
 * per-level points, `../shared/data/spine-mri-tianchi/`), plus a whole-slice
 * model whose Grad-CAM is checked against where the herniated discs are.
 *
 * 1. Disc crops, three classes (Normal, Bulge, Herniated disk = protrusion or
 *    extrusion; Schmorl's nodes left out), split 80:10:10 by patient: every
 *    CNN, the CNN-SVM hybrid on the CNN with the best validation macro-F1,
 *    the three ensembles; metrics with bootstrap intervals and the
 *    most-confused pairs; Grad-CAM galleries (crops have no lesion masks, so
 *    no localisation score).
 * 2. Whole slices, "herniated disk anywhere" against not: one CNN, and on the
 *    positive held-out slices, how often the peak of its "Herniated disk"
 *    Grad-CAM lies within a distance (a fraction of the image side) of a
 *    herniated disc's annotated point, beside two floors: a random map (the
 *    share of the image within that distance of such a point) and a random
 *    annotated disc of the same slice (a map that finds discs but not which
 *    one is herniated).
 *
 * Writes `<out>/runs/`, `<out>/report.html` and `<out>/summary.json`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { currentBackend } from "../backend.ts";
import { formatTable, writeFileAtomic } from "../cli.ts";
import type { KeypointSliceData, KeypointSlicePoint } from "../data/keypoint_slices.ts";
import type { KeypointDataSpec } from "../data/keypoint_source.ts";
import { loadStudyData, type StudyData } from "../data/study_data.ts";
import { ensembleRuns } from "../ensemble/mod.ts";
import { explainRun } from "../explain/explain_run.ts";
import type { FaithfulnessReport } from "../explain/faithfulness_types.ts";
import { gradCam } from "../explain/grad_cam.ts";
import { heatmapArgmax } from "../explain/pointing_game.ts";
import { trainHybridRun } from "../hybrid/hybrid_run.ts";
import type { ConfusedPair } from "../metrics/mod.ts";
import { type ReportSection, writeStudyReport } from "../report/html_report.ts";
import { esc, htmlTable } from "../report/report_html.ts";
import type { StudySummary } from "../report/report_study.ts";
import { compareRuns, type Comparison, comparisonCells, type WithCi } from "../train/compare_runs.ts";
import { profileSettings, type TrainSettings } from "../train/profiles.ts";
import { LUMBAR_LAB_VERSION, trainRun } from "../train/run.ts";
import { loadModel } from "../train/save.ts";
import { type StudySummaryJson, summarizeStudyData } from "./run_study.ts";
import { bestByValidationF1, readJson, runCompleted, stageTimer, trainModels } from "./train_models.ts";

/** Defaults of {@link benchReal}, as `deno task bench:real` documents them. */
export const BENCH_REAL_DEFAULTS = {
  data: "../shared/data/spine-mri-tianchi",
  out: "outputs/bench-real",
  /**
   * Crop CNNs: the three of the paper's seven that train in minutes on 2 CPU cores. All seven at 2 epochs took
   * 77.5 minutes (docs/real_data.md); pass `PAPER_MODELS` of run_study.ts (`--models paper`) for them.
   */
  models: ["cnn", "alexnet", "mobilenet"],
  /** Crop side in pixels (the quick profile's). */
  size: 64,
  /** Most epochs per crop CNN: fewer than the quick profile's 6, to keep the default run near 15 minutes. */
  epochs: 4,
  sliceModel: "cnn",
  sliceSize: 128,
  sliceEpochs: 8,
  seed: 42,
  /** Test crops per CNN in the Grad-CAM galleries. */
  gradcamImages: 12,
  /** Distances of the slice localisation, as fractions of the image side. */
  tolerances: [0.05, 0.1],
  phantomSummary: "outputs/summary.json",
} as const;

/** Stages `benchReal` can skip. */
export const BENCH_REAL_STAGES = ["hybrid", "ensemble", "gradcam", "slices"] as const;
/** A stage `benchReal` can skip. */
export type BenchRealStage = typeof BENCH_REAL_STAGES[number];

/** Options of {@link benchReal}; defaults in {@link BENCH_REAL_DEFAULTS}. */
export interface BenchRealOptions {
  /** The data folder (holding `labels.json`), or the annotation file itself. */
  data?: string;
  /** Output folder: `runs/`, `report.html`, `summary.json`. */
  out?: string;
  /** Crop CNNs. Default {@link BENCH_REAL_DEFAULTS}' three; `PAPER_MODELS` (run_study.ts) for the paper's seven. */
  models?: readonly string[];
  /** Crop side. */
  size?: number;
  /** Most epochs per crop CNN. */
  epochs?: number;
  /** The whole-slice model. */
  sliceModel?: string;
  /** Whole-slice side. */
  sliceSize?: number;
  /** Most epochs of the whole-slice model. */
  sliceEpochs?: number;
  /** One seed for the split, initialisation, batches and augmentation. */
  seed?: number;
  /** Test crops per CNN in the Grad-CAM galleries. */
  gradcamImages?: number;
  /** Localisation distances, fractions of the image side, each in (0, 1]. */
  tolerances?: readonly number[];
  /** Stages to leave out. */
  skip?: readonly BenchRealStage[];
  /** The phantom demo's `summary.json`, compared with when it exists. */
  phantomSummary?: string;
  /** Keep finished runs and continue interrupted ones. Default false. */
  resume?: boolean;
  /** Stops training cleanly after the current batch. */
  signal?: AbortSignal;
  /** Progress lines. Default stderr. */
  log?: (line: string) => void;
}

/** Hits within one distance of a herniated disc's point. */
export interface LocalisationAtDistance {
  /** The distance as a fraction of the image side. */
  fraction: number;
  /** The distance in pixels of the served slice. */
  px: number;
  /** Slices whose Grad-CAM peak lies within `px` of a herniated point. */
  hits: number;
  /** Slices scored. */
  n: number;
  /** `hits / n`; null when n is 0. */
  rate: number | null;
  /** 95% Wilson interval of the rate; null when n is 0. */
  ci: { low: number; high: number } | null;
  /** A random map's expected rate: the mean share of the image within `px` of a herniated point. */
  randomMap: number | null;
  /** A random annotated disc's expected rate: the mean share of the slice's disc points within `px` of one. */
  randomDisc: number | null;
}

/** One slice's Grad-CAM peak against its herniated points. */
export interface SlicePeak {
  id: string;
  split: "val" | "test";
  /** The model's probability of "Herniated disk". */
  probability: number;
  /** `[x, y]` in pixels of the served slice; null for an all-zero map (a miss). */
  peak: [number, number] | null;
  /** Distance from the peak to the nearest herniated point, in pixels; null without a peak. */
  nearest: number | null;
  /** Herniated points of the slice. */
  herniated: number;
  /** Annotated disc points of the slice (any class). */
  discs: number;
}

/** The whole-slice localisation on one group of positive slices. */
export interface SliceLocalisation {
  /** Which held-out slices: the test split, or validation and test together. */
  slices: "test" | "val+test";
  /** Positive slices scored. */
  n: number;
  /** Maps that were all zero (no positive evidence for the class): misses. */
  emptyMaps: number;
  /** Peaks in the outer 5% of the slice on any side: on the frame, where no disc lies. */
  borderPeaks: number;
  /** Median distance from the peak to the nearest herniated point, as a fraction of the side; null when none. */
  medianDistance: number | null;
  atDistance: LocalisationAtDistance[];
}

/** `summary.json` of the whole-slice part. */
export interface BenchRealSlices {
  run: string;
  model: string;
  size: number;
  settings: TrainSettings;
  dataHash: string;
  study: StudySummary;
  classes: string[];
  test: { n: number; accuracy: WithCi; macroF1: WithCi; auc: WithCi | null; majorityBaseline: number | null };
  /** The class whose map is explained. */
  explainedClass: string;
  layerName: string;
  featureMap: { width: number; height: number };
  /** On the positive test slices (the headline), and on validation and test together (more slices). */
  localisation: SliceLocalisation[];
  perImage: SlicePeak[];
  /** explainRun's report on the test slices (gallery, cascade, deletion), its pointing game on the rounded points. */
  faithfulness: FaithfulnessReport | null;
}

/** One model's numbers on real crops beside the phantom demo's. */
export interface PhantomComparisonRow {
  model: string;
  real: { accuracy: WithCi; f1: WithCi };
  phantom: { accuracy: WithCi; f1: WithCi } | null;
}

/** `summary.json` of `bench:real`. */
export interface BenchRealSummary {
  lumbarLab: string;
  createdAt: string;
  backend: string;
  seed: number;
  data: { annotations: string; note: string };
  crops: {
    spec: KeypointDataSpec;
    settings: TrainSettings;
    dataHash: string;
    study: StudySummary;
    /** Accuracy of always answering the training split's most frequent class. */
    majorityBaseline: number | null;
    comparison: Comparison;
    /** The hybrid's backbone and its validation macro-F1, when the hybrid ran. */
    hybridBackbone: { run: string; valMacroF1: number } | null;
    /** Per run, the test split's most-confused pairs. */
    mostConfused: Record<string, ConfusedPair[]>;
    /** Per CNN, the Grad-CAM gallery files and the map's grid. */
    gradcam: Record<string, { featureMap: { width: number; height: number }; galleries: string[] }>;
  };
  slices: BenchRealSlices | null;
  phantom: {
    path: string;
    found: boolean;
    rows: PhantomComparisonRow[];
    /** The phantom cnn's Grad-CAM pointing game with tolerance, and its random floor, when measured. */
    localisation: { run: string; tolerancePx: number; size: number; rate: number | null; random: number | null } | null;
  };
  /** Wall seconds per stage, and `total`. */
  seconds: Record<string, number>;
  interrupted: boolean;
}

/**
 * The 95% Wilson score interval of a proportion.
 *
 * @param hits Successes.
 * @param n Trials, > 0.
 * @returns The bounds, in [0, 1].
 * @example
 * ```ts
 * wilsonInterval(5, 10); // { low: 0.2366..., high: 0.7633... }
 * ```
 */
export function wilsonInterval(hits: number, n: number): { low: number; high: number } {
  if (!(n > 0 && hits >= 0 && hits <= n)) throw new RangeError(`Need 0 <= hits <= n and n > 0. Received: ${hits}/${n}`);
  const z = 1.959963984540054;
  const p = hits / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** One slice to score: its map's peak and its points, in pixels of the served `size x size` slice. */
export interface PeakAndPoints {
  /** The peak `[x, y]`, or null for an all-zero map. */
  peak: readonly [number, number] | null;
  /** The slice's annotated points; `positive` marks the herniated ones. */
  points: readonly Pick<KeypointSlicePoint, "x" | "y" | "positive">[];
}

/**
 * Scores Grad-CAM peaks against herniated points at several distances, with
 * two floors: a random map (its peak uniform over the pixels, so the rate is
 * the share of pixel centres within the distance of a herniated point) and a
 * random annotated disc of the slice (the share of its points within the
 * distance of a herniated one, itself included). Slices without a herniated
 * point are left out; a null peak is a miss. Peaks whose pixel centre lies in
 * the outer 5% of the side are counted as `borderPeaks`.
 *
 * @param slices Peaks and points.
 * @param size Side of the served slices.
 * @param fractions Distances as fractions of `size`.
 * @returns One entry per distance, plus the median peak distance (fraction of the side) and the empty maps.
 * @example
 * ```ts
 * scorePeaks([{ peak: [10, 10], points: [{ x: 12, y: 10, positive: true }] }], 100, [0.05]);
 * // { n: 1, emptyMaps: 0, borderPeaks: 0, medianDistance: 0.02, atDistance: [{ fraction: 0.05, px: 5, hits: 1, ... }] }
 * ```
 */
export function scorePeaks(
  slices: readonly PeakAndPoints[],
  size: number,
  fractions: readonly number[],
): Omit<SliceLocalisation, "slices"> {
  for (const f of fractions) {
    if (!(f > 0 && f <= 1)) {
      throw new RangeError(`Each distance must be a fraction of the side in (0, 1]. Received: ${f}`);
    }
  }
  const scored = slices.filter((s) => s.points.some((p) => p.positive));
  const nearestTo = (x: number, y: number, pts: readonly { x: number; y: number }[]) =>
    Math.min(...pts.map((p) => Math.hypot(p.x - x, p.y - y)));
  const distances: number[] = [];
  for (const s of scored) {
    if (s.peak != null) distances.push(nearestTo(s.peak[0], s.peak[1], s.points.filter((p) => p.positive)));
  }
  // Per slice, the distance from every pixel centre to its nearest herniated point: computed once.
  const fields = scored.map((s) => {
    const pos = s.points.filter((p) => p.positive);
    const field = new Float32Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) field[y * size + x] = nearestTo(x, y, pos);
    return field;
  });
  const n = scored.length;
  const atDistance = fractions.map((fraction): LocalisationAtDistance => {
    const px = fraction * size;
    let hits = 0, randomMap = 0, randomDisc = 0;
    for (const [k, s] of scored.entries()) {
      const pos = s.points.filter((p) => p.positive);
      if (s.peak != null && nearestTo(s.peak[0], s.peak[1], pos) <= px) hits++;
      randomMap += fields[k].reduce((a, d) => a + (d <= px ? 1 : 0), 0) / fields[k].length;
      randomDisc += s.points.filter((p) => nearestTo(p.x, p.y, pos) <= px).length / s.points.length;
    }
    return {
      fraction,
      px,
      hits,
      n,
      rate: n > 0 ? hits / n : null,
      ci: n > 0 ? wilsonInterval(hits, n) : null,
      randomMap: n > 0 ? randomMap / n : null,
      randomDisc: n > 0 ? randomDisc / n : null,
    };
  });
  const band = 0.05 * size;
  const onBorder = (v: number) => v < band - 0.5 || v > size - 0.5 - band;
  const borderPeaks = scored.filter((s) => s.peak != null && (onBorder(s.peak[0]) || onBorder(s.peak[1]))).length;
  const sorted = [...distances].sort((a, b) => a - b);
  const median = sorted.length === 0
    ? null
    : (sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.ceil((sorted.length - 1) / 2)]) / 2 / size;
  return { n, emptyMaps: scored.filter((s) => s.peak == null).length, borderPeaks, medianDistance: median, atDistance };
}

/** `annotations` for a `--data` path: a folder's `labels.json`, or the file. */
async function resolveAnnotations(path: string): Promise<string> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (e) {
    throw new Error(`Cannot read the data at ${path}: ${(e as Error).message}`);
  }
  if (!stat.isDirectory) return path;
  const file = `${path.replace(/\/+$/, "")}/labels.json`;
  if (!(await Deno.stat(file).then((s) => s.isFile, () => false))) {
    throw new Error(`${path} holds no labels.json (the Tianchi layout: labels.json and images/)`);
  }
  return file;
}

/** Accuracy of answering the training split's most frequent class, from a study's counts. */
function majorityBaseline(study: StudySummary): number | null {
  const counts = study.counts as Record<string, Record<string, number>> | undefined;
  if (counts == null) return null;
  const entries = Object.values(counts);
  const best = entries.reduce((a, c) => (c.train > a.train ? c : a), entries[0]);
  const test = entries.reduce((a, c) => a + (c.test ?? 0), 0);
  return test > 0 ? best.test / test : null;
}

const pct = (v: number | null | undefined, digits = 0) => (v == null ? "n/a" : `${(100 * v).toFixed(digits)}%`);
const ciText = (m: WithCi | null) => m == null ? "n/a" : `${pct(m.estimate, 1)} [${pct(m.low, 1)}, ${pct(m.high, 1)}]`;

/** The slice localisation as table cells: one row per group and distance. */
export function localisationCells(s: BenchRealSlices): { header: string[]; rows: string[][] } {
  return {
    header: ["slices", "n", "within", "Grad-CAM peak", "95% CI", "random map", "random disc"],
    rows: s.localisation.flatMap((g) =>
      g.atDistance.map((d) => [
        g.slices,
        String(d.n),
        `${pct(d.fraction)} of side (${d.px.toFixed(1)} px)`,
        `${d.hits}/${d.n} = ${pct(d.rate)}`,
        d.ci == null ? "n/a" : `[${pct(d.ci.low)}, ${pct(d.ci.high)}]`,
        pct(d.randomMap),
        pct(d.randomDisc),
      ])
    ),
  };
}

/** The comparison with the phantom as table cells. */
export function phantomCells(rows: readonly PhantomComparisonRow[]): { header: string[]; rows: string[][] } {
  return {
    header: ["model", "real accuracy %", "real F1 %", "phantom accuracy %", "phantom F1 %"],
    rows: rows.map((r) => [
      r.model,
      ciText(r.real.accuracy),
      ciText(r.real.f1),
      ciText(r.phantom?.accuracy ?? null),
      ciText(r.phantom?.f1 ?? null),
    ]),
  };
}

/** A run's family for matching against the phantom: hybrids match hybrids whatever their backbone. */
const family = (model: string) => (model.endsWith("-svm") ? "CNN-SVM hybrid" : model);

/** Reads the phantom demo's summary and lines its rows up with the real ones. */
async function phantomComparison(path: string, real: Comparison): Promise<BenchRealSummary["phantom"]> {
  const s = await readJson(path) as StudySummaryJson | undefined;
  if (s?.comparison?.rows == null) return { path, found: false, rows: [], localisation: null };
  const byFamily = new Map(s.comparison.rows.map((r) => [family(r.model), r]));
  const rows = real.rows.map((r): PhantomComparisonRow => {
    const p = byFamily.get(family(r.model));
    const label = p == null || p.model === r.model ? r.model : `${r.model} (phantom: ${p.model})`;
    return {
      model: label,
      real: { accuracy: r.accuracy, f1: r.f1 },
      phantom: p ? { accuracy: p.accuracy, f1: p.f1 } : null,
    };
  });
  const faith = s.faithfulness ?? {};
  const name = "cnn" in faith ? "cnn" : Object.keys(faith)[0];
  const f = name == null ? undefined : faith[name];
  const loc = f?.methods?.[0]?.localisation;
  return {
    path,
    found: true,
    rows,
    localisation: f == null ? null : {
      run: name!,
      tolerancePx: f.tolerancePx,
      size: f.size,
      rate: loc?.pointingTolerant ?? null,
      random: f.randomBaseline?.localisation?.pointingTolerant ?? null,
    },
  };
}

/**
 * Grad-CAM of the positive class on the held-out positive slices: peaks and
 * points. The model is loaded and disposed here.
 */
async function slicePeaks(
  dir: string,
  data: KeypointSliceData,
  classIndex: number,
  layerName: string,
): Promise<{ peaks: SlicePeak[]; featureMap: { width: number; height: number } }> {
  const split = JSON.parse(await Deno.readTextFile(`${dir}/split.json`)) as Record<string, string[]>;
  const index = new Map(data.items.map((it, i) => [it.id, i]));
  const model = await loadModel(`${dir}/model`);
  const size = data.size;
  const peaks: SlicePeak[] = [];
  let featureMap = { width: 0, height: 0 };
  try {
    for (const part of ["val", "test"] as const) {
      for (const id of split[part] ?? []) {
        const i = index.get(id);
        if (i == null) throw new Error(`${dir}/split.json names ${id}, which is not in the data any more`);
        if (data.items[i].label !== classIndex) continue;
        const gray = await data.gray(i);
        const x = tf.tidy(() => tf.tile(tf.tensor3d(gray, [size, size, 1]), [1, 1, 3]) as tf.Tensor3D);
        try {
          const cam = await gradCam(model, x, { layerName, classIndex });
          featureMap = { width: cam.camWidth, height: cam.camHeight };
          const empty = !cam.heatmap.some((v) => v > 0);
          const best = heatmapArgmax(cam.heatmap);
          const peak: [number, number] | null = empty ? null : [best % size, Math.floor(best / size)];
          const points = data.points(i);
          const herniated = points.filter((p) => p.positive);
          peaks.push({
            id,
            split: part,
            probability: cam.probabilities[classIndex],
            peak,
            nearest: peak == null ? null : Math.min(...herniated.map((p) => Math.hypot(p.x - peak[0], p.y - peak[1]))),
            herniated: herniated.length,
            discs: points.length,
          });
        } finally {
          x.dispose();
        }
      }
    }
  } finally {
    model.dispose();
  }
  return { peaks, featureMap };
}

/** A run's metrics as compareRuns reads them, for one run. */
async function testWithCi(dir: string): Promise<BenchRealSlices["test"]> {
  const c = await compareRuns([dir]);
  const r = c.rows[0];
  if (r == null) throw new Error(`${dir} has no test metrics: ${c.skipped[0]?.reason ?? "unknown"}`);
  return { n: r.n, accuracy: r.accuracy, macroF1: r.f1, auc: r.auc, majorityBaseline: null };
}

/**
 * Runs the real-data benchmark: crop CNNs, hybrid, ensembles, Grad-CAM
 * galleries, the whole-slice model and its localisation, the report and the
 * summary. Finished runs are kept with `resume`.
 *
 * @param options Data, models, sizes, epochs, stages; see {@link BenchRealOptions}.
 * @returns The summary, also written to `<out>/summary.json`.
 * @throws {Error} When the data is missing or a stage fails.
 * @example
 * ```ts
 * const s = await benchReal({ models: ["cnn", "mobilenet"], epochs: 1, out: "/tmp/bench-real" });
 * s.crops.comparison.rows[0].f1.estimate;
 * ```
 */
export async function benchReal(options: BenchRealOptions = {}): Promise<BenchRealSummary> {
  const D = BENCH_REAL_DEFAULTS;
  const log = options.log ?? ((line: string) => console.error(line));
  const seed = options.seed ?? D.seed;
  const out = options.out ?? D.out;
  const models = options.models ?? BENCH_REAL_DEFAULTS.models;
  const skip = new Set(options.skip ?? []);
  const tolerances = options.tolerances ?? D.tolerances;
  for (const f of tolerances) {
    if (!(f > 0 && f <= 1)) throw new RangeError(`Each tolerance must be in (0, 1]. Received: ${f}`);
  }
  const runsDir = `${out}/runs`;
  const { seconds, timed } = stageTimer();
  const tStart = performance.now();

  const annotations = await resolveAnnotations(options.data ?? D.data);
  const cropSpec: KeypointDataSpec = { kind: "keypoints", annotations, levels: "discs" };
  const settings: TrainSettings = {
    ...profileSettings("quick"),
    size: options.size ?? D.size,
    epochs: options.epochs ?? D.epochs,
  };
  const crops = await timed("crop data", () => loadStudyData(cropSpec, settings.size));
  const cropStudy = await timed("crop leakage checks", () => summarizeStudyData(crops, seed));
  log(`[bench:real] crops: ${cropStudy.description}`);
  for (const w of cropStudy.warnings ?? []) log(`[bench:real] warning: ${w}`);
  log(`[bench:real] ${crops.skipped.length} points skipped (Schmorl's nodes, unknown levels); see the runs' logs`);

  // 1. The crop CNNs.
  const trained = await trainModels(models, {
    runsDir,
    tag: "bench:real",
    profile: "quick",
    settingsFor: () => settings,
    data: cropSpec,
    seed,
    resume: options.resume,
    signal: options.signal,
    log,
    timed,
  });
  const cnnRuns = trained.runs;
  let interrupted = trained.interrupted;

  // 2. The hybrid, on the CNN with the best validation macro-F1; 3. the ensembles.
  const extraRuns: string[] = [];
  let hybridBackbone: BenchRealSummary["crops"]["hybridBackbone"] = null;
  if (!interrupted && cnnRuns.length > 0 && !skip.has("hybrid")) {
    const { run: best, valMacroF1: bestF1 } = await bestByValidationF1(cnnRuns);
    hybridBackbone = { run: best, valMacroF1: bestF1 };
    const dir = `${runsDir}/${best.split("/").pop()}-svm`;
    if (!(options.resume && await runCompleted(dir))) {
      log(`[bench:real] CNN-SVM hybrid on ${best} (best validation macro-F1 ${bestF1.toFixed(3)})`);
      await timed("hybrid", () => trainHybridRun({ backbone: { run: best }, pca: 0.95, ablation: false, log }, dir));
    }
    extraRuns.push(dir);
  }
  if (!interrupted && cnnRuns.length > 1 && !skip.has("ensemble")) {
    const { results } = await timed("ensembles", () => ensembleRuns(cnnRuns, { out: runsDir, name: "ensemble", log }));
    extraRuns.push(...results.map((r) => r.dir));
  }

  // 4. Grad-CAM galleries of the crop CNNs (no masks: no localisation score; one image for the cascade and deletion).
  const gradcam: BenchRealSummary["crops"]["gradcam"] = {};
  if (!interrupted && !skip.has("gradcam")) {
    for (const dir of cnnRuns) {
      const name = dir.split("/").pop()!;
      const r = await timed(`gradcam ${name}`, () =>
        explainRun(dir, {
          maxImages: options.gradcamImages ?? D.gradcamImages,
          sanityImages: 1,
          sanityMaxLayers: 4,
          deletionImages: 1,
          deletionSteps: 8,
          log,
        }));
      gradcam[name] = {
        featureMap: r.report.featureMap,
        galleries: r.files.filter((f) => /gallery_.*\.png$/.test(f)),
      };
    }
  }

  // 5. The whole-slice model and where its Grad-CAM points.
  let slices: BenchRealSlices | null = null;
  if (!interrupted && !skip.has("slices")) {
    slices = await timed("slices", () =>
      wholeSlices({
        annotations,
        dir: `${runsDir}/slices-${options.sliceModel ?? D.sliceModel}`,
        model: options.sliceModel ?? D.sliceModel,
        size: options.sliceSize ?? D.sliceSize,
        epochs: options.sliceEpochs ?? D.sliceEpochs,
        seed,
        tolerances,
        resume: options.resume ?? false,
        signal: options.signal,
        log,
      }));
    if (slices == null) interrupted = true;
  }

  // 6. Comparison, most-confused pairs, report, phantom, summary.
  const allRuns = [...cnnRuns, ...extraRuns];
  const comparison = await compareRuns(allRuns);
  const mostConfused: Record<string, ConfusedPair[]> = {};
  for (const dir of allRuns) {
    const test = (await readJson(`${dir}/metrics.json`))?.test as { mostConfused?: ConfusedPair[] } | undefined;
    mostConfused[dir.split("/").pop()!] = test?.mostConfused ?? [];
  }
  if (allRuns.length > 0) {
    await timed("report", async () => {
      await writeStudyReport(allRuns, `${out}/report.html`, {
        title: `Lumbar Lab on real MRI: ${models.length} CNNs on disc crops, hybrid, ensembles, whole-slice Grad-CAM`,
        study: { ...cropStudy, majorityBaseline: majorityBaseline(cropStudy) },
        extraSections: slices ? [await sliceSection(slices)] : [],
      });
    });
  }
  const phantom = await phantomComparison(options.phantomSummary ?? D.phantomSummary, comparison);
  seconds.total = Math.round((performance.now() - tStart) / 100) / 10;
  const summary: BenchRealSummary = {
    lumbarLab: LUMBAR_LAB_VERSION,
    createdAt: new Date().toISOString(),
    backend: currentBackend()?.name ?? "unknown",
    seed,
    data: {
      annotations,
      note: "Tianchi 2020 spine set (151 mid-sagittal T2 slices), no data licence: used to measure, not redistributed",
    },
    crops: {
      spec: cropSpec,
      settings,
      dataHash: crops.hash,
      study: cropStudy,
      majorityBaseline: majorityBaseline(cropStudy),
      comparison,
      hybridBackbone,
      mostConfused,
      gradcam,
    },
    slices,
    phantom,
    seconds,
    interrupted,
  };
  await writeFileAtomic(`${out}/summary.json`, JSON.stringify(summary, null, 2) + "\n");
  return summary;
}

interface WholeSliceOptions {
  annotations: string;
  dir: string;
  model: string;
  size: number;
  epochs: number;
  seed: number;
  tolerances: readonly number[];
  resume: boolean;
  signal?: AbortSignal;
  log: (line: string) => void;
}

/** Trains the whole-slice model and scores its Grad-CAM peaks; null when interrupted. */
async function wholeSlices(o: WholeSliceOptions): Promise<BenchRealSlices | null> {
  const spec: KeypointDataSpec = { kind: "keypoints", annotations: o.annotations, levels: "discs", mode: "slices" };
  const settings: TrainSettings = { ...profileSettings("quick"), size: o.size, epochs: o.epochs };
  const data = await loadStudyData(spec, o.size) as StudyData as KeypointSliceData;
  const study = await summarizeStudyData(data, o.seed);
  o.log(`[bench:real] slices: ${study.description}`);
  if (!(o.resume && await runCompleted(o.dir))) {
    const result = await trainRun({ model: o.model, profile: "quick", settings, data: spec, seed: o.seed }, o.dir, {
      resume: o.resume,
      signal: o.signal,
      log: o.log,
    });
    if (result.stopReason === "interrupted") return null;
  }
  const explainedClass = data.positive.join(" or ");
  const classIndex = data.classes.indexOf(explainedClass);
  const metrics = await readJson(`${o.dir}/metrics.json`);
  const layerName = String(metrics?.gradCamLayer ?? "");
  if (!layerName) throw new Error(`${o.dir}/metrics.json records no gradCamLayer`);
  const { peaks, featureMap } = await slicePeaks(o.dir, data, classIndex, layerName);
  const pointsOf = new Map(data.items.map((it, i) => [it.id, i]));
  const group = (name: SliceLocalisation["slices"], keep: (p: SlicePeak) => boolean): SliceLocalisation => ({
    slices: name,
    ...scorePeaks(
      peaks.filter(keep).map((p) => ({ peak: p.peak, points: data.points(pointsOf.get(p.id)!) })),
      o.size,
      o.tolerances,
    ),
  });
  const localisation = [group("test", (p) => p.split === "test"), group("val+test", () => true)];
  const tolerancePx = Math.max(...o.tolerances) * o.size;
  const faithfulness = (await explainRun(o.dir, { tolerancePx, sanityImages: 2, deletionImages: 4, log: o.log }))
    .report;
  const test = await testWithCi(o.dir);
  test.majorityBaseline = majorityBaseline(study);
  return {
    run: o.dir,
    model: o.model,
    size: o.size,
    settings,
    dataHash: data.hash,
    study,
    classes: data.classes,
    test,
    explainedClass,
    layerName,
    featureMap,
    localisation,
    perImage: peaks,
    faithfulness,
  };
}

/** The report's section on the whole-slice model. */
async function sliceSection(s: BenchRealSlices): Promise<ReportSection> {
  const { header, rows } = localisationCells(s);
  const images: { png: Uint8Array; caption?: string }[] = [];
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(`${s.run}/gradcam`)) {
      if (e.isFile && /^gallery_.*\.png$/.test(e.name)) names.push(e.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  for (const name of names.sort()) {
    images.push({ png: await Deno.readFile(`${s.run}/gradcam/${name}`), caption: `${s.model}: ${name}` });
  }
  const cm = await Deno.readFile(`${s.run}/confusion_matrix.png`).catch(() => undefined);
  if (cm) images.unshift({ png: cm, caption: "whole-slice model, test split" });
  return {
    title: "Whole slices: where the Grad-CAM of 'Herniated disk' points",
    text: `A ${s.model} trained on whole ${s.size}x${s.size} slices, ${s.classes.join(" vs ")}: test accuracy ` +
      `${ciText(s.test.accuracy)} on ${s.test.n} slices (always answering the majority class: ${
        pct(s.test.majorityBaseline, 1)
      }).\n\nOn each positive held-out slice, the peak of the Grad-CAM of "${s.explainedClass}" (layer ${s.layerName}, ` +
      `${s.featureMap.width}x${s.featureMap.height} upsampled) is a hit when it lies within the distance of a herniated ` +
      `disc's annotated point. Random map: a peak anywhere on the slice. Random disc: a peak on a random annotated ` +
      `disc of the slice (a map that finds discs but not which one is herniated).`,
    html: htmlTable(header, rows, { numeric: [1, 3, 5, 6], caption: esc("Grad-CAM peak near a herniated disc") }),
    images,
  };
}

/**
 * The terminal summary: the comparison table, each run's most-confused
 * pairs, the whole-slice localisation and the comparison with the phantom.
 *
 * @param s The summary {@link benchReal} returned.
 * @returns Lines joined by newlines.
 */
export function formatBenchReal(s: BenchRealSummary): string {
  const lines: string[] = [];
  const c = s.crops;
  const { header, rows } = comparisonCells(c.comparison);
  lines.push(
    `Disc crops, ${c.settings.size}x${c.settings.size}, ${c.study.images} crops of ${c.study.patients} patients; ` +
      `test split (always answering the majority class: ${pct(c.majorityBaseline, 1)} accuracy):`,
    formatTable(header, rows),
    "% with 95% bootstrap intervals; precision, recall, F1 and AUC are macro averages.",
  );
  for (const w of c.comparison.warnings) lines.push(`warning: ${w}`);
  if (c.hybridBackbone) {
    lines.push(
      `Hybrid backbone: ${c.hybridBackbone.run} (validation macro-F1 ${c.hybridBackbone.valMacroF1.toFixed(3)})`,
    );
  }
  lines.push("", "Most confused (true -> predicted, test split):");
  for (const [run, pairs] of Object.entries(c.mostConfused)) {
    const text = pairs.slice(0, 3).map((p) => `${p.trueLabel} -> ${p.predLabel} ${p.count} (${pct(p.rate)})`);
    lines.push(`  ${run}: ${text.length > 0 ? text.join("; ") : "none"}`);
  }
  const cams = Object.entries(c.gradcam);
  if (cams.length > 0) {
    lines.push(
      "",
      "Grad-CAM galleries of the crops (no lesion masks for crops: localisation n/a):",
      ...cams.map(([run, g]) =>
        `  ${run}: ${g.featureMap.width}x${g.featureMap.height} map, ${g.galleries.length} galleries in ${
          g.galleries[0]?.replace(/\/[^/]*$/, "") ?? "-"
        }`
      ),
    );
  }
  if (s.slices) {
    const sl = s.slices;
    const t = localisationCells(sl);
    lines.push(
      "",
      `Whole slices (${sl.model}, ${sl.size}x${sl.size}, ${sl.classes.join(" vs ")}): test accuracy ${
        ciText(sl.test.accuracy)
      } on ${sl.test.n} slices (majority class: ${pct(sl.test.majorityBaseline, 1)}), macro-F1 ${
        ciText(sl.test.macroF1)
      }`,
      `Grad-CAM of "${sl.explainedClass}" (${sl.layerName}, ${sl.featureMap.width}x${sl.featureMap.height}): ` +
        `peak within a distance of a herniated disc's point, on positive held-out slices:`,
      formatTable(t.header, t.rows),
      `Median peak distance to the nearest herniated point: ${
        sl.localisation.map((g) => `${g.slices} ${pct(g.medianDistance, 1)} of the side`).join(", ")
      }; peaks on the slice's outer 5% border: ${
        sl.localisation.map((g) => `${g.slices} ${g.borderPeaks} of ${g.n}`).join(", ")
      }; all-zero maps: ${sl.localisation.map((g) => `${g.slices} ${g.emptyMaps}`).join(", ")}.`,
    );
  }
  lines.push("");
  if (!s.phantom.found) {
    lines.push(`The phantom demo has not been run (no ${s.phantom.path}): run \`deno task demo\` to compare.`);
  } else {
    const p = phantomCells(s.phantom.rows);
    lines.push(
      `Real crops (3 classes) against the phantom demo (${s.phantom.path}, 4 classes, synthetic):`,
      formatTable(p.header, p.rows),
    );
    const loc = s.phantom.localisation;
    if (loc && s.slices) {
      const d = s.slices.localisation[0].atDistance.at(-1)!;
      lines.push(
        `Grad-CAM localisation: phantom ${loc.run} pointing within ${
          loc.tolerancePx.toFixed(1)
        } px of the lesion mask ` +
          `at ${loc.size} px: ${pct(loc.rate)} (random ${pct(loc.random)}); real slices within ${pct(d.fraction)} of ` +
          `the side of a herniated point: ${pct(d.rate)} (random map ${pct(d.randomMap)}, random disc ${
            pct(d.randomDisc)
          }).`,
      );
    }
  }
  return lines.join("\n");
}
