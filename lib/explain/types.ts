/**
 * Types shared by the class activation map functions.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BuiltModel } from "../models/types.ts";

/** How channel weights are made from the gradients: Grad-CAM or Grad-CAM++. */
export type CamMethod = "gradcam" | "gradcam++";

/** The methods of {@link CamMethod}, for messages and menus. */
export const CAM_METHODS: readonly CamMethod[] = ["gradcam", "gradcam++"];

/** A model to explain: a plain `tf.LayersModel`, or a registry model that knows its Grad-CAM layer. */
export type ExplainableModel = tf.LayersModel | BuiltModel;

/** Options of `gradCam` and `gradCamPlusPlus`. */
export interface GradCamOptions {
  /** The class to explain. Default: the predicted class (first maximum of the logits). */
  classIndex?: number;
  /**
   * The layer whose feature map is weighted. Default: the `gradCamLayer` of a
   * {@link BuiltModel}; required for a plain `tf.LayersModel`.
   */
  layerName?: string;
  /**
   * The classifier layer: a Dense layer (softmax, sigmoid or linear) whose
   * pre-activation is the logits, or an Activation layer whose input is the
   * logits. Default `"predictions"`, the name every registry model uses.
   */
  headLayer?: string;
}

/** A class activation map: plain arrays, nothing to dispose. */
export interface CamResult {
  /**
   * The map at the input's height and width, row-major (`heatmap[y * width + x]`),
   * in [0, 1]: the ReLU'd map upsampled bilinearly (half-pixel centres, as
   * OpenCV and `tf.image.resizeBilinear(..., halfPixelCenters=true)`), then
   * divided by its maximum. All zeros when the ReLU removed everything.
   */
  heatmap: Float32Array;
  /** The input's width (columns of `heatmap`). */
  width: number;
  /** The input's height (rows of `heatmap`). */
  height: number;
  /** `ReLU(sum_k w_k A_k)` at the feature map's size, row-major, not normalised. */
  cam: Float32Array;
  /** Width of the feature map. */
  camWidth: number;
  /** Height of the feature map. */
  camHeight: number;
  /** One weight `w_k` per channel of the feature map. */
  channelWeights: Float32Array;
  /** The layer the map was made at. */
  layerName: string;
  /** The differentiated score's value (for a class: the pre-softmax logit). */
  score: number;
}

/** A class activation map for one class of a classifier. */
export interface GradCamResult extends CamResult {
  /** The class explained. */
  classIndex: number;
  /** The classifier's output for the image (softmax of the logits). */
  probabilities: Float32Array;
  /** The logits (pre-activation of the classifier layer). */
  logits: Float32Array;
}
