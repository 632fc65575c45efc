/**
 * Grad-CAM (Selvaraju et al., ICCV 2017).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { classCam } from "./class_cam.ts";
import type { ExplainableModel, GradCamOptions, GradCamResult } from "./types.ts";

/**
 * Grad-CAM of one class for one image: the target feature map's channels
 * `A_k`, weighted by the spatial mean of `dS/dA_k` where `S` is the class's
 * pre-softmax logit, summed, ReLU'd, upsampled to the input's size and
 * divided by the maximum.
 *
 * Works on any functional model, branched ones included (ResNet, DenseNet,
 * involution VGG): the graph is split at the target layer by a small
 * executor, so only the layers after the target are differentiated. The
 * model is not modified. See `featureGradients` for how.
 *
 * @param model A `tf.LayersModel` (then `options.layerName` is required), or a
 *   `BuiltModel` from `createModel`, whose `gradCamLayer` is the default target.
 * @param image `[H, W, C]` or `[1, H, W, C]`, preprocessed as the model expects.
 *   Stays the caller's.
 * @param options Class (default: predicted), target layer, classifier layer.
 * @returns Plain arrays (heatmap in [0, 1] at H x W, the raw map, channel weights,
 *   logit, probabilities): no tensors, nothing to dispose.
 * @throws {ExplainError} For a missing or non-spatial layer, or a classifier that is not Dense.
 * @throws {RangeError} For a bad class index, a missing layer name or more than one image.
 * @example
 * ```ts
 * const built = createModel("resnet50", { inputShape: [64, 64, 3] });
 * const { heatmap, classIndex, score } = await gradCam(built, tf.zeros([64, 64, 3]));
 * ```
 */
export function gradCam(
  model: ExplainableModel,
  image: tf.Tensor3D | tf.Tensor4D,
  options?: GradCamOptions,
): Promise<GradCamResult> {
  return classCam("gradcam", model, image, options);
}
