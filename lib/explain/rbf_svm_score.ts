/**
 * An RBF-kernel SVM's decision function as a differentiable score.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The decision function of an SVM with the RBF kernel,
 * `f(x) = sum_i a_i exp(-gamma ||x - s_i||^2) + b`, as a score for
 * {@link gradCamThroughFeatures}. In scikit-learn terms, for a binary
 * `SVC(kernel="rbf")`: `supportVectors = support_vectors_`,
 * `dualCoefs = dual_coef_[0]` (already `y_i alpha_i`), `intercept = intercept_[0]`,
 * and `gamma` the number the model used (`_gamma`; resolve `"scale"` first);
 * a positive score favours `classes_[1]`. Its gradient,
 * `sum_i -2 gamma a_i K(x, s_i) (x - s_i)`, comes from autodiff.
 *
 * The returned function builds its constants on every call, under the
 * caller's tape or `tf.tidy`, so it holds no tensors and needs no disposing.
 *
 * @param supportVectors `n` vectors of `D` features.
 * @param dualCoefs `n` signed dual coefficients.
 * @param intercept `b`.
 * @param gamma Kernel width, > 0.
 * @returns `(features: [1, D]) => scalar`; throws a RangeError when `D` differs.
 * @throws {RangeError} For ragged or empty support vectors, a coefficient count that differs, or gamma <= 0.
 * @example
 * ```ts
 * const score = rbfSvmScore([[0, 0], [1, 1]], [1, -1], 0, 0.5);
 * tf.tidy(() => score(tf.tensor2d([[0, 0]])).dataSync()); // [1 - exp(-1)]
 * ```
 */
export function rbfSvmScore(
  supportVectors: readonly (readonly number[])[],
  dualCoefs: readonly number[],
  intercept: number,
  gamma: number,
): (features: tf.Tensor2D) => tf.Scalar {
  const n = supportVectors.length;
  const d = supportVectors[0]?.length ?? 0;
  if (n === 0 || d === 0 || supportVectors.some((s) => s.length !== d)) {
    throw new RangeError(`rbfSvmScore needs n >= 1 support vectors of the same length D >= 1. Received: n=${n}`);
  }
  if (dualCoefs.length !== n) {
    throw new RangeError(`Expected ${n} dual coefficients, one per support vector. Received: ${dualCoefs.length}`);
  }
  if (!(gamma > 0) || !Number.isFinite(intercept)) {
    throw new RangeError(
      `gamma must be > 0 and the intercept finite. Received: gamma=${gamma}, intercept=${intercept}`,
    );
  }
  const sv = new Float32Array(n * d);
  supportVectors.forEach((s, i) => sv.set(s, i * d));
  const coefs = Float32Array.from(dualCoefs);
  return (features) => {
    if (features.shape[1] !== d) {
      throw new RangeError(`Expected ${d} features. Received: shape=${JSON.stringify(features.shape)}`);
    }
    return tf.tidy(() => {
      const diff = tf.sub(tf.tensor2d(sv, [n, d]), features); // [n, D], broadcast over the support vectors
      const k = tf.exp(tf.mul(tf.sum(tf.square(diff), 1), -gamma)); // [n]
      return tf.add(tf.sum(tf.mul(k, tf.tensor1d(coefs))), intercept) as tf.Scalar;
    });
  };
}
