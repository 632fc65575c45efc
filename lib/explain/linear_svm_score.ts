/**
 * A linear SVM's decision function as a differentiable score.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The decision function `f(x) = w . x + b` of a linear SVM, as a score for
 * {@link gradCamThroughFeatures}. In scikit-learn terms: `w = coef_[0]`,
 * `b = intercept_[0]` of a binary `LinearSVC` or `SVC(kernel="linear")`;
 * a positive score favours `classes_[1]`. For one-vs-rest multiclass, pass
 * the row of the class to explain. Its gradient with respect to the
 * features is `w`, by autodiff.
 *
 * The returned function builds its constants on every call, under the
 * caller's tape or `tf.tidy`, so it holds no tensors and needs no disposing.
 *
 * @param w One weight per feature.
 * @param b The intercept.
 * @returns `(features: [1, D]) => scalar`; throws a RangeError when `D` differs from `w.length`.
 * @example
 * ```ts
 * const score = linearSvmScore([0.5, -1], 0.1);
 * tf.tidy(() => score(tf.tensor2d([[2, 1]])).dataSync()); // [0.1]
 * ```
 */
export function linearSvmScore(w: readonly number[], b: number): (features: tf.Tensor2D) => tf.Scalar {
  if (w.length === 0 || !w.every(Number.isFinite) || !Number.isFinite(b)) {
    throw new RangeError(`linearSvmScore needs finite weights and intercept. Received: ${w.length} weights, b=${b}`);
  }
  const weights = Float32Array.from(w);
  return (features) => {
    if (features.shape[1] !== weights.length) {
      throw new RangeError(`Expected ${weights.length} features. Received: shape=${JSON.stringify(features.shape)}`);
    }
    return tf.tidy(() => tf.add(tf.sum(tf.mul(features, tf.tensor2d(weights, [1, weights.length]))), b) as tf.Scalar);
  };
}
