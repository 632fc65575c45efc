/**
 * Grad-CAM++ (Chattopadhay et al., WACV 2018).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { classCam } from "./class_cam.ts";
import type { ExplainableModel, GradCamOptions, GradCamResult } from "./types.ts";

/**
 * Grad-CAM++ of one class for one image. Like {@link gradCam}, but each
 * channel's weight is `sum_ij alpha_ij ReLU(dS/dA_ij)` with the paper's
 * closed-form `alpha_ij = g^2 / (2 g^2 + sum_ab A_ab g^3)`, derived for the
 * score `exp(S)` of a piecewise-linear network (`S` the pre-softmax logit,
 * `g = dS/dA_ij`); see `camWeights` for the details and what is left out.
 * Better than Grad-CAM at covering several instances of a class.
 *
 * @param model A `tf.LayersModel` (then `options.layerName` is required) or a `BuiltModel`.
 * @param image `[H, W, C]` or `[1, H, W, C]`. Stays the caller's.
 * @param options Class (default: predicted), target layer, classifier layer.
 * @returns Plain arrays, as {@link gradCam}; nothing to dispose.
 * @throws {ExplainError} For a missing or non-spatial layer, or a classifier that is not Dense.
 * @throws {RangeError} For a bad class index, a missing layer name or more than one image.
 * @example
 * ```ts
 * const { heatmap } = await gradCamPlusPlus(createModel("cnn", { inputShape: [64, 64, 3] }), image, { classIndex: 1 });
 * ```
 */
export function gradCamPlusPlus(
  model: ExplainableModel,
  image: tf.Tensor3D | tf.Tensor4D,
  options?: GradCamOptions,
): Promise<GradCamResult> {
  return classCam("gradcam++", model, image, options);
}
