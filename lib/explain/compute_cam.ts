/**
 * The driver shared by Grad-CAM, Grad-CAM++ and Grad-CAM through features.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { camWeights, weightedCam } from "./cam_weights.ts";
import { featureGradients } from "./feature_gradients.ts";
import { resizeBilinear } from "./resize_bilinear.ts";
import type { CamMethod, CamResult } from "./types.ts";

/** Options of {@link computeCam}. */
export interface ComputeCamOptions {
  method: CamMethod;
  layerName: string;
  /** The tensor the score is computed from. Default: the model's first output. */
  head?: tf.SymbolicTensor;
  /** The score: see `FeatureGradientsOptions.score`. */
  score: (head: tf.Tensor, forwardValues: Float32Array) => tf.Scalar;
}

/**
 * Divides a non-negative map by its maximum, in place; leaves an all-zero map as is.
 *
 * @param map Values >= 0.
 * @returns The same array, now in [0, 1].
 * @example
 * ```ts
 * normalizeByMax(new Float32Array([0, 2, 4])); // [0, 0.5, 1]
 * ```
 */
export function normalizeByMax(map: Float32Array): Float32Array {
  let max = 0;
  for (const v of map) if (v > max) max = v;
  if (max > 0) { for (let i = 0; i < map.length; i++) map[i] = Math.min(1, map[i] / max); }
  return map;
}

/**
 * A class activation map for any differentiable score of a model's head.
 *
 * @param model A one-input functional model. Not modified.
 * @param image `[H, W, C]` or `[1, H, W, C]`. Stays the caller's.
 * @param options Method, target layer, head and score.
 * @returns The map as plain arrays (nothing to dispose) and the head's forward values.
 * @example
 * ```ts
 * const { result } = await computeCam(model, image, { method: "gradcam", layerName: "block4_relu", score });
 * ```
 */
export async function computeCam(
  model: tf.LayersModel,
  image: tf.Tensor3D | tf.Tensor4D,
  options: ComputeCamOptions,
): Promise<{ result: CamResult; headValues: Float32Array }> {
  const g = await featureGradients(model, image, {
    layerName: options.layerName,
    head: options.head,
    score: options.score,
  });
  let a: Float32Array, d: Float32Array;
  const [, camHeight, camWidth, channels] = g.activations.shape;
  try {
    a = (await g.activations.data()) as Float32Array;
    d = (await g.gradients.data()) as Float32Array;
  } finally {
    g.activations.dispose();
    g.gradients.dispose();
  }
  const shape = { height: camHeight, width: camWidth, channels };
  const channelWeights = camWeights(options.method, a, d, shape);
  const cam = weightedCam(a, channelWeights, shape);
  const height = image.shape[image.rank - 3], width = image.shape[image.rank - 2];
  const heatmap = normalizeByMax(resizeBilinear(cam, camWidth, camHeight, width, height));
  return {
    result: {
      heatmap,
      width,
      height,
      cam,
      camWidth,
      camHeight,
      channelWeights,
      layerName: options.layerName,
      score: g.score,
    },
    headValues: g.headValues,
  };
}
