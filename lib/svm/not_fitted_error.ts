/**
 * The error for reading a model's learned state before `fit`.
 *
 * @module
 */

/**
 * Raised when an estimator is used before `fit` (scikit-learn's `NotFittedError`).
 *
 * @example
 * ```ts
 * try {
 *   new SvmClassifier({ kernel: "rbf" }).predict([[0]]);
 * } catch (e) {
 *   e instanceof NotFittedError; // true
 * }
 * ```
 */
export class NotFittedError extends Error {
  /**
   * @param what What was asked for, e.g. "predict()".
   * @param estimator The estimator's class name (default "SvmClassifier").
   */
  constructor(what: string, estimator = "SvmClassifier") {
    super(`This ${estimator} is not fitted yet: call fit() before ${what}`);
    this.name = "NotFittedError";
  }
}
