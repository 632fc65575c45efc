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

/** Splits a {@link ExplainableModel} into the model and its default Grad-CAM layer. */
export function unwrapModel(m: ExplainableModel): { model: tf.LayersModel; defaultLayer?: string } {
  if (m instanceof tf.LayersModel) return { model: m };
  if (m != null && typeof m === "object" && "model" in m && "gradCamLayer" in m) {
    return { model: m.model, defaultLayer: m.gradCamLayer };
  }
  throw new TypeError("Expected a tf.LayersModel or a BuiltModel ({ name, model, gradCamLayer })");
}

/** Resolves the target layer name, which a plain model must be given. */
export function targetLayer(model: tf.LayersModel, layerName: string | undefined, defaultLayer?: string): string {
  const name = layerName ?? defaultLayer;
  if (name == null) {
    throw new RangeError(
      `layerName is required for a plain tf.LayersModel (pass a BuiltModel to use its gradCamLayer). Model "${model.name}"`,
    );
  }
  return name;
}

/** Index of the first maximum. */
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
 * The class score is the classifier layer's pre-activation (the logit),
 * computed from the layer's input `z` and its own kernel and bias
 * (`z . W[:, c] + b[c]`), so the softmax never enters the gradient.
 *
 * @param method `gradcam` or `gradcam++`.
 * @param explained The model, or a BuiltModel.
 * @param image One image. Stays the caller's.
 * @param options Class, target layer, classifier layer.
 * @returns Plain arrays; nothing to dispose.
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
  const dense = predsOut.sourceLayer;
  if (dense.getClassName() !== "Dense") {
    throw new ExplainError(`Layer "${headName}" is a ${dense.getClassName()}; the class score needs a Dense classifier`);
  }
  const activation = String(dense.getConfig().activation ?? "linear");
  if (!["softmax", "linear", "sigmoid"].includes(activation)) {
    throw new ExplainError(
      `Classifier "${headName}" has activation "${activation}". Valid activations are: softmax, linear, sigmoid`,
    );
  }
  const z = dense.inboundNodes[predsOut.nodeIndex].inputTensors[0];
  if (z.rank !== 2) {
    throw new ExplainError(`Classifier "${headName}" takes shape ${JSON.stringify(z.shape)}; expected [batch, features]`);
  }
  const [kernel, bias] = dense.getWeights(); // the layer's own variables: not disposed here
  const [features, classes] = kernel.shape;
  if (options.classIndex != null && !(Number.isInteger(options.classIndex) && options.classIndex >= 0 &&
    options.classIndex < classes)) {
    throw new RangeError(`classIndex must be an integer in [0, ${classes}). Received: classIndex=${options.classIndex}`);
  }
  const w = (await kernel.data()) as Float32Array;
  const b = bias == null ? new Float32Array(classes) : (await bias.data()) as Float32Array;

  let classIndex = -1;
  let logits = new Float64Array(classes);
  const { result } = await computeCam(model, image, {
    method,
    layerName,
    head: z,
    score: (zt, zValues) => {
      logits = new Float64Array(classes);
      for (let c = 0; c < classes; c++) {
        let s = b[c];
        for (let i = 0; i < features; i++) s += zValues[i] * w[i * classes + c];
        logits[c] = s;
      }
      classIndex = options.classIndex ?? argmax(logits);
      const column = tf.slice(kernel, [0, classIndex], [features, 1]);
      const logit = tf.matMul(zt, column);
      const scored = bias == null ? logit : tf.add(logit, tf.slice(bias, [classIndex], [1]));
      return tf.reshape(scored, []) as tf.Scalar;
    },
  });
  return {
    ...result,
    classIndex,
    probabilities: activate(logits, activation),
    logits: Float32Array.from(logits),
  };
}
