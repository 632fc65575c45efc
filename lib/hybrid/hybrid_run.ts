/**
 * The CNN-SVM hybrid as a run: features from a trained run's backbone (or a
 * fresh or pretrained one), the hybrid fitted on the training split, the
 * ablation, and a run folder like every model's.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { currentBackend } from "../backend.ts";
import { writeFileAtomic } from "../cli.ts";
import type { DataSpec, StudyData } from "../data/study_data.ts";
import { loadStudyData } from "../data/study_data.ts";
import { extractHandcraftedFeatureMatrix, type HandcraftedFeaturesOptions } from "../features/mod.ts";
import { createModel } from "../models/mod.ts";
import { loadWeights } from "../models/weights.ts";
import { svgToPng } from "../report/charts/mod.ts";
import type { KernelType, SvmScoring } from "../svm/mod.ts";
import type { Evaluation } from "../train/evaluate.ts";
import { profileSettings } from "../train/profiles.ts";
import {
  LUMBAR_LAB_VERSION,
  type RunRecord,
  studySplit,
  writeRunMetrics,
  writeRunPlots,
  writeTopLosses,
} from "../train/run.ts";
import { loadModel } from "../train/save.ts";
import { cnnFeatures } from "./cnn_features.ts";
import { explainedVarianceChart } from "./explained_variance_chart.ts";
import {
  ablationChart,
  ablationCsv,
  type AblationRow,
  formatAblationTable,
  hybridAblation,
  type HybridFeatureSet,
  type SplitFeatures,
  variantName,
} from "./hybrid_ablation.ts";
import { type HybridBackboneSpec, HybridClassifier, type HybridFeatureInfo } from "./hybrid_classifier.ts";
import { HybridHead } from "./hybrid_head.ts";
import { pooledFeatureModel } from "./pooled_feature_model.ts";
import { loadRunData } from "./run_data.ts";

/** Where the hybrid's CNN features come from. */
export type HybridBackboneOption =
  | {
    /** A finished run folder (config.json, split.json, model/): its data, split and trained weights. */
    run: string;
  }
  | {
    /** An architecture of the registry, freshly initialised (or with `pretrained` weights). */
    model: string;
    /** tfjs layers-format weights, loaded by layer name. */
    pretrained?: string;
    /** The study's data. */
    data: DataSpec;
    /** Image side. */
    size: number;
  };

/** Options of {@link trainHybridRun}. */
export interface HybridRunOptions {
  backbone: HybridBackboneOption;
  /** Features of the saved hybrid. Default "both". */
  features?: HybridFeatureSet;
  /** PCA of the saved hybrid: a count or a variance fraction; none when absent. */
  pca?: number;
  /** SVM kernel. Default "rbf". */
  kernel?: KernelType;
  /** Grid of C. Default [0.1, 1, 10, 100]. */
  Cs?: number[];
  /** Multiples of `gamma="scale"` in the grid. Default [0.1, 1, 10]. */
  gammaFactors?: number[];
  /** Cross-validation folds on the training split. Default 5. */
  folds?: number;
  scoring?: SvmScoring;
  /** Handcrafted feature options (see `extractHandcraftedFeatures`). Default: every group with its defaults. */
  handcrafted?: HandcraftedFeaturesOptions;
  /** Run the ablation (6 variants) too. Default true. */
  ablation?: boolean;
  /** PCA of the ablation's "+ PCA" variants. Default `pca`, else 0.95. */
  ablationPca?: number;
  /** The study's seed for a fresh backbone (split, initialisation). Default 42; a run's own seed otherwise. */
  seed?: number;
  /** Decoded-image cache. Default `outputs/cache`. */
  cacheDir?: string;
  /** Log lines. Default stderr. */
  log?: (line: string) => void;
}

/** What {@link trainHybridRun} returns. */
export interface HybridRunResult {
  dir: string;
  record: HybridRunRecord;
  test: Evaluation;
  val: Evaluation;
  /** The ablation's rows, when run. */
  ablation?: AblationRow[];
  /** Seconds per stage. */
  timings: { cnnFeatures: number; handcraftedFeatures: number; fit: number; ablation: number; total: number };
}

/** The hybrid's `config.json`: a run record plus what the hybrid is made of. */
export interface HybridRunRecord extends RunRecord {
  hybrid: {
    backbone: HybridBackboneSpec;
    features: HybridFeatureSet;
    pca: number | null;
    pcaComponents: number | null;
    kernel: KernelType;
    bestParams: { C: number; gamma: number | "scale" | "auto" };
    cvScore: number;
    folds: number;
    /** The folds kept each patient whole. */
    grouped: boolean;
    scoring: SvmScoring;
    nFeatures: number;
  };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

async function writeChart(dir: string, name: string, chart: { svg: string }): Promise<void> {
  await writeFileAtomic(`${dir}/${name}.svg`, chart.svg);
  await writeFileAtomic(`${dir}/${name}.png`, await svgToPng(chart.svg));
}

/**
 * Builds, evaluates and saves a CNN-SVM hybrid, writing a run folder:
 * `config.json` (a run record with a `hybrid` section), `split.json` (the
 * backbone run's split, unchanged), `hybrid.json` + `backbone/` (the
 * pipeline, for {@link HybridClassifier.load}), `metrics.json|csv`, the
 * confusion matrix and ROC plots, `top_losses.png`, `pca_variance.svg|png`
 * (with PCA), and `ablation.json|csv` with `ablation_macro_f1.svg|png` and
 * `ablation_accuracy.svg|png`.
 *
 * Everything is fitted on the training split (the grid search by stratified
 * cross-validation inside it); validation and test are only scored.
 *
 * @param options The backbone, features, PCA, SVM grid.
 * @param dir The hybrid's run folder.
 * @returns The record, evaluations, ablation rows and timings.
 * @throws {RunDataError} When the backbone run's data or split no longer match.
 * @example
 * ```ts
 * const r = await trainHybridRun({ backbone: { run: "outputs/runs/cnn-quick" }, pca: 0.95 }, "outputs/runs/cnn-quick-svm");
 * r.test.accuracy;
 * ```
 */
export async function trainHybridRun(options: HybridRunOptions, dir: string): Promise<HybridRunResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const tStart = performance.now();
  const set = options.features ?? "both";
  const kernel = options.kernel ?? "rbf";
  await Deno.mkdir(dir, { recursive: true });

  // 1. Data, split and backbone: a run's, or fresh.
  let data: StudyData, split: { train: number[]; val: number[]; test: number[] };
  let base: RunRecord, source: tf.LayersModel, backbone: HybridBackboneSpec;
  let splitJson: unknown;
  if ("run" in options.backbone) {
    const run = await loadRunData(options.backbone.run, { cacheDir: options.cacheDir });
    ({ data, split } = run);
    base = run.record;
    splitJson = run.splitIds;
    source = await loadModel(`${options.backbone.run}/model`);
    backbone = { kind: "run", run: options.backbone.run, model: run.record.model };
  } else {
    const b = options.backbone;
    const seed = options.seed ?? 42;
    data = await loadStudyData(b.data, b.size, { cacheDir: options.cacheDir ?? "outputs/cache" });
    const s = studySplit(data, seed);
    split = s.split;
    for (const w of s.warnings) log(`[svm] warning: ${w}`);
    const built = createModel(b.model, {
      inputShape: [b.size, b.size, 3],
      numClasses: data.classes.length,
      includeTop: false,
      pooling: "avg",
      seed,
    });
    source = built.model;
    if (b.pretrained) await loadWeights(source, b.pretrained);
    const settings = { ...profileSettings("quick"), size: b.size, epochs: 0 };
    if (b.data.kind === "phantom") settings.perClass = b.data.perClass;
    base = {
      model: b.model,
      profile: "none",
      settings,
      data: b.data,
      seed,
      pretrained: b.pretrained,
      createdAt: new Date().toISOString(),
      versions: { lumbarLab: "", tfjs: "", deno: "", v8: "" },
      backend: { name: "" },
      dataHash: data.hash,
      classes: data.classes,
      parameters: source.countParams(),
      split: {
        by: "patient",
        counts: { train: split.train.length, val: split.val.length, test: split.test.length },
        warnings: s.warnings,
      },
    };
    const ids = (idx: number[]) => idx.map((i) => data.items[i].id);
    splitJson = { seed, by: "patient", train: ids(split.train), val: ids(split.val), test: ids(split.test) };
    backbone = { kind: "fresh", model: b.model, seed, pretrained: b.pretrained };
  }
  try {
    const seed = base.seed;
    const features = pooledFeatureModel(source);
    log(
      `[svm] CNN features: ${features.dim} from ${base.model}'s ${features.layerName}` +
        (features.addedPooling ? ` (global average of ${features.spatialLayer})` : "") +
        `; train ${split.train.length}, val ${split.val.length}, test ${split.test.length} at ${data.size}x${data.size}`,
    );

    // 2. Features of every split, computed once for the hybrid and the ablation.
    const needCnn = set !== "handcrafted" || options.ablation !== false;
    const needHand = set !== "cnn" || options.ablation !== false;
    let t0 = performance.now();
    const cnnOf = async (idx: number[]) => needCnn ? await cnnFeatures(features.model, data.source(idx)) : undefined;
    const cnn = { train: await cnnOf(split.train), val: await cnnOf(split.val), test: await cnnOf(split.test) };
    const cnnSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const handOptions = options.handcrafted ?? {};
    let handNames: string[] = [];
    const handOf = async (idx: number[]) => {
      if (!needHand) return undefined;
      const images = [];
      for (const i of idx) images.push({ image: await data.gray(i), size: data.size });
      const m = extractHandcraftedFeatureMatrix(images, handOptions);
      handNames = m.names;
      return m.features;
    };
    const hand = { train: await handOf(split.train), val: await handOf(split.val), test: await handOf(split.test) };
    const handSeconds = (performance.now() - t0) / 1000;
    log(
      `[svm] features in ${(cnnSeconds + handSeconds).toFixed(1)} s (CNN ${cnnSeconds.toFixed(1)} s, ` +
        `handcrafted ${handNames.length || "none"} in ${handSeconds.toFixed(1)} s)`,
    );
    const splitFeatures = (name: "train" | "val" | "test", idx: number[]): SplitFeatures => ({
      cnn: cnn[name],
      handcrafted: hand[name],
      labels: idx.map((i) => data.items[i].label),
      ids: idx.map((i) => data.items[i].id),
      groups: idx.every((i) => data.items[i].patientId != null) ? idx.map((i) => data.items[i].patientId!) : undefined,
    });
    const train = splitFeatures("train", split.train);
    const val = splitFeatures("val", split.val);
    const test = splitFeatures("test", split.test);

    // 3. The ablation, whose matching variant is the hybrid itself; else the hybrid alone.
    const headOptions = {
      kernel,
      Cs: options.Cs,
      gammaFactors: options.gammaFactors,
      folds: options.folds,
      scoring: options.scoring,
      seed,
    };
    const ablationPca = options.ablationPca ?? options.pca ?? 0.95;
    const fitOne = () => {
      const [one] = hybridAblation(train, val, test, data.classes, {
        ...headOptions,
        pcaSettings: [options.pca ?? null],
        featureSets: [set],
        log,
      });
      return { head: one.head, testEval: one.test, valEval: one.val };
    };
    let rows: AblationRow[] | undefined;
    let head: HybridHead, testEval: Evaluation, valEval: Evaluation;
    t0 = performance.now();
    let ablationSeconds = 0, fitSeconds: number;
    if (options.ablation !== false) {
      const variants = hybridAblation(train, val, test, data.classes, { ...headOptions, pca: ablationPca, log });
      ablationSeconds = (performance.now() - t0) / 1000;
      rows = variants.map((v) => v.row);
      const mine = variants.find((v) => v.row.features === set && v.row.pca === (options.pca ?? null));
      if (mine) {
        ({ head, test: testEval, val: valEval } = mine);
        fitSeconds = mine.row.fitSeconds;
      } else {
        t0 = performance.now();
        ({ head, testEval, valEval } = fitOne());
        fitSeconds = (performance.now() - t0) / 1000;
      }
    } else {
      ({ head, testEval, valEval } = fitOne());
      fitSeconds = (performance.now() - t0) / 1000;
    }

    // 4. The hybrid, saved; its run folder.
    const info: HybridFeatureInfo = {
      cnn: set === "handcrafted" ? null : {
        backbone,
        layerName: features.layerName,
        dim: features.dim,
        addedPooling: features.addedPooling,
        spatialLayer: features.spatialLayer,
      },
      handcrafted: set === "cnn" ? null : { options: handOptions, names: handNames },
    };
    const hybrid = new HybridClassifier({
      featureModel: features.model,
      features: info,
      head,
      size: data.size,
      classes: data.classes,
    });
    await hybrid.save(dir);
    const backend = currentBackend();
    const nFeatures = head.scaler.nFeatures;
    const record: HybridRunRecord = {
      ...base,
      model: `${base.model}-svm`,
      createdAt: new Date().toISOString(),
      versions: { lumbarLab: LUMBAR_LAB_VERSION, tfjs: tf.version.tfjs, deno: Deno.version.deno, v8: Deno.version.v8 },
      backend: { name: backend?.name ?? tf.getBackend(), reason: backend?.reason },
      parameters: (set === "handcrafted" ? 0 : features.model.countParams()) +
        head.svm.supportVectors.length * head.svmFeatures,
      hybrid: {
        backbone,
        features: set,
        pca: options.pca ?? null,
        pcaComponents: head.pca?.nComponents ?? null,
        kernel,
        bestParams: head.grid.bestParams,
        cvScore: head.grid.bestScore,
        folds: head.grid.folds,
        grouped: head.grid.grouped,
        scoring: head.grid.scoring,
        nFeatures,
      },
    };
    await writeJson(`${dir}/config.json`, record);
    await writeJson(`${dir}/split.json`, splitJson);
    const timings = {
      cnnFeatures: cnnSeconds,
      handcraftedFeatures: handSeconds,
      fit: fitSeconds,
      ablation: ablationSeconds,
      total: (performance.now() - tStart) / 1000,
    };
    await writeRunMetrics(dir, record.model, testEval, valEval, {
      hybrid: { name: variantName(set, options.pca ?? null), ...record.hybrid },
      trainSeconds: cnnSeconds + handSeconds + fitSeconds,
      timings,
    });
    await writeRunPlots(dir, [], testEval);
    await writeTopLosses(dir, data, testEval, (k) => split.test[k]);
    if (head.pca) {
      await writeChart(
        dir,
        "pca_variance",
        explainedVarianceChart(head.pca, { title: `PCA explained variance (${variantName(set, options.pca!)})` }),
      );
    }
    if (rows) {
      await writeJson(`${dir}/ablation.json`, { test: test.labels.length, pca: ablationPca, kernel, rows });
      await writeFileAtomic(`${dir}/ablation.csv`, ablationCsv(rows));
      await writeChart(dir, "ablation_macro_f1", ablationChart(rows, "macroF1"));
      await writeChart(dir, "ablation_accuracy", ablationChart(rows, "accuracy"));
      log(`\nAblation (test split, ${test.labels.length} images):\n${formatAblationTable(rows)}`);
    }
    await writeJson(`${dir}/status.json`, {
      state: "completed",
      epoch: 0,
      updatedAt: new Date().toISOString(),
    });
    timings.total = (performance.now() - tStart) / 1000;
    return { dir, record, test: testEval, val: valEval, ablation: rows, timings };
  } finally {
    source.dispose(); // the hybrid's feature model shares its layers: dispose one of the two
  }
}
