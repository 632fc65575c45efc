/**
 * Channel weights and the weighted map of Grad-CAM and Grad-CAM++, on plain arrays.
 *
 * @module
 */
import type { CamMethod } from "./types.ts";

/** The feature map's shape, batch of one, channels last. */
export interface FeatureShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * Channel weights from a feature map `A` and the gradient `g = dS/dA` of a
 * score `S`, both `[height, width, channels]` row-major.
 *
 * - `gradcam` (Selvaraju et al. 2017): `w_k = mean_ij g_ijk`.
 * - `gradcam++` (Chattopadhay et al. 2018, eqs. 10 and 19): with the class
 *   score `Y = exp(S)`, the second and third derivatives of `Y` are
 *   `exp(S) g^2` and `exp(S) g^3` for a piecewise-linear network, and
 *   `alpha_ijk = g_ijk^2 / (2 g_ijk^2 + sum_ab A_abk * g_ijk^3)`
 *   (the `exp(S)` cancels; 0 where the denominator is 0, as the official
 *   code does), then `w_k = sum_ij alpha_ijk * ReLU(exp(S) g_ijk)`. The
 *   positive factor `exp(S)` scales every weight alike, so it is dropped
 *   (it would overflow for large logits) and vanishes when the map is
 *   normalised. The official code's extra per-channel renormalisation of the
 *   alphas, which is not in the paper, is not applied.
 *
 * @param method `gradcam` or `gradcam++`.
 * @param activations `A`, length `height * width * channels`.
 * @param gradients `g`, the same length.
 * @param shape The feature map's shape.
 * @returns One weight per channel.
 * @example
 * ```ts
 * const w = camWeights("gradcam", a, g, { height: 7, width: 7, channels: 512 });
 * ```
 */
export function camWeights(
  method: CamMethod,
  activations: Float32Array,
  gradients: Float32Array,
  shape: FeatureShape,
): Float32Array {
  const { height, width, channels: k } = shape;
  const n = height * width;
  if (activations.length !== n * k || gradients.length !== n * k) {
    throw new RangeError(
      `Expected ${
        n * k
      } activations and gradients for shape ${height}x${width}x${k}. Received: ${activations.length} and ${gradients.length}`,
    );
  }
  const w = new Float64Array(k);
  if (method === "gradcam") {
    for (let p = 0; p < n; p++) for (let c = 0; c < k; c++) w[c] += gradients[p * k + c];
    for (let c = 0; c < k; c++) w[c] /= n;
  } else if (method === "gradcam++") {
    const sumA = new Float64Array(k);
    for (let p = 0; p < n; p++) for (let c = 0; c < k; c++) sumA[c] += activations[p * k + c];
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < k; c++) {
        const g = gradients[p * k + c];
        if (g <= 0) continue; // ReLU(g) = 0: no contribution, whatever alpha is
        const g2 = g * g;
        const denom = 2 * g2 + sumA[c] * g2 * g;
        if (denom !== 0) w[c] += (g2 / denom) * g;
      }
    }
  } else {
    throw new RangeError(`Unknown CAM method "${method}". Valid methods are: gradcam, gradcam++`);
  }
  return Float32Array.from(w);
}

/**
 * `ReLU(sum_k w_k A_k)`: the class activation map at the feature map's size.
 *
 * @param activations `A`, `[height, width, channels]` row-major.
 * @param weights One weight per channel.
 * @param shape The feature map's shape.
 * @returns `height * width` values, row-major, >= 0.
 * @example
 * ```ts
 * const cam = weightedCam(a, w, { height: 7, width: 7, channels: 512 });
 * ```
 */
export function weightedCam(activations: Float32Array, weights: Float32Array, shape: FeatureShape): Float32Array {
  const { height, width, channels: k } = shape;
  const n = height * width;
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += weights[c] * activations[p * k + c];
    out[p] = s > 0 ? s : 0;
  }
  return out;
}
