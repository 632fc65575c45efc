/**
 * Grad-CAM and Grad-CAM++ for a class of a classifier: the shared body of
 * `gradCam` and `gradCamPlusPlus`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { computeCam } from "./compute_cam.ts";
import { ExplainError } from "./explain_error.ts";
import { findLayerOutput } from "./find_layer_output.ts";
import type { CamMethod, ExplainableModel, GradCamOptions, GradCamResult } from "./types.ts";

/**
 * Splits a {@link ExplainableModel} into the model and its default Grad-CAM layer.
 *
 * @param m A model or a BuiltModel.
 * @returns The model and, for a BuiltModel, its Grad-CAM layer.
 * @throws {TypeError} For anything else.
 * @example
 * ```ts
 * unwrapModel(createModel("cnn")).defaultLayer; // "block4_relu"
 * ```
 */
export function unwrapModel(m: ExplainableModel): { model: tf.LayersModel; defaultLayer?: string } {
  if (m instanceof tf.LayersModel) return { model: m };
  if (m != null && typeof m === "object" && "model" in m && "gradCamLayer" in m) {
    return { model: m.model, defaultLayer: m.gradCamLayer };
  }
  throw new TypeError("Expected a tf.LayersModel or a BuiltModel ({ name, model, gradCamLayer })");
}

/**
 * Resolves the target layer name, which a plain model must be given.
 *
 * @param model The model, for the message.
 * @param layerName The layer asked for, if any.
 * @param defaultLayer A BuiltModel's Grad-CAM layer, if any.
 * @returns `layerName`, else `defaultLayer`.
 * @throws {RangeError} When both are missing.
 * @example
 * ```ts
 * targetLayer(model, undefined, "block4_relu"); // "block4_relu"
 * ```
 */
export function targetLayer(model: tf.LayersModel, layerName: string | undefined, defaultLayer?: string): string {
  const name = layerName ?? defaultLayer;
  if (name == null) {
    throw new RangeError(
      `layerName is required for a plain tf.LayersModel (pass a BuiltModel to use its gradCamLayer). Model "${model.name}"`,
    );
  }
  return name;
}

/**
 * Index of the first maximum.
 *
 * @param v Values.
 * @returns The index of the first maximum (0 for an empty input).
 * @example
 * ```ts
 * argmax([1, 3, 3]); // 1
 * ```
 */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** Probabilities from logits for the classifier's activation. */
function activate(logits: Float64Array, activation: string): Float32Array {
  if (activation === "sigmoid") return Float32Array.from(logits, (z) => 1 / (1 + Math.exp(-z)));
  const max = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return Float32Array.from(e, (v) => v / sum);
}

/**
 * Grad-CAM or Grad-CAM++ of one class.
 *
 * The class score is the classifier's pre-activation (the logit), so the
 * softmax never enters the gradient. For a Dense classifier it is computed
 * from the layer's input `z` with the layer's own kernel and bias
 * (`z . W[:, c] + b[c]`); for an Activation layer (Keras' MobileNet ends in
 * `conv_preds`, a reshape and `Activation("softmax", name="predictions")`)
 * it is the Activation's input.
 *
 * @param method `gradcam` or `gradcam++`.
 * @param explained The model, or a BuiltModel.
 * @param image One image. Stays the caller's.
 * @param options Class, target layer, classifier layer.
 * @returns Plain arrays; nothing to dispose.
 * @example
 * ```ts
 * const r = await classCam("gradcam++", built, image, { classIndex: 2 });
 * ```
 */
export async function classCam(
  method: CamMethod,
  explained: ExplainableModel,
  image: tf.Tensor3D | tf.Tensor4D,
  options: GradCamOptions = {},
): Promise<GradCamResult> {
  const { model, defaultLayer } = unwrapModel(explained);
  const layerName = targetLayer(model, options.layerName, defaultLayer);
  const headName = options.headLayer ?? "predictions";
  const predsOut = findLayerOutput(model, headName);
  const layer = predsOut.sourceLayer;
  const kind = layer.getClassName();
  if (kind !== "Dense" && kind !== "Activation") {
    throw new ExplainError(
      `Layer "${headName}" is a ${kind}; the class score needs a Dense classifier or an Activation over logits`,
    );
  }
  const activation = String(layer.getConfig().activation ?? "linear");
  if (!["softmax", "linear", "sigmoid"].includes(activation)) {
    throw new ExplainError(
      `Classifier "${headName}" has activation "${activation}". Valid activations are: softmax, linear, sigmoid`,
    );
  }
  // The tensor feeding the classifier: features for a Dense layer, the logits for an Activation.
  const head = layer.inboundNodes[predsOut.nodeIndex].inputTensors[0];
  if (head.rank !== 2) {
    throw new ExplainError(`Classifier "${headName}" takes shape ${JSON.stringify(head.shape)}; expected [batch, n]`);
  }
  const classes = predsOut.shape[1] as number;
  if (
    options.classIndex != null &&
    !(Number.isInteger(options.classIndex) && options.classIndex >= 0 && options.classIndex < classes)
  ) {
    throw new RangeError(
      `classIndex must be an integer in [0, ${classes}). Received: classIndex=${options.classIndex}`,
    );
  }
  let logitsOf = (v: Float32Array): Float64Array => Float64Array.from(v);
  let scoreOf = (h: tf.Tensor, c: number): tf.Tensor => tf.slice(h, [0, c], [1, 1]);
  if (kind === "Dense") {
    const [kernel, bias] = layer.getWeights(); // the layer's own variables: not disposed here
    const features = kernel.shape[0];
    const w = (await kernel.data()) as Float32Array;
    const b = bias == null ? new Float32Array(classes) : (await bias.data()) as Float32Array;
    logitsOf = (z) => {
      const out = new Float64Array(classes);
      for (let c = 0; c < classes; c++) {
        let s = b[c];
        for (let i = 0; i < features; i++) s += z[i] * w[i * classes + c];
        out[c] = s;
      }
      return out;
    };
    scoreOf = (z, c) => {
      const logit = tf.matMul(z, tf.slice(kernel, [0, c], [features, 1]));
      return bias == null ? logit : tf.add(logit, tf.slice(bias, [c], [1]));
    };
  }

  let classIndex = -1;
  let logits: Float64Array = new Float64Array(classes);
  const { result } = await computeCam(model, image, {
    method,
    layerName,
    head,
    score: (h, headValues) => {
      logits = logitsOf(headValues);
      classIndex = options.classIndex ?? argmax(logits);
      return tf.reshape(scoreOf(h, classIndex), []) as tf.Scalar;
    },
  });
  return {
    ...result,
    classIndex,
    probabilities: activate(logits, activation),
    logits: Float32Array.from(logits),
  };
}
