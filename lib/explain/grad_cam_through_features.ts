/**
 * Grad-CAM for a CNN-SVM hybrid: the class score is any differentiable
 * function of a CNN backbone's pooled features.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { unwrapModel } from "./class_cam.ts";
import { computeCam } from "./compute_cam.ts";
import { CAM_METHODS, type CamMethod, type CamResult, type ExplainableModel } from "./types.ts";

/** Options of {@link gradCamThroughFeatures}. */
export interface GradCamThroughFeaturesOptions {
  /** The backbone's spatial layer to explain. Default: a `BuiltModel`'s `gradCamLayer`; required otherwise. */
  layerName?: string;
  /**
   * `gradcam` (default) or `gradcam++`. Grad-CAM++'s closed form assumes the
   * score is linear in the feature map locally (true for a linear SVM on
   * ReLU features); for an RBF kernel it is an approximation.
   */
  method?: CamMethod;
}

/** What {@link gradCamThroughFeatures} returns. */
export interface GradCamThroughFeaturesResult extends CamResult {
  /** The backbone's pooled features for the image. */
  features: Float32Array;
}

/**
 * Grad-CAM where the score is `scoreFn(features)`, `features` being the
 * backbone's `[1, D]` output (e.g. global-average-pooled CNN features fed
 * to an SVM). The gradient `dS/dA` runs through the pooling and whatever tf
 * ops `scoreFn` uses, by autodiff: pass {@link linearSvmScore} or
 * {@link rbfSvmScore}, or any function built from tf ops.
 *
 * @param backbone A one-input model whose first output is the pooled features, e.g.
 *   `createModel(name, { includeTop: false, pooling: "avg" })` (a `BuiltModel` supplies the layer).
 * @param image `[H, W, C]` or `[1, H, W, C]`. Stays the caller's.
 * @param scoreFn Maps the features `[1, D]` to a scalar. Runs under the gradient tape:
 *   build the result from tf ops on `features`; its intermediates are freed by the tape.
 * @param options Target layer and method.
 * @returns Plain arrays (heatmap in [0, 1] at H x W, the score, the features); nothing to dispose.
 * @throws {ExplainError} For a missing or non-spatial layer.
 * @example
 * ```ts
 * const backbone = createModel("cnn", { inputShape: [64, 64, 3], includeTop: false, pooling: "avg" });
 * const svm = linearSvmScore(weights, bias); // weights: one per feature
 * const { heatmap, score } = await gradCamThroughFeatures(backbone, image, svm);
 * ```
 */
export async function gradCamThroughFeatures(
  backbone: ExplainableModel,
  image: tf.Tensor3D | tf.Tensor4D,
  scoreFn: (features: tf.Tensor2D) => tf.Scalar,
  options: GradCamThroughFeaturesOptions = {},
): Promise<GradCamThroughFeaturesResult> {
  const { model, defaultLayer } = unwrapModel(backbone);
  const method = options.method ?? "gradcam";
  if (!CAM_METHODS.includes(method)) {
    throw new RangeError(`Unknown method "${method}". Valid methods are: ${CAM_METHODS.join(", ")}`);
  }
  const layerName = options.layerName ?? defaultLayer;
  if (layerName == null) {
    throw new RangeError(`layerName is required for a plain tf.LayersModel. Model "${model.name}"`);
  }
  const head = model.outputs[0];
  if (head.rank !== 2) {
    throw new RangeError(
      `The backbone must output pooled features [batch, D]. Received: shape=${JSON.stringify(head.shape)} ` +
        `(build it with pooling: "avg")`,
    );
  }
  const { result, headValues } = await computeCam(model, image, {
    method,
    layerName,
    head,
    score: (features) => scoreFn(features as tf.Tensor2D),
  });
  return { ...result, features: headValues };
}
