/**
 * Stacking: a meta-learner trained on the members' validation-split
 * probabilities, applied to their test-split probabilities.
 *
 * @module
 */
import { SvmClassifier, type SvmClassifierJson } from "../svm/mod.ts";
import { LogisticRegression, type LogisticRegressionJson } from "./logistic_regression.ts";

/** The members' probabilities on one split. */
export interface SplitProbabilities {
  /** Item ids, one per image. */
  ids: string[];
  /** True class per image. */
  labels: number[];
  /** `probs[m][i][c]`: member m, image i, class c. */
  probs: number[][][];
}

/** What a stacking meta-learner must do. */
export interface MetaLearner {
  /** Fits on rows of joined member probabilities. */
  fit(X: number[][], y: number[]): unknown;
  /** One row of `numClasses` probabilities per input row. */
  predictProba(X: number[][]): number[][];
  /** Plain JSON of the fitted learner, for the run folder. */
  toJSON(): unknown;
}

/** The built-in meta-learners. */
export type MetaLearnerName = "lr" | "svm";

/** Options of {@link stackEnsemble}. */
export interface StackingOptions {
  /** "lr" (default: multinomial logistic regression), "svm" (linear SVC with Platt probabilities), or your own. */
  meta?: MetaLearnerName | MetaLearner;
  /** Classes. Default: the width of the members' probability rows. */
  numClasses?: number;
  /** C of the built-in meta-learners. Default 1. */
  C?: number;
  /** Seed of the SVM's probability calibration. Default 42. */
  seed?: number;
}

/** What {@link stackEnsemble} returns. */
export interface StackingResult {
  /** Test probabilities, one row per test image. */
  probs: number[][];
  /** The fitted meta-learner. */
  meta: MetaLearner;
  /** Which learner ("lr", "svm" or "custom"). */
  metaName: MetaLearnerName | "custom";
  /** Ids of the images it was fitted on: the validation split's, never a test image. */
  trainedOn: string[];
}

/**
 * A stacking meta-learner was asked to train on test images.
 *
 * @example
 * ```ts
 * try {
 *   stackEnsemble(val, valAgain);
 * } catch (e) {
 *   e instanceof StackingLeakError; // true when the two splits share an id
 * }
 * ```
 */
export class StackingLeakError extends Error {
  /**
   * @param message The ids found in both splits.
   */
  constructor(message: string) {
    super(message);
    this.name = "StackingLeakError";
  }
}

/**
 * The meta-learner's input rows: each image's member probabilities, joined
 * member after member (`M * K` columns).
 *
 * @param probs `probs[m][i][c]`.
 * @returns One row per image.
 * @example
 * ```ts
 * stackingFeatures([[[0.9, 0.1]], [[0.3, 0.7]]]); // [[0.9, 0.1, 0.3, 0.7]]
 * ```
 */
export function stackingFeatures(probs: readonly (readonly (readonly number[])[])[]): number[][] {
  if (probs.length === 0) throw new RangeError("stackingFeatures() needs at least one member");
  const n = probs[0].length;
  if (probs.some((p) => p.length !== n)) throw new RangeError("stackingFeatures(): members differ in image count");
  return Array.from({ length: n }, (_, i) => probs.flatMap((p) => [...p[i]]));
}

/** A linear SVC with Platt probabilities, widened to every class. */
class SvmMeta implements MetaLearner {
  readonly #svm: SvmClassifier;
  readonly #numClasses: number;
  constructor(C: number, seed: number, numClasses: number) {
    this.#svm = new SvmClassifier({ kernel: "linear", C, probability: true, seed });
    this.#numClasses = numClasses;
  }
  fit(X: number[][], y: number[]): this {
    this.#svm.fit(X, y);
    return this;
  }
  predictProba(X: number[][]): number[][] {
    const classes = this.#svm.classes;
    return this.#svm.predictProba(X).map((row) => {
      const full = new Array<number>(this.#numClasses).fill(0);
      classes.forEach((c, j) => (full[c] = row[j]));
      return full;
    });
  }
  toJSON(): SvmClassifierJson {
    return this.#svm.toJSON();
  }
}

/** Logistic regression that keeps the class count. */
class LrMeta implements MetaLearner {
  readonly #lr: LogisticRegression;
  readonly #numClasses: number;
  constructor(C: number, numClasses: number) {
    this.#lr = new LogisticRegression({ C });
    this.#numClasses = numClasses;
  }
  fit(X: number[][], y: number[]): this {
    this.#lr.fit(X, y, this.#numClasses);
    return this;
  }
  predictProba(X: number[][]): number[][] {
    return this.#lr.predictProba(X);
  }
  toJSON(): LogisticRegressionJson {
    return this.#lr.toJSON();
  }
}

/**
 * Stacks the members: fits the meta-learner on the VALIDATION split's member
 * probabilities and labels, then predicts the test split from its member
 * probabilities. Test labels are never read, and an image id present in
 * both splits is an error, so the meta-learner cannot see a test image.
 *
 * @param val The members' validation probabilities and the true labels: the meta-learner's training set.
 * @param test The members' test probabilities (labels unused).
 * @param options Meta-learner, classes, C, seed.
 * @returns The test probabilities, the fitted meta-learner and the ids it was trained on.
 * @throws {StackingLeakError} When a test id is also a validation id.
 * @throws {RangeError} When the splits' member counts differ.
 * @example
 * ```ts
 * const { probs } = stackEnsemble(val, test, { meta: "lr" });
 * evaluateProbabilities(test.labels, probs, classes);
 * ```
 */
export function stackEnsemble(
  val: SplitProbabilities,
  test: SplitProbabilities,
  options: StackingOptions = {},
): StackingResult {
  if (val.probs.length !== test.probs.length || val.probs.length === 0) {
    throw new RangeError(
      `stackEnsemble(): ${val.probs.length} members on validation but ${test.probs.length} on test`,
    );
  }
  if (val.labels.length !== val.probs[0].length || val.ids.length !== val.labels.length) {
    throw new RangeError("stackEnsemble(): validation ids, labels and probabilities differ in length");
  }
  const testIds = new Set(test.ids);
  const shared = val.ids.filter((id) => testIds.has(id));
  if (shared.length > 0) {
    throw new StackingLeakError(
      `The stacking meta-learner would train on ${shared.length} test image(s) (${shared.slice(0, 3).join(", ")}): ` +
        "validation and test must not share images",
    );
  }
  const numClasses = options.numClasses ?? val.probs[0][0]?.length ?? 0;
  const C = options.C ?? 1;
  const meta = options.meta ?? "lr";
  const learner: MetaLearner = meta === "lr"
    ? new LrMeta(C, numClasses)
    : meta === "svm"
    ? new SvmMeta(C, options.seed ?? 42, numClasses)
    : meta;
  learner.fit(stackingFeatures(val.probs), [...val.labels]);
  return {
    probs: learner.predictProba(stackingFeatures(test.probs)),
    meta: learner,
    metaName: typeof meta === "string" ? meta : "custom",
    trainedOn: [...val.ids],
  };
}
