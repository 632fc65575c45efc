/**
 * Multinomial logistic regression with an L2 penalty: the stacking
 * ensemble's default meta-learner.
 *
 * @module
 */
import { NotFittedError } from "../svm/not_fitted_error.ts";

/** Options of {@link LogisticRegression}. */
export interface LogisticRegressionOptions {
  /**
   * Inverse regularisation strength, as scikit-learn's `C`: the objective is
   * `C * sum_i CE_i + ||W||^2 / 2` (the intercepts are not penalised). Default 1.
   */
  C?: number;
  /** Most gradient steps. Default 10000. */
  maxIter?: number;
  /** Stop when every gradient component of the mean objective is below this. Default 1e-7. */
  tol?: number;
}

/** The saved form of a fitted {@link LogisticRegression}. */
export interface LogisticRegressionJson {
  format: "lumbar-lab/logistic-regression";
  version: 1;
  C: number;
  /** Classes (columns of `predictProba`): 0..numClasses-1. */
  numClasses: number;
  /** `numClasses` rows of `nFeatures` weights. */
  coef: number[][];
  /** One intercept per class. */
  intercept: number[];
  /** Gradient steps taken, and whether the tolerance was met. */
  iterations: number;
  converged: boolean;
}

function softmaxRow(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * Multinomial (softmax) logistic regression with an L2 penalty, fitted by
 * full-batch gradient descent with a backtracking (Armijo) line search from
 * zero weights: no randomness, so the same data always give the same model.
 * The objective is strictly convex in the weights, so the fit converges to
 * scikit-learn's `LogisticRegression(C=C)` solution (multinomial, lbfgs) up
 * to the tolerance.
 *
 * @example
 * ```ts
 * const lr = new LogisticRegression({ C: 10 }).fit([[0], [1], [3], [4]], [0, 0, 1, 1]);
 * lr.predict([[0.5], [3.5]]); // [0, 1]
 * ```
 */
export class LogisticRegression {
  readonly #C: number;
  readonly #maxIter: number;
  readonly #tol: number;
  #state: LogisticRegressionJson | undefined;

  /**
   * @param options C, iteration cap, tolerance.
   * @throws {RangeError} For C <= 0, a non-positive iteration cap or tolerance.
   */
  constructor(options: LogisticRegressionOptions = {}) {
    const { C = 1, maxIter = 10000, tol = 1e-7 } = options;
    if (!(C > 0 && Number.isFinite(C))) throw new RangeError(`C must be a positive number. Received: C=${C}`);
    if (!(Number.isInteger(maxIter) && maxIter > 0)) {
      throw new RangeError(`maxIter must be a positive integer. Received: maxIter=${maxIter}`);
    }
    if (!(tol > 0)) throw new RangeError(`tol must be positive. Received: tol=${tol}`);
    this.#C = C;
    this.#maxIter = maxIter;
    this.#tol = tol;
  }

  /**
   * Fits the weights.
   *
   * @param X Rows of finite numbers, all the same length.
   * @param y Class index per row (0..K-1); the class count is the largest label + 1, at least 2.
   * @param numClasses Classes, when some are absent from `y`. Default: the largest label + 1.
   * @returns This model.
   * @throws {RangeError} For empty, ragged or non-finite input, or labels that are not class indices.
   */
  fit(X: readonly (readonly number[])[], y: readonly number[], numClasses?: number): this {
    const n = X.length;
    if (n === 0 || n !== y.length) {
      throw new RangeError(
        `LogisticRegression.fit() needs as many labels as rows, at least one: ${n} rows, ${y.length} labels`,
      );
    }
    const d = X[0].length;
    X.forEach((r, i) => {
      if (r.length !== d || r.some((v) => !Number.isFinite(v))) {
        throw new RangeError(`LogisticRegression.fit(): row ${i} is ragged or not finite`);
      }
    });
    const K = numClasses ?? Math.max(...y) + 1;
    if (!(K >= 2) || y.some((v) => !Number.isInteger(v) || v < 0 || v >= K)) {
      throw new RangeError(`LogisticRegression.fit(): labels must be class indices 0..${K - 1} with K >= 2`);
    }
    // Objective scaled by 1/(C n): mean cross-entropy + ||W||^2 / (2 C n).
    const lambda = 1 / (this.#C * n);
    const W = Array.from({ length: K }, () => new Array<number>(d).fill(0));
    const b = new Array<number>(K).fill(0);
    const objective = (W: number[][], b: number[]) => {
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const z = W.map((w, k) => b[k] + dot(w, X[i]));
        const m = Math.max(...z);
        const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
        loss += lse - z[y[i]];
      }
      let reg = 0;
      for (const w of W) for (const v of w) reg += v * v;
      return loss / n + (lambda / 2) * reg;
    };
    const gradient = () => {
      const gW = Array.from({ length: K }, () => new Array<number>(d).fill(0));
      const gb = new Array<number>(K).fill(0);
      for (let i = 0; i < n; i++) {
        const p = softmaxRow(W.map((w, k) => b[k] + dot(w, X[i])));
        for (let k = 0; k < K; k++) {
          const r = (p[k] - (y[i] === k ? 1 : 0)) / n;
          gb[k] += r;
          for (let j = 0; j < d; j++) gW[k][j] += r * X[i][j];
        }
      }
      for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) gW[k][j] += lambda * W[k][j];
      return { gW, gb };
    };
    let step = 1;
    let f = objective(W, b);
    let iterations = 0, converged = false;
    for (; iterations < this.#maxIter; iterations++) {
      const { gW, gb } = gradient();
      let gmax = 0, g2 = 0;
      for (const row of [...gW, gb]) {
        for (const v of row) {
          gmax = Math.max(gmax, Math.abs(v));
          g2 += v * v;
        }
      }
      if (gmax < this.#tol) {
        converged = true;
        break;
      }
      // Backtracking from a step a little longer than the last accepted one.
      step = Math.min(step * 2, 1e6);
      for (;;) {
        const W2 = W.map((w, k) => w.map((v, j) => v - step * gW[k][j]));
        const b2 = b.map((v, k) => v - step * gb[k]);
        const f2 = objective(W2, b2);
        if (f2 <= f - 0.5 * step * g2 || step < 1e-12) {
          for (let k = 0; k < K; k++) {
            W[k] = W2[k];
            b[k] = b2[k];
          }
          f = f2;
          break;
        }
        step /= 2;
      }
    }
    this.#state = {
      format: "lumbar-lab/logistic-regression",
      version: 1,
      C: this.#C,
      numClasses: K,
      coef: W,
      intercept: b,
      iterations,
      converged,
    };
    return this;
  }

  /**
   * Class probabilities (softmax of the linear scores).
   *
   * @param X Rows with the training column count.
   * @returns One row per input, `numClasses` probabilities summing to 1.
   * @throws {NotFittedError} Before `fit`.
   * @throws {RangeError} When the column count differs.
   */
  predictProba(X: readonly (readonly number[])[]): number[][] {
    const s = this.#require("predictProba()");
    const d = s.coef[0].length;
    return X.map((row, i) => {
      if (row.length !== d) throw new RangeError(`Row ${i} has ${row.length} features; the model has ${d}`);
      return softmaxRow(s.coef.map((w, k) => s.intercept[k] + dot(w, row)));
    });
  }

  /**
   * The most probable class per row.
   *
   * @param X Rows.
   * @returns Class indices (ties to the lowest).
   */
  predict(X: readonly (readonly number[])[]): number[] {
    return this.predictProba(X).map((p) => p.indexOf(Math.max(...p)));
  }

  /** Weights, `numClasses` rows (a copy). @throws {NotFittedError} Before `fit`. */
  get coef(): number[][] {
    return this.#require("coef").coef.map((r) => [...r]);
  }

  /** Intercepts (a copy). @throws {NotFittedError} Before `fit`. */
  get intercept(): number[] {
    return [...this.#require("intercept").intercept];
  }

  /** Whether the last fit met the tolerance. @throws {NotFittedError} Before `fit`. */
  get converged(): boolean {
    return this.#require("converged").converged;
  }

  /**
   * The fitted model as plain JSON.
   *
   * @returns A JSON-safe object for {@link LogisticRegression.fromJSON}.
   * @throws {NotFittedError} Before `fit`.
   */
  toJSON(): LogisticRegressionJson {
    return structuredClone(this.#require("toJSON()"));
  }

  /**
   * Restores a model saved with `toJSON`.
   *
   * @param json The saved object.
   * @returns A fitted model.
   * @throws {TypeError} When `json` is not a saved logistic regression.
   */
  static fromJSON(json: LogisticRegressionJson): LogisticRegression {
    if (json?.format !== "lumbar-lab/logistic-regression" || json.version !== 1) {
      throw new TypeError(
        `Not a saved LogisticRegression (format lumbar-lab/logistic-regression, version 1). Received: format=${json?.format}`,
      );
    }
    const lr = new LogisticRegression({ C: json.C });
    lr.#state = structuredClone(json);
    return lr;
  }

  #require(what: string): LogisticRegressionJson {
    if (!this.#state) throw new NotFittedError(what, "LogisticRegression");
    return this.#state;
  }
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}
