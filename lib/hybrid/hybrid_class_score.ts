/**
 * The CNN-SVM hybrid's decision as a differentiable function of the
 * backbone's pooled CNN features, for Grad-CAM through the SVM.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { linearSvmScore } from "../explain/linear_svm_score.ts";
import type { HybridClassifier } from "./hybrid_classifier.ts";

/** The parts of a hybrid the score is built from: its fitted head and its feature description. */
export type HybridScoreSource = Pick<HybridClassifier, "head" | "features">;

/** Options of {@link hybridClassScore}. */
export interface HybridClassScoreOptions {
  /** The class to score: an index into the hybrid's classes, one the SVM was trained on. */
  classIndex: number;
  /**
   * The image's raw handcrafted features (the columns of
   * `HybridClassifier.featureRows` after the CNN ones). Required when the
   * hybrid joins CNN and handcrafted features; they enter as constants.
   */
  handcrafted?: readonly number[];
}

/** Options of {@link hybridPairMargins}. */
export interface HybridPairMarginsOptions {
  /**
   * Raw handcrafted features, one row per feature row given to the returned
   * function (or one row for all). Required when the hybrid joins CNN and
   * handcrafted features; they enter as constants.
   */
  handcrafted?: readonly (readonly number[])[];
}

/** The affine map from the CNN columns to the SVM's input, with every constant folded in (float64). */
interface Projection {
  /** CNN feature count. */
  dim: number;
  /** SVM input count. */
  m: number;
  /** Without PCA: `1 / scale` of the CNN columns; the SVM's input is `[x * s + offset, hand]`. */
  diag?: Float64Array;
  /** With PCA: `A` (`dim x m`, row-major); the SVM's input is `x A + offset`. */
  matrix?: Float64Array;
  /** Per handcrafted row: the constant added (length `dim` with `diag`, `m` with `matrix`). */
  offsets: Float64Array[];
  /** Without PCA: the standardised handcrafted columns, per row. */
  hand: Float64Array[];
}

/** The SVM's one-vs-one structure, from its saved form. */
interface OvoModel {
  kernel: "linear" | "poly" | "rbf" | "sigmoid";
  gamma: number;
  degree: number;
  coef0: number;
  classes: number[];
  /** Support vectors, row-major, `nSV x m`. */
  sv: Float64Array;
  nSV: number;
  /** Coefficients of every support vector in every pair's decision value, row-major `nSV x P`. */
  coef: Float64Array;
  /** libsvm's rho per pair. */
  rho: number[];
  /** The pairs (i < j, in the SVM's class order), in libsvm's order. */
  pairs: [number, number][];
}

function ovoModel(source: HybridScoreSource): OvoModel {
  const json = source.head.svm.toJSON();
  const k = json.classes.length;
  const nSV = json.supportVectors.length;
  const m = json.nFeatures;
  const start = [0];
  for (let i = 1; i < k; i++) start.push(start[i - 1] + json.nSupport[i - 1]);
  const pairs: [number, number][] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pairs.push([i, j]);
  const P = pairs.length;
  const coef = new Float64Array(nSV * P);
  pairs.forEach(([i, j], p) => {
    // libsvm's svm_predict_values: class i's vectors weigh with sv_coef[j - 1], class j's with sv_coef[i].
    for (let q = 0; q < json.nSupport[i]; q++) coef[(start[i] + q) * P + p] = json.svCoef[j - 1][start[i] + q];
    for (let q = 0; q < json.nSupport[j]; q++) coef[(start[j] + q) * P + p] = json.svCoef[i][start[j] + q];
  });
  const sv = new Float64Array(nSV * m);
  json.supportVectors.forEach((v, r) => sv.set(v, r * m));
  return {
    kernel: json.params.kernel,
    gamma: json.gammaUsed,
    degree: json.params.degree,
    coef0: json.params.coef0,
    classes: json.classes,
    sv,
    nSV,
    coef,
    rho: json.rho,
    pairs,
  };
}

function projection(source: HybridScoreSource, handRows: readonly (readonly number[])[] | undefined): Projection {
  const { head, features } = source;
  if (!features.cnn) {
    throw new RangeError("The hybrid uses handcrafted features only: it has no CNN features to differentiate");
  }
  const dim = features.cnn.dim;
  const mean = head.scaler.mean, scale = head.scaler.scale;
  const nHand = mean.length - dim;
  if (nHand < 0) {
    throw new RangeError(`The hybrid's scaler has ${mean.length} columns, fewer than its ${dim} CNN features`);
  }
  let rows: (readonly number[])[] = [[]];
  if (nHand > 0) {
    if (!handRows || handRows.length === 0) {
      throw new RangeError(
        `The hybrid joins ${nHand} handcrafted features to the CNN ones: pass the image's handcrafted row`,
      );
    }
    rows = [...handRows];
  }
  rows.forEach((r, i) => {
    if (r.length !== nHand || !r.every(Number.isFinite)) {
      throw new RangeError(
        `Handcrafted row ${i} must hold ${nHand} finite values. Received: ${r.length} values`,
      );
    }
  });
  // Standardised handcrafted columns, per row.
  const hand = rows.map((r) => Float64Array.from(r, (v, j) => (v - mean[dim + j]) / scale[dim + j]));
  const cnnOffset = Float64Array.from({ length: dim }, (_, j) => -mean[j] / scale[j]);
  if (!head.pca) {
    return {
      dim,
      m: mean.length,
      diag: Float64Array.from({ length: dim }, (_, j) => 1 / scale[j]),
      offsets: rows.map(() => cnnOffset),
      hand,
    };
  }
  const model = head.pca.toJSON().model;
  if (model.scale) {
    throw new RangeError("A PCA that scales its columns is not supported (the hybrid standardises first)");
  }
  const U = model.U, m = head.pca.nComponents;
  const pm = model.center ? model.means : new Array<number>(mean.length).fill(0);
  // p = ((x - mean) / scale - pm) U = x_cnn A + offset, A = diag(1 / scale_cnn) U_cnn.
  const A = new Float64Array(dim * m);
  for (let j = 0; j < dim; j++) for (let c = 0; c < m; c++) A[j * m + c] = U[j][c] / scale[j];
  const offsets = hand.map((h) => {
    const o = new Float64Array(m);
    for (let j = 0; j < mean.length; j++) {
      const z = j < dim ? cnnOffset[j] : h[j - dim];
      const centred = z - pm[j];
      for (let c = 0; c < m; c++) o[c] += centred * U[j][c];
    }
    return o;
  });
  return { dim, m, matrix: A, offsets, hand };
}

/** The SVM's input `[n, m]` from CNN features `[n, dim]`, under the caller's tidy. */
function project(proj: Projection, x: tf.Tensor2D): tf.Tensor2D {
  const n = x.shape[0];
  const perRow = proj.offsets.length > 1;
  if (perRow && proj.offsets.length !== n) {
    throw new RangeError(
      `Expected ${n} handcrafted rows, one per feature row, or one. Received: ${proj.offsets.length}`,
    );
  }
  const rows = (values: Float64Array[], width: number): tf.Tensor2D => {
    const flat = new Float32Array(values.length * width);
    values.forEach((v, i) => flat.set(v, i * width));
    return tf.tensor2d(flat, [values.length, width]);
  };
  if (proj.matrix) {
    const A = tf.tensor2d(Float32Array.from(proj.matrix), [proj.dim, proj.m]);
    return tf.add(tf.matMul(x, A), rows(proj.offsets, proj.m));
  }
  const z = tf.add(tf.mul(x, tf.tensor2d(Float32Array.from(proj.diag!), [1, proj.dim])), rows(proj.offsets, proj.dim));
  const nHand = proj.m - proj.dim;
  if (nHand === 0) return z as tf.Tensor2D;
  const h = rows(proj.hand, nHand);
  return tf.concat([z as tf.Tensor2D, perRow ? h : tf.tile(h, [n, 1])], 1);
}

/** The kernel matrix `[n, nSV]` between the SVM inputs `p` `[n, m]` and the support vectors. */
function kernelMatrix(svm: OvoModel, p: tf.Tensor2D, m: number): tf.Tensor2D {
  const sv = tf.tensor2d(Float32Array.from(svm.sv), [svm.nSV, m]);
  switch (svm.kernel) {
    case "linear":
      return tf.matMul(p, sv, false, true);
    case "rbf": {
      // exp(-gamma ||p - s||^2), through the difference as libsvm predicts.
      const diff = tf.sub(tf.expandDims(p, 1), tf.expandDims(sv, 0)); // [n, nSV, m]
      return tf.exp(tf.mul(tf.sum(tf.square(diff), 2), -svm.gamma)) as tf.Tensor2D;
    }
    case "poly": {
      const base = tf.add(tf.mul(tf.matMul(p, sv, false, true), svm.gamma), svm.coef0);
      let out: tf.Tensor = tf.onesLike(base);
      for (let d = 0; d < svm.degree; d++) out = tf.mul(out, base);
      return out as tf.Tensor2D;
    }
    case "sigmoid":
      return tf.tanh(tf.add(tf.mul(tf.matMul(p, sv, false, true), svm.gamma), svm.coef0)) as tf.Tensor2D;
  }
}

function checkFeatures(x: tf.Tensor2D, dim: number, what: string): void {
  if (x.rank !== 2 || x.shape[1] !== dim) {
    throw new RangeError(`${what} expects ${dim} CNN features per row. Received: shape=${JSON.stringify(x.shape)}`);
  }
}

function checkOneRow(x: tf.Tensor2D, dim: number): void {
  checkFeatures(x, dim, "hybridClassScore()");
  if (x.shape[0] !== 1) {
    throw new RangeError(`hybridClassScore() scores one image. Received: shape=${JSON.stringify(x.shape)}`);
  }
}

/**
 * The hybrid's one-vs-one decision values as a tf function of the pooled
 * CNN features: standardise, (PCA), kernel against the support vectors,
 * then for each pair (i, j), i < j in the SVM's class order,
 * `sum_s coef_s K(x, s) - rho`, positive for class i (libsvm's convention).
 * With more than two classes this is `svm.decisionFunction(X, { shape: "ovo" })`;
 * with two, its negative (scikit-learn's binary decision value is positive
 * for `classes[1]`). Computed in float32, from constants folded in float64.
 *
 * The returned function builds its constants on every call, inside its own
 * `tf.tidy`, so it holds no tensors; the caller disposes the `[n, P]` tensor
 * it returns.
 *
 * @param source A hybrid with CNN features (a loaded {@link HybridClassifier}, or its `head` and `features`).
 * @param options The handcrafted rows, when the hybrid joins both kinds of features.
 * @returns `(features: [n, dim]) => [n, P]`, P = k(k-1)/2 for the SVM's k classes.
 * @throws {RangeError} For a handcrafted-only hybrid, or missing or mis-sized handcrafted rows.
 * @example
 * ```ts
 * const margins = hybridPairMargins(hybrid, { handcrafted: [handRow] });
 * const m = tf.tidy(() => margins(tf.tensor2d([cnnRow]))); // [[d01, d02, ...]]
 * m.dispose();
 * ```
 */
export function hybridPairMargins(
  source: HybridScoreSource,
  options: HybridPairMarginsOptions = {},
): (features: tf.Tensor2D) => tf.Tensor2D {
  const proj = projection(source, options.handcrafted);
  const svm = ovoModel(source);
  const P = svm.pairs.length;
  const coef = Float32Array.from(svm.coef);
  const rho = Float32Array.from(svm.rho);
  return (features) => {
    checkFeatures(features, proj.dim, "hybridPairMargins()");
    return tf.tidy(() => {
      const K = kernelMatrix(svm, project(proj, features), proj.m);
      return tf.sub(tf.matMul(K, tf.tensor2d(coef, [svm.nSV, P])), tf.tensor2d(rho, [1, P])) as tf.Tensor2D;
    });
  };
}

/**
 * The hybrid's score for one class as a differentiable function of the
 * backbone's pooled CNN features: the score Grad-CAM differentiates to
 * explain the CNN-SVM hybrid through its backbone.
 *
 * The pipeline is the saved one: standardise (the scaler's mean and scale),
 * optionally project by PCA (subtract its means, multiply by the kept
 * columns of U), evaluate the kernel against the support vectors (linear
 * `x.s`, RBF `exp(-gamma ||x - s||^2)`, poly `(gamma x.s + coef0)^degree`,
 * sigmoid `tanh(gamma x.s + coef0)`), form the one-vs-one pair margins
 * ({@link hybridPairMargins}), and sum those involving the class, each
 * oriented toward it:
 *
 * `S_c(x) = sum_{j != c} f_cj(x)`, with `f_cj` the margin of the pair
 * (c, j), positive when it votes for c.
 *
 * Why this score: the SVM's prediction is a vote over the pairs, which is
 * piecewise constant (no useful gradient), and scikit-learn's one-vs-rest
 * `decision_function` adds confidences squashed by `x / (3(|x| + 1))` to the
 * votes, which is still discontinuous. `S_c` is smooth (as smooth as the
 * kernel), increasing in each pairwise margin of the class, and for two
 * classes it is exactly the binary decision function: for `classes[1]`
 * scikit-learn's `decision_function`, for `classes[0]` its negative. It is
 * the sum of the pairwise confidences that `_ovr_decision_function` squashes,
 * before squashing. Platt probabilities are not used: they are monotone in
 * each margin but flatten near 0 and 1 (vanishing gradients), as the softmax
 * does, which is why Grad-CAM uses the logit.
 *
 * The linear kernel is folded into one dot product in float64 (`w . x + b`
 * on the raw CNN features, through {@link linearSvmScore}); other kernels run
 * the pipeline in float32. Handcrafted columns, when the hybrid uses both
 * kinds of features, enter as constants computed once per image: the
 * gradient, and so the map, then explains only the CNN part of the decision.
 *
 * The returned function builds its constants on every call, inside its own
 * `tf.tidy`, so it holds no tensors and needs no disposing; the scalar it
 * returns is the caller's (under `gradCamThroughFeatures`, the tape's).
 *
 * @param source A hybrid with CNN features (a loaded {@link HybridClassifier}, or its `head` and `features`).
 * @param options The class, and the image's handcrafted row when the hybrid joins both.
 * @returns `(features: [1, dim]) => scalar`, for `gradCamThroughFeatures`.
 * @throws {RangeError} For a handcrafted-only hybrid, a class the SVM did not see, or missing handcrafted values.
 * @example
 * ```ts
 * const hybrid = await HybridClassifier.load("outputs/runs/cnn-quick-svm");
 * const score = hybridClassScore(hybrid, { classIndex: 2 });
 * const cam = await gradCamThroughFeatures(hybrid.featureModel!, image, score, { layerName: "block4_relu" });
 * ```
 */
export function hybridClassScore(
  source: HybridScoreSource,
  options: HybridClassScoreOptions,
): (features: tf.Tensor2D) => tf.Scalar {
  const c = options.classIndex;
  const svm = ovoModel(source);
  const own = svm.classes.indexOf(c);
  if (!Number.isInteger(c) || own < 0) {
    throw new RangeError(
      `classIndex must be a class the SVM was trained on (${svm.classes.join(", ")}); ` +
        `others always get probability 0. Received: classIndex=${c}`,
    );
  }
  const proj = projection(source, options.handcrafted ? [options.handcrafted] : undefined);
  const P = svm.pairs.length;
  // Orientation of each pair toward the class, and the class's coefficient per support vector.
  const o = svm.pairs.map(([i, j]) => (i === own ? 1 : j === own ? -1 : 0));
  const a = new Float64Array(svm.nSV);
  for (let s = 0; s < svm.nSV; s++) for (let p = 0; p < P; p++) a[s] += svm.coef[s * P + p] * o[p];
  const bias = -svm.rho.reduce((sum, r, p) => sum + r * o[p], 0);

  if (svm.kernel === "linear") {
    // S = p . v + bias, v = SV^T a; p = x A + offset (PCA) or [x * d + offset, hand] (none).
    const m = proj.m;
    const v = new Float64Array(m);
    for (let s = 0; s < svm.nSV; s++) for (let t = 0; t < m; t++) v[t] += svm.sv[s * m + t] * a[s];
    const w = new Array<number>(proj.dim).fill(0);
    let b = bias;
    const off = proj.offsets[0];
    if (proj.matrix) {
      for (let j = 0; j < proj.dim; j++) for (let t = 0; t < m; t++) w[j] += proj.matrix[j * m + t] * v[t];
      for (let t = 0; t < m; t++) b += off[t] * v[t];
    } else {
      for (let j = 0; j < proj.dim; j++) {
        w[j] = proj.diag![j] * v[j];
        b += off[j] * v[j];
      }
      proj.hand[0].forEach((h, t) => (b += h * v[proj.dim + t]));
    }
    const linear = linearSvmScore(w, b);
    return (features) => {
      checkOneRow(features, proj.dim);
      return linear(features);
    };
  }
  const coef = Float32Array.from(a);
  return (features) => {
    checkOneRow(features, proj.dim);
    return tf.tidy(() => {
      const K = kernelMatrix(svm, project(proj, features), proj.m);
      return tf.add(tf.sum(tf.mul(K, tf.tensor2d(coef, [1, svm.nSV]))), bias) as tf.Scalar;
    });
  };
}
