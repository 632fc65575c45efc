/**
 * Standardisation of feature columns, as scikit-learn's `StandardScaler`.
 *
 * @module
 */
import { NotFittedError } from "../svm/not_fitted_error.ts";

/** The saved form of a fitted {@link StandardScaler}, plain JSON. */
export interface StandardScalerJson {
  format: "lumbar-lab/standard-scaler";
  version: 1;
  /** Column means of the training rows. */
  mean: number[];
  /** Population variances (divided by n, not n - 1). */
  variance: number[];
  /** What each column is divided by: the population std, or 1 for a constant column. */
  scale: number[];
  /** Rows seen by `fit`. */
  nSamples: number;
}

/**
 * scikit-learn's test for a constant column (`_is_constant_feature`): a
 * variance within the rounding error of the mean's accumulation is zero.
 */
function isConstant(variance: number, mean: number, n: number): boolean {
  const eps = Number.EPSILON;
  return variance <= n * eps * variance + (n * mean * eps) ** 2;
}

/**
 * Removes each column's mean and divides by its population standard
 * deviation, with scikit-learn's `StandardScaler` semantics: the variance
 * divides by n (numpy's `var`, ddof 0), and a constant column (zero variance
 * up to rounding) keeps a scale of 1, so it maps to 0 instead of NaN.
 * Fit on the training rows only, then transform every split with them.
 *
 * @example
 * ```ts
 * const scaler = new StandardScaler().fit([[0, 5], [2, 5]]);
 * scaler.transform([[1, 5], [2, 5]]); // [[0, 0], [1, 0]]
 * scaler.scale; // [1, 1]: column 0 has std 1, column 1 is constant
 * ```
 */
export class StandardScaler {
  #state: StandardScalerJson | undefined;

  /**
   * Learns the column means and scales.
   *
   * @param X Training rows, all the same length, finite numbers; at least one row.
   * @returns This scaler.
   * @throws {RangeError} For an empty, ragged or non-finite matrix.
   */
  fit(X: readonly (readonly number[])[]): this {
    const d = checkRows(X, "fit()");
    const n = X.length;
    const mean = new Array<number>(d).fill(0);
    for (const row of X) for (let j = 0; j < d; j++) mean[j] += row[j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    const variance = new Array<number>(d).fill(0);
    for (const row of X) {
      for (let j = 0; j < d; j++) variance[j] += (row[j] - mean[j]) ** 2;
    }
    for (let j = 0; j < d; j++) variance[j] /= n;
    const scale = variance.map((v, j) => (isConstant(v, mean[j], n) ? 1 : Math.sqrt(v)));
    this.#state = { format: "lumbar-lab/standard-scaler", version: 1, mean, variance, scale, nSamples: n };
    return this;
  }

  /**
   * Standardises rows with the fitted means and scales.
   *
   * @param X Rows with as many columns as the training rows.
   * @returns New rows `(x - mean) / scale`.
   * @throws {NotFittedError} Before `fit`.
   * @throws {RangeError} When the column count differs.
   */
  transform(X: readonly (readonly number[])[]): number[][] {
    const s = this.#require("transform()");
    if (X.length === 0) return [];
    const d = checkRows(X, "transform()");
    if (d !== s.mean.length) {
      throw new RangeError(`X has ${d} features, but this StandardScaler was fitted with ${s.mean.length} features`);
    }
    return X.map((row) => row.map((v, j) => (v - s.mean[j]) / s.scale[j]));
  }

  /**
   * `fit(X)` then `transform(X)`.
   *
   * @param X Training rows.
   * @returns The standardised rows.
   */
  fitTransform(X: readonly (readonly number[])[]): number[][] {
    return this.fit(X).transform(X);
  }

  /** Column means (a copy). @throws {NotFittedError} Before `fit`. */
  get mean(): number[] {
    return [...this.#require("mean").mean];
  }

  /** Population variances (a copy). @throws {NotFittedError} Before `fit`. */
  get variance(): number[] {
    return [...this.#require("variance").variance];
  }

  /** Divisors per column (a copy): the std, or 1 for constant columns. @throws {NotFittedError} Before `fit`. */
  get scale(): number[] {
    return [...this.#require("scale").scale];
  }

  /** Number of columns. @throws {NotFittedError} Before `fit`. */
  get nFeatures(): number {
    return this.#require("nFeatures").mean.length;
  }

  /**
   * The fitted state as plain JSON.
   *
   * @returns A JSON-safe object for {@link StandardScaler.fromJSON}.
   * @throws {NotFittedError} Before `fit`.
   */
  toJSON(): StandardScalerJson {
    const s = this.#require("toJSON()");
    return { ...s, mean: [...s.mean], variance: [...s.variance], scale: [...s.scale] };
  }

  /**
   * Restores a scaler saved with `toJSON`.
   *
   * @param json The saved object.
   * @returns A fitted scaler that transforms exactly as the saved one.
   * @throws {TypeError} When `json` is not a saved scaler or its arrays differ in length.
   */
  static fromJSON(json: StandardScalerJson): StandardScaler {
    if (json?.format !== "lumbar-lab/standard-scaler" || json.version !== 1) {
      throw new TypeError(
        `Not a saved StandardScaler (format lumbar-lab/standard-scaler, version 1). Received: format=${json?.format}`,
      );
    }
    const d = json.mean.length;
    if (json.scale.length !== d || json.variance.length !== d) {
      throw new TypeError(`Saved StandardScaler is inconsistent: mean ${d}, scale ${json.scale.length} values`);
    }
    const scaler = new StandardScaler();
    scaler.#state = { ...json, mean: [...json.mean], variance: [...json.variance], scale: [...json.scale] };
    return scaler;
  }

  #require(what: string): StandardScalerJson {
    if (!this.#state) throw new NotFittedError(what, "StandardScaler");
    return this.#state;
  }
}

function checkRows(X: readonly (readonly number[])[], caller: string): number {
  if (X.length === 0) throw new RangeError(`StandardScaler.${caller} needs at least one row`);
  const d = X[0].length;
  if (d === 0) throw new RangeError(`StandardScaler.${caller}: rows must not be empty`);
  for (let i = 0; i < X.length; i++) {
    if (X[i].length !== d) {
      throw new RangeError(`StandardScaler.${caller}: ragged rows: row 0 has ${d} values, row ${i} has ${X[i].length}`);
    }
    for (let j = 0; j < d; j++) {
      if (!Number.isFinite(X[i][j])) {
        throw new RangeError(`StandardScaler.${caller}: X[${i}][${j}] is ${X[i][j]}, not a finite number`);
      }
    }
  }
  return d;
}
