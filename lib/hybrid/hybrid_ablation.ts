/**
 * The hybrid's ablation: which features, with and without PCA.
 *
 * @module
 */
import { formatTable } from "../cli.ts";
import { barChartWithCi, type Chart } from "../report/charts/mod.ts";
import { evaluateProbabilities, type Evaluation } from "../train/evaluate.ts";
import { HybridHead, type HybridHeadOptions } from "./hybrid_head.ts";

/** A feature set of the hybrid. */
export type HybridFeatureSet = "cnn" | "handcrafted" | "both";

/** Every feature set, in the ablation's order. */
export const HYBRID_FEATURE_SETS: readonly HybridFeatureSet[] = ["cnn", "handcrafted", "both"];

/** Feature rows of one split. */
export interface SplitFeatures {
  /** CNN features per image, or undefined when not computed. */
  cnn?: number[][];
  /** Handcrafted features per image. */
  handcrafted?: number[][];
  /** Class index per image. */
  labels: number[];
  /** Item ids, for the top-loss lists. */
  ids?: string[];
  /** Patient id per image: the training split's cross-validation then keeps each patient in one fold. */
  groups?: string[];
}

/** One variant's result. */
export interface AblationRow {
  /** e.g. `both + PCA(0.95)`. */
  name: string;
  features: HybridFeatureSet;
  /** The PCA request, or null for none. */
  pca: number | null;
  /** Columns before PCA. */
  nFeatures: number;
  /** Columns the SVM sees. */
  svmFeatures: number;
  C: number;
  gamma: number | "scale" | "auto";
  /** Mean cross-validated score on the training split (the grid's scoring). */
  cvScore: number;
  /** Test metrics. */
  accuracy: number;
  accuracyCi: [number, number];
  macroF1: number;
  macroF1Ci: [number, number];
  /** Macro one-vs-rest AUC on test (null when undefined for a class). */
  macroAuc: number | null;
  valAccuracy: number;
  valMacroF1: number;
  fitSeconds: number;
}

/** A fitted variant: its row, head and evaluations. */
export interface AblationVariant {
  row: AblationRow;
  head: HybridHead;
  test: Evaluation;
  val: Evaluation;
}

/** Options of {@link hybridAblation}. */
export interface HybridAblationOptions extends Omit<HybridHeadOptions, "pca" | "numClasses"> {
  /** PCA request of the "+ PCA" variants (count or fraction). Default 0.95. */
  pca?: number;
  /** PCA settings per feature set: null for none, else a request. Default `[null, pca]`. */
  pcaSettings?: readonly (number | null)[];
  /** Feature sets to compare. Default all three (those whose features are given). */
  featureSets?: readonly HybridFeatureSet[];
  /** Progress lines. Default none. */
  log?: (line: string) => void;
}

/**
 * The joined feature rows of a feature set.
 *
 * @param split Feature rows of one split.
 * @param set Which features.
 * @returns Rows (CNN columns first when both).
 * @throws {RangeError} When the features asked for were not computed.
 * @example
 * ```ts
 * const X = featureRows({ cnn: [[1, 2]], handcrafted: [[3]], labels: [0] }, "both"); // [[1, 2, 3]]
 * ```
 */
export function featureRows(split: SplitFeatures, set: HybridFeatureSet): number[][] {
  const need = set === "both" ? ["cnn", "handcrafted"] as const : [set] as const;
  for (const k of need) {
    if (!split[k]) throw new RangeError(`The ${k} features were not computed: cannot build the "${set}" rows`);
  }
  if (set === "cnn") return split.cnn!;
  if (set === "handcrafted") return split.handcrafted!;
  return split.cnn!.map((r, i) => [...r, ...split.handcrafted![i]]);
}

/**
 * A variant's display name.
 *
 * @param set The feature set.
 * @param pca The PCA request, or null for none.
 * @returns e.g. `CNN + handcrafted, PCA 0.95`.
 * @example
 * ```ts
 * variantName("cnn", null); // "CNN"
 * ```
 */
export function variantName(set: HybridFeatureSet, pca: number | null): string {
  const label = set === "cnn" ? "CNN" : set === "handcrafted" ? "handcrafted" : "CNN + handcrafted";
  return pca == null ? label : `${label}, PCA ${pca}`;
}

/**
 * Fits the hybrid head on each feature set (CNN alone, handcrafted alone,
 * both joined), each without and with PCA, on the training rows only (grid
 * search by stratified cross-validation there), and scores each on the test
 * split with `evaluateProbabilities` (bootstrap intervals, AUC) and on
 * validation.
 *
 * @param train Training features and labels: everything is fitted on these.
 * @param val Validation features (reported only).
 * @param test Test features (reported only).
 * @param classes Class names by index.
 * @param options The PCA request, grid, kernel, seed.
 * @returns One variant per feature set and PCA setting, in table order.
 * @example
 * ```ts
 * const variants = hybridAblation(train, val, test, data.classes, { pca: 0.95 });
 * console.log(formatAblationTable(variants.map((v) => v.row)));
 * ```
 */
export function hybridAblation(
  train: SplitFeatures,
  val: SplitFeatures,
  test: SplitFeatures,
  classes: readonly string[],
  options: HybridAblationOptions = {},
): AblationVariant[] {
  const { pca = 0.95, pcaSettings, featureSets, log, ...headOptions } = options;
  const sets = (featureSets ?? HYBRID_FEATURE_SETS).filter((s) =>
    s === "both" ? train.cnn && train.handcrafted : train[s]
  );
  const seed = headOptions.seed ?? 42;
  const out: AblationVariant[] = [];
  for (const set of sets) {
    for (const p of pcaSettings ?? [null, pca]) {
      const t0 = performance.now();
      const X = featureRows(train, set);
      const head = HybridHead.fit(X, train.labels, {
        ...headOptions,
        pca: p ?? undefined,
        numClasses: classes.length,
        groups: train.groups,
      });
      const fitSeconds = (performance.now() - t0) / 1000;
      const testEval = evaluateProbabilities(test.labels, head.predictProba(featureRows(test, set)), classes, {
        seed,
        ids: test.ids,
        patients: test.groups,
      });
      const valEval = evaluateProbabilities(val.labels, head.predictProba(featureRows(val, set)), classes, {
        seed,
        ids: val.ids,
        patients: val.groups,
      });
      const row: AblationRow = {
        name: variantName(set, p),
        features: set,
        pca: p,
        nFeatures: X[0].length,
        svmFeatures: head.svmFeatures,
        C: head.grid.bestParams.C,
        gamma: head.grid.bestParams.gamma,
        cvScore: head.grid.bestScore,
        accuracy: testEval.accuracy,
        accuracyCi: [testEval.ci.accuracy.low, testEval.ci.accuracy.high],
        macroF1: testEval.macroF1,
        macroF1Ci: [testEval.ci.macroF1.low, testEval.ci.macroF1.high],
        macroAuc: testEval.roc.macro,
        valAccuracy: valEval.accuracy,
        valMacroF1: valEval.macroF1,
        fitSeconds,
      };
      log?.(
        `[svm] ${row.name}: ${row.nFeatures} -> ${row.svmFeatures} features, C=${row.C}, ` +
          `test accuracy ${(100 * row.accuracy).toFixed(1)}% (${fitSeconds.toFixed(1)} s)`,
      );
      out.push({ row, head, test: testEval, val: valEval });
    }
  }
  return out;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const gammaText = (g: number | string) => (typeof g === "number" ? g.toPrecision(3) : g);

/**
 * The ablation as an aligned text table.
 *
 * @param rows Rows from {@link hybridAblation}.
 * @returns The table, one line per variant.
 * @example
 * ```ts
 * console.log(formatAblationTable(variants.map((v) => v.row)));
 * ```
 */
export function formatAblationTable(rows: readonly AblationRow[]): string {
  return formatTable(
    ["features", "dims", "SVM dims", "C", "gamma", "CV", "accuracy [95% CI]", "macro-F1 [95% CI]", "macro AUC"],
    rows.map((r) => [
      r.name,
      String(r.nFeatures),
      String(r.svmFeatures),
      String(r.C),
      gammaText(r.gamma),
      pct(r.cvScore),
      `${pct(r.accuracy)} [${pct(r.accuracyCi[0])}, ${pct(r.accuracyCi[1])}]`,
      `${pct(r.macroF1)} [${pct(r.macroF1Ci[0])}, ${pct(r.macroF1Ci[1])}]`,
      r.macroAuc == null ? "n/a" : r.macroAuc.toFixed(3),
    ]),
  );
}

/**
 * The ablation as CSV, one line per variant.
 *
 * @param rows Rows from {@link hybridAblation}.
 * @returns CSV text with a header line, ending in a newline.
 * @example
 * ```ts
 * await Deno.writeTextFile("ablation.csv", ablationCsv(rows));
 * ```
 */
export function ablationCsv(rows: readonly AblationRow[]): string {
  const head = [
    "variant",
    "features",
    "pca",
    "n_features",
    "svm_features",
    "C",
    "gamma",
    "cv_score",
    "accuracy",
    "accuracy_low",
    "accuracy_high",
    "macro_f1",
    "macro_f1_low",
    "macro_f1_high",
    "macro_auc",
    "val_accuracy",
    "val_macro_f1",
    "fit_seconds",
  ];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = rows.map((r) =>
    [
      q(r.name),
      r.features,
      r.pca ?? "",
      r.nFeatures,
      r.svmFeatures,
      r.C,
      r.gamma,
      r.cvScore,
      r.accuracy,
      r.accuracyCi[0],
      r.accuracyCi[1],
      r.macroF1,
      r.macroF1Ci[0],
      r.macroF1Ci[1],
      r.macroAuc ?? "",
      r.valAccuracy,
      r.valMacroF1,
      r.fitSeconds.toFixed(3),
    ].join(",")
  );
  return [head.join(","), ...lines].join("\n") + "\n";
}

/**
 * A bar chart of one test metric per variant with its bootstrap 95% interval.
 *
 * @param rows Rows from {@link hybridAblation}.
 * @param metric "accuracy" or "macroF1". Default "macroF1".
 * @returns The chart (Plotly figure and SVG).
 * @example
 * ```ts
 * await Deno.writeTextFile("ablation.svg", ablationChart(rows).svg);
 * ```
 */
export function ablationChart(rows: readonly AblationRow[], metric: "accuracy" | "macroF1" = "macroF1"): Chart {
  const label = metric === "accuracy" ? "accuracy" : "macro-F1";
  return barChartWithCi(
    rows.map((r) => {
      const [low, high] = metric === "accuracy" ? r.accuracyCi : r.macroF1Ci;
      const value = r[metric];
      return { name: r.name, value, low: Math.min(low, value), high: Math.max(high, value) };
    }),
    { title: `Hybrid ablation: test ${label}`, yTitle: `${label} (95% bootstrap CI)` },
  );
}
