/**
 * Gradients of a score with respect to an inner feature map, on any
 * functional model (linear, residual, densely connected, custom layers).
 *
 * How: one forward pass from the image to the target feature map `A` and to
 * the head tensor (with {@link executeGraph}, freeing intermediates as it
 * goes); then `tf.valueAndGrad` of a function of `A` alone that replays only
 * the part of the graph between `A` and the head, feeding `A` at the target
 * layer. No layer upstream of the target runs twice and nothing is
 * differentiated below it, so the backward pass costs only the head. Layers
 * are never patched or re-wired, and the caller's model is not changed.
 *
 * A path from the input to the head that bypasses the target (a skip
 * connection around it) is evaluated from the image and held constant, which
 * gives the partial derivative with respect to `A`, as Grad-CAM defines it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { executeGraph } from "./execute_graph.ts";
import { ExplainError } from "./explain_error.ts";
import { dependsOn, findLayerOutput } from "./find_layer_output.ts";

/** Options of {@link featureGradients}. */
export interface FeatureGradientsOptions {
  /** The layer whose output is differentiated: a spatial feature map. */
  layerName: string;
  /** The tensor the score is computed from. Default: the model's first output. */
  head?: tf.SymbolicTensor;
  /**
   * The score, from the head's value (a tensor under the gradient tape) and
   * the head's values from the first forward pass (to choose, say, the
   * predicted class). Must return a scalar that depends on `head`.
   */
  score: (head: tf.Tensor, forwardValues: Float32Array) => tf.Scalar;
}

/** What {@link featureGradients} returns. */
export interface FeatureGradients {
  /** The target feature map `A`, `[1, h, w, k]`. The caller disposes it. */
  activations: tf.Tensor4D;
  /** `d score / d A`, `[1, h, w, k]`. The caller disposes it. */
  gradients: tf.Tensor4D;
  /** The head's values from the forward pass, flattened. */
  headValues: Float32Array;
  /** The score's value. */
  score: number;
}

/**
 * Checks a one-image batch and returns it as `[1, H, W, C]`.
 *
 * @returns The image itself when it is already 4-D, else a new tensor the caller disposes.
 * @param image `[H, W, C]` or `[1, H, W, C]`.
 * @throws {RangeError} For any other shape.
 * @example
 * ```ts
 * asBatchOfOne(tf.zeros([8, 8, 3])).shape; // [1, 8, 8, 3]
 * ```
 */
export function asBatchOfOne(image: tf.Tensor3D | tf.Tensor4D): tf.Tensor4D {
  if (image.rank === 3) return tf.expandDims(image, 0) as tf.Tensor4D;
  if (image.rank === 4 && image.shape[0] === 1) return image as tf.Tensor4D;
  throw new RangeError(
    `Expected one image, [height, width, channels] or [1, height, width, channels]. Received: shape=${
      JSON.stringify(image.shape)
    }`,
  );
}

/**
 * The feature map of `options.layerName` for one image, and the gradient of
 * a score with respect to it.
 *
 * @param model A functional model with one input. Not modified.
 * @param image `[H, W, C]` or `[1, H, W, C]`. Stays the caller's.
 * @param options Target layer, head and score.
 * @returns Activations and gradients, which the caller disposes, plus plain values.
 * @throws {ExplainError} When the layer is missing or not spatial, or the head does not depend on it.
 * @throws {RangeError} When `image` is not a single image.
 * @example
 * ```ts
 * const g = await featureGradients(model, image, {
 *   layerName: "block4_relu",
 *   score: (probs) => tf.squeeze(tf.slice(probs, [0, 2], [1, 1])) as tf.Scalar,
 * });
 * tf.dispose([g.activations, g.gradients]);
 * ```
 */
export async function featureGradients(
  model: tf.LayersModel,
  image: tf.Tensor3D | tf.Tensor4D,
  options: FeatureGradientsOptions,
): Promise<FeatureGradients> {
  if (model.inputs.length !== 1) {
    throw new ExplainError(
      `Model "${model.name}" has ${model.inputs.length} inputs; only one-input models are supported`,
    );
  }
  const target = findLayerOutput(model, options.layerName, true);
  const head = options.head ?? model.outputs[0];
  if (!dependsOn(head, target)) {
    throw new ExplainError(`"${head.name}" does not depend on layer "${options.layerName}": nothing to differentiate`);
  }
  const input = model.inputs[0];
  const x = asBatchOfOne(image);
  const expected = input.shape.slice(1);
  if (expected.some((d, i) => d != null && d !== x.shape[i + 1])) {
    if (x !== image) x.dispose();
    throw new RangeError(
      `Model "${model.name}" takes images of shape ${JSON.stringify(expected)}. Received: shape=${
        JSON.stringify(x.shape.slice(1))
      }`,
    );
  }
  try {
    const [activations, headValue] = tf.tidy(() =>
      executeGraph([target, head], [[input, x]], { disposeIntermediates: true })
    );
    let headValues: Float32Array;
    try {
      headValues = (await headValue.data()) as Float32Array;
    } finally {
      headValue.dispose();
    }
    let value: tf.Scalar | undefined, grad: tf.Tensor | undefined;
    try {
      // tfjs 4.22 never frees the tensors its tape saved when the function throws, or when the
      // result does not depend on x (it throws before cleaning up). So errors are caught inside
      // and rethrown once the tape is done, and a zero term keeps the result connected to `a`
      // (a score that ignores the head then gives a zero gradient, hence an all-zero map).
      let failure: { error: unknown } | undefined;
      ({ value, grad } = tf.valueAndGrad((a: tf.Tensor) => {
        const anchor = tf.sum(tf.mul(a, 0)) as tf.Scalar;
        try {
          const [h] = executeGraph([head], [[target, a], [input, x]]);
          const s = options.score(h, headValues);
          if (!(s instanceof tf.Tensor) || s.rank !== 0) {
            throw new TypeError(
              `The score must be a scalar tensor. Received: ${
                s instanceof tf.Tensor ? `shape ${JSON.stringify(s.shape)}` : typeof s
              }`,
            );
          }
          return tf.add(s, anchor) as tf.Scalar;
        } catch (e) {
          failure = { error: e };
          return anchor;
        }
      })(activations));
      if (failure != null) throw failure.error;
      const score = (await value.data())[0];
      return { activations: activations as tf.Tensor4D, gradients: grad as tf.Tensor4D, headValues, score };
    } catch (e) {
      tf.dispose([activations, grad as tf.Tensor]);
      throw e;
    } finally {
      value?.dispose();
    }
  } finally {
    if (x !== image) x.dispose();
  }
}
