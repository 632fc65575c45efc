/**
 * The numeric half of the hybrid: standardise, optionally reduce by PCA,
 * then an SVM chosen by grid search.
 *
 * @module
 */
import { accuracy, macroF1 } from "../metrics/mod.ts";
import { gammaScale } from "../svm/gamma_scale.ts";
import {
  type Fold,
  type GridSearchSvmEntry,
  type KernelType,
  stratifiedKFold,
  SvmClassifier,
  type SvmClassifierJson,
  type SvmScoring,
} from "../svm/mod.ts";
import { PcaReducer, type PcaReducerJson } from "./pca_reducer.ts";
import { StandardScaler, type StandardScalerJson } from "./standard_scaler.ts";
import { stratifiedGroupKFold } from "./stratified_group_k_fold.ts";

/** Options of {@link HybridHead.fit}. */
export interface HybridHeadOptions {
  /** Number of classes (columns of `predictProba`). Default: the largest label + 1. */
  numClasses?: number;
  /** PCA after standardising: a component count (>= 1) or a variance fraction in (0, 1). Default none. */
  pca?: number;
  /** SVM kernel. Default "rbf". */
  kernel?: KernelType;
  /** Values of C tried. Default [0.1, 1, 10, 100]; [0.01, 0.1, 1, 10] for the linear kernel (slow to converge at large C). */
  Cs?: number[];
  /**
   * Multiples of scikit-learn's `gamma="scale"` (1 / (features x variance),
   * computed on the standardised, reduced training rows) tried. Default [0.1, 1, 10].
   * Ignored by the linear kernel.
   */
  gammaFactors?: number[];
  /** Cross-validation folds (capped at the smallest class's count, or the number of groups; at least 2). Default 5. */
  folds?: number;
  /**
   * Group (patient) id per row: the folds then keep each group whole
   * ({@link stratifiedGroupKFold}), so the score is not inflated by slices of
   * one patient on both sides. Default: plain stratified folds.
   */
  groups?: readonly string[];
  /** Seed of the folds and of the SVM's probability calibration. Default 42. */
  seed?: number;
  /** What the grid search maximises. Default "accuracy". */
  scoring?: SvmScoring;
  /** SVM class weights. Default none. */
  classWeight?: "balanced";
}

/** The grid search's outcome, kept in `hybrid.json`. */
export interface HybridGridSummary {
  kernel: KernelType;
  folds: number;
  /** Whether the folds kept each patient whole. */
  grouped: boolean;
  scoring: SvmScoring;
  bestParams: { C: number; gamma: number | "scale" | "auto" };
  bestScore: number;
  results: GridSearchSvmEntry[];
}

/** The saved form of a fitted {@link HybridHead}, plain JSON. */
export interface HybridHeadJson {
  format: "lumbar-lab/hybrid-head";
  version: 1;
  numClasses: number;
  scaler: StandardScalerJson;
  pca: PcaReducerJson | null;
  svm: SvmClassifierJson;
  grid: HybridGridSummary;
}

/**
 * Standardisation ({@link StandardScaler}), optional PCA ({@link PcaReducer})
 * and an SVM ({@link SvmClassifier}, Platt probabilities) whose C and gamma
 * are chosen by stratified k-fold cross-validation on the training rows
 * only (grouped by patient when `groups` is given), then refitted on all of
 * them. Scaler and PCA are fitted once on all training rows before the
 * folds, as in a study that standardises first. Every step is fitted on the rows given to `fit`, so pass the training
 * split and keep validation and test for scoring.
 *
 * @example
 * ```ts
 * const head = HybridHead.fit(trainRows, trainLabels, { pca: 0.95, numClasses: 4 });
 * head.predictProba(testRows); // one row of 4 probabilities per image
 * const same = HybridHead.fromJSON(JSON.parse(JSON.stringify(head.toJSON())));
 * ```
 */
export class HybridHead {
  readonly scaler: StandardScaler;
  readonly pca: PcaReducer | undefined;
  readonly svm: SvmClassifier;
  readonly grid: HybridGridSummary;
  readonly numClasses: number;

  /**
   * Wraps fitted parts; use {@link HybridHead.fit} or {@link HybridHead.fromJSON}.
   *
   * @param parts A fitted scaler, optional PCA, a fitted probability SVM, the grid summary and the class count.
   */
  constructor(parts: {
    scaler: StandardScaler;
    pca?: PcaReducer;
    svm: SvmClassifier;
    grid: HybridGridSummary;
    numClasses: number;
  }) {
    this.scaler = parts.scaler;
    this.pca = parts.pca;
    this.svm = parts.svm;
    this.grid = parts.grid;
    this.numClasses = parts.numClasses;
  }

  /**
   * Fits scaler, PCA and SVM on training rows; C and gamma by grid search.
   *
   * @param X Training feature rows.
   * @param y Class index per row; every class present needs at least 2 rows.
   * @param options PCA, kernel, grid, folds, seed, scoring.
   * @returns The fitted head.
   * @throws {RangeError} For mismatched lengths, a class with one row, or a bad PCA request.
   */
  static fit(X: readonly (readonly number[])[], y: readonly number[], options: HybridHeadOptions = {}): HybridHead {
    if (X.length !== y.length) throw new RangeError(`X has ${X.length} rows but y has ${y.length} labels`);
    const seed = options.seed ?? 42;
    const kernel = options.kernel ?? "rbf";
    const scoring = options.scoring ?? "accuracy";
    const numClasses = options.numClasses ?? Math.max(...y) + 1;
    const scaler = new StandardScaler();
    let Z = scaler.fitTransform(X);
    let pca: PcaReducer | undefined;
    if (options.pca != null) {
      pca = new PcaReducer(options.pca);
      Z = pca.fitTransform(Z);
    }
    const counts = new Map<number, number>();
    for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
    if ([...counts.values()].some((n) => n < 2)) {
      throw new RangeError(`Every class needs at least 2 training rows. Counts: ${JSON.stringify([...counts])}`);
    }
    const grouped = options.groups != null && new Set(options.groups).size >= 2;
    let folds: Fold[];
    if (grouped) {
      if (options.groups!.length !== y.length) {
        throw new RangeError(`groups has ${options.groups!.length} entries but y has ${y.length}`);
      }
      const k = Math.max(2, Math.min(options.folds ?? 5, new Set(options.groups).size));
      folds = stratifiedGroupKFold(y, options.groups!, k, seed)
        .filter((f) => f.test.length > 0 && new Set(f.train.map((i) => y[i])).size >= 2);
      if (folds.length < 2) throw new RangeError("Too few patients for grouped cross-validation");
    } else {
      folds = stratifiedKFold(y, Math.max(2, Math.min(options.folds ?? 5, ...counts.values())), seed);
    }
    const g = gammaScale(Z);
    const gammas = kernel === "linear" ? ["scale" as const] : (options.gammaFactors ?? [0.1, 1, 10]).map((f) => f * g);
    const Cs = options.Cs ?? (kernel === "linear" ? [0.01, 0.1, 1, 10] : [0.1, 1, 10, 100]);
    if (Cs.length === 0 || gammas.length === 0) throw new RangeError("The grid needs at least one C and one gamma");
    const score = (t: number[], p: number[]) => (scoring === "accuracy" ? accuracy(t, p) : macroF1(t, p));
    const results: GridSearchSvmEntry[] = [];
    for (const C of Cs) {
      for (const gamma of gammas) {
        const foldScores = folds.map(({ train, test }) => {
          const clf = new SvmClassifier({ kernel, C, gamma, seed, classWeight: options.classWeight })
            .fit(train.map((i) => Z[i]), train.map((i) => y[i]));
          const s = score(test.map((i) => y[i]), clf.predict(test.map((i) => Z[i])));
          clf.dispose();
          return s;
        });
        const meanScore = foldScores.reduce((a, b) => a + b, 0) / foldScores.length;
        const stdScore = Math.sqrt(foldScores.reduce((a, v) => a + (v - meanScore) ** 2, 0) / foldScores.length);
        results.push({ C, gamma, meanScore, stdScore, foldScores });
      }
    }
    // Highest mean score; the first in grid order on ties (scikit-learn's rank order).
    const best = results.reduce((a, r) => (r.meanScore > a.meanScore ? r : a));
    const svm = new SvmClassifier({
      kernel,
      C: best.C,
      gamma: best.gamma,
      probability: true,
      seed,
      classWeight: options.classWeight,
    }).fit(Z, y);
    return new HybridHead({
      scaler,
      pca,
      svm,
      numClasses,
      grid: {
        kernel,
        folds: folds.length,
        grouped,
        scoring,
        bestParams: { C: best.C, gamma: best.gamma },
        bestScore: best.meanScore,
        results,
      },
    });
  }

  /**
   * Standardises and (when fitted with PCA) projects rows: the SVM's input.
   *
   * @param X Raw feature rows.
   * @returns Transformed rows.
   */
  transform(X: readonly (readonly number[])[]): number[][] {
    const Z = this.scaler.transform(X);
    return this.pca ? this.pca.transform(Z) : Z;
  }

  /**
   * Class probabilities, one column per class index 0..numClasses-1 (a class
   * absent from training gets 0).
   *
   * @param X Raw feature rows.
   * @returns One row per input row; each sums to 1.
   */
  predictProba(X: readonly (readonly number[])[]): number[][] {
    if (X.length === 0) return [];
    const p = this.svm.predictProba(this.transform(X));
    const classes = this.svm.classes;
    return p.map((row) => {
      const full = new Array<number>(this.numClasses).fill(0);
      classes.forEach((c, j) => (full[c] = row[j]));
      return full;
    });
  }

  /**
   * The SVM's predicted class per row (libsvm's one-vs-one vote, which can
   * differ from the argmax of `predictProba` near a boundary).
   *
   * @param X Raw feature rows.
   * @returns Class indices.
   */
  predict(X: readonly (readonly number[])[]): number[] {
    return X.length === 0 ? [] : this.svm.predict(this.transform(X));
  }

  /** Features the SVM sees (after PCA). */
  get svmFeatures(): number {
    return this.pca ? this.pca.nComponents : this.scaler.nFeatures;
  }

  /**
   * The fitted head as plain JSON.
   *
   * @returns A JSON-safe object for {@link HybridHead.fromJSON}.
   */
  toJSON(): HybridHeadJson {
    return {
      format: "lumbar-lab/hybrid-head",
      version: 1,
      numClasses: this.numClasses,
      scaler: this.scaler.toJSON(),
      pca: this.pca ? this.pca.toJSON() : null,
      svm: this.svm.toJSON(),
      grid: structuredClone(this.grid),
    };
  }

  /**
   * Restores a head saved with `toJSON`.
   *
   * @param json The saved object.
   * @returns A head that predicts exactly as the saved one.
   * @throws {TypeError} When `json` or one of its parts is not what `toJSON` writes.
   */
  static fromJSON(json: HybridHeadJson): HybridHead {
    if (json?.format !== "lumbar-lab/hybrid-head" || json.version !== 1) {
      throw new TypeError(
        `Not a saved HybridHead (format lumbar-lab/hybrid-head, version 1). Received: format=${json?.format}`,
      );
    }
    return new HybridHead({
      scaler: StandardScaler.fromJSON(json.scaler),
      pca: json.pca ? PcaReducer.fromJSON(json.pca) : undefined,
      svm: SvmClassifier.fromJSON(json.svm),
      grid: structuredClone(json.grid),
      numClasses: json.numClasses,
    });
  }
}
