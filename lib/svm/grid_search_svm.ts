/**
 * Grid search over C and gamma with stratified k-fold cross-validation,
 * refitting the best combination on all the data (sklearn's `GridSearchCV`
 * with `refit=True`, for SVC).
 *
 * @module
 */

import type { KernelType } from "./kernel.ts";
import { stratifiedKFold } from "./stratified_k_fold.ts";
import { SvmClassifier, type SvmClassifierOptions } from "./svm_classifier.ts";

/** The scores {@link gridSearchSvm} can rank by. */
export type SvmScoring = "accuracy" | "macro_f1";

/** Options of {@link gridSearchSvm}. */
export interface GridSearchSvmOptions {
  /** Values of C to try (default [0.1, 1, 10, 100]). */
  Cs?: number[];
  /** Values of gamma to try (default ["scale"]); ignored in effect by the linear kernel. */
  gammas?: (number | "scale" | "auto")[];
  /** Number of stratified folds (default 5). */
  folds?: number;
  /** Seed of the fold shuffles and of each classifier (default 0). */
  seed?: number;
  /** Kernel (default "rbf"). */
  kernel?: KernelType;
  /** What to maximise (default "accuracy"); "macro_f1" is the unweighted mean of per-class F1. */
  scoring?: SvmScoring;
  /** Other classifier settings used for every fit (classWeight, degree, coef0, tol, probability...). */
  baseOptions?: Omit<SvmClassifierOptions, "C" | "gamma" | "kernel">;
}

/** One grid point's cross-validated score. */
export interface GridSearchSvmEntry {
  C: number;
  gamma: number | "scale" | "auto";
  /** Mean of the fold scores. */
  meanScore: number;
  /** Population standard deviation of the fold scores. */
  stdScore: number;
  foldScores: number[];
}

/** What {@link gridSearchSvm} returns. */
export interface GridSearchSvmResult {
  /** The best combination: highest mean score, the first in grid order on ties. */
  bestParams: { C: number; gamma: number | "scale" | "auto" };
  bestScore: number;
  /** Every combination, in grid order (C outer, gamma inner). */
  results: GridSearchSvmEntry[];
  /** A classifier with the best parameters, fitted on all of X and y. */
  bestEstimator: SvmClassifier;
}

/**
 * Cross-validates every (C, gamma) pair and refits the best on all the data.
 *
 * @param X Training rows.
 * @param y Class labels; every class needs at least two samples.
 * @param options Grid, folds, seed, kernel and scoring.
 * @returns The best parameters, every combination's scores, and the refitted model.
 * @example
 * ```ts
 * const { bestParams, bestEstimator } = gridSearchSvm(X, y, { Cs: [0.1, 1, 10], gammas: [0.01, 0.1, "scale"] });
 * bestEstimator.predict(Xtest);
 * ```
 */
export function gridSearchSvm(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: GridSearchSvmOptions = {},
): GridSearchSvmResult {
  const Cs = options.Cs ?? [0.1, 1, 10, 100];
  const gammas = options.gammas ?? ["scale"];
  const k = options.folds ?? 5;
  const seed = options.seed ?? 0;
  const kernel = options.kernel ?? "rbf";
  const scoring = options.scoring ?? "accuracy";
  if (Cs.length === 0 || gammas.length === 0) throw new RangeError("Cs and gammas must each hold at least one value");
  if (scoring !== "accuracy" && scoring !== "macro_f1") {
    throw new RangeError(`Invalid scoring. Valid scorings are: accuracy, macro_f1. Received: scoring=${scoring}`);
  }
  if (X.length !== y.length) {
    throw new RangeError(`X and y have different lengths: X has ${X.length} rows, y has ${y.length} labels`);
  }
  const counts = new Map<number, number>();
  for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [label, n] of counts) {
    if (n < 2) throw new RangeError(`Class ${label} has ${n} sample; grid search needs at least 2 per class`);
  }
  const folds = stratifiedKFold(y, k, seed);
  const make = (C: number, gamma: number | "scale" | "auto") =>
    new SvmClassifier({ seed, ...options.baseOptions, kernel, C, gamma });
  const score = scoring === "accuracy" ? accuracy : macroF1;

  const results: GridSearchSvmEntry[] = [];
  for (const C of Cs) {
    for (const gamma of gammas) {
      const foldScores = folds.map(({ train, test }) => {
        const clf = make(C, gamma).fit(train.map((i) => X[i]), train.map((i) => y[i]));
        return score(test.map((i) => y[i]), clf.predict(test.map((i) => X[i])));
      });
      const meanScore = foldScores.reduce((a, b) => a + b, 0) / foldScores.length;
      const stdScore = Math.sqrt(foldScores.reduce((a, s) => a + (s - meanScore) ** 2, 0) / foldScores.length);
      results.push({ C, gamma, meanScore, stdScore, foldScores });
    }
  }
  let best = results[0];
  for (const r of results) if (r.meanScore > best.meanScore) best = r;
  return {
    bestParams: { C: best.C, gamma: best.gamma },
    bestScore: best.meanScore,
    results,
    bestEstimator: make(best.C, best.gamma).fit(X, y),
  };
}

function accuracy(yTrue: readonly number[], yPred: readonly number[]): number {
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** sklearn's f1_score(average="macro") over the labels in y_true ∪ y_pred, 0 where undefined. */
function macroF1(yTrue: readonly number[], yPred: readonly number[]): number {
  const labels = [...new Set([...yTrue, ...yPred])];
  let sum = 0;
  for (const label of labels) {
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < yTrue.length; i++) {
      const t = yTrue[i] === label, p = yPred[i] === label;
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / labels.length;
}
