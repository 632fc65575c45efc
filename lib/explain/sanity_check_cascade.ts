/**
 * Adebayo et al.'s cascading model-parameter randomisation test
 * ("Sanity Checks for Saliency Maps", NeurIPS 2018).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { classCam, targetLayer, unwrapModel } from "./class_cam.ts";
import { spearman } from "./spearman.ts";
import type { CamMethod, ExplainableModel } from "./types.ts";

/** Options of {@link sanityCheckCascade}. */
export interface SanityCheckCascadeOptions {
  /** The Grad-CAM target. Default: a `BuiltModel`'s `gradCamLayer`; required otherwise. */
  layerName?: string;
  /** The class explained at every step. Default: the original model's predicted class. */
  classIndex?: number;
  /** The classifier layer. Default `"predictions"`. */
  headLayer?: string;
  /** `gradcam` (default) or `gradcam++`. */
  method?: CamMethod;
  /**
   * Layers to randomise, in cascade order (each step keeps the earlier ones
   * randomised). Default: every layer with weights, from the output down to
   * the input (about 120 steps for ResNet50: pass a subset for big models).
   */
  layers?: string[];
  /** Seed of the random weights. Default 0. */
  seed?: number;
  /** Return each step's heatmap too. Default false. */
  keepMaps?: boolean;
}

/** One step of the cascade. */
export interface CascadeStep {
  /** The layer randomised at this step (all earlier steps' layers stay randomised). */
  layer: string;
  /**
   * Spearman correlation of this step's heatmap with the original one. NaN
   * when either map is constant, typically all zero after the ReLU because
   * the randomised model has no positive evidence left for the class: read it
   * as "no similarity".
   */
  spearman: number;
  /** This step's heatmap, with `keepMaps`. */
  heatmap?: Float32Array;
}

/** What {@link sanityCheckCascade} returns. */
export interface SanityCheckCascadeResult {
  classIndex: number;
  /** The original model's heatmap. */
  original: Float32Array;
  steps: CascadeStep[];
}

/** Batch-norm running statistics are data statistics, not learned weights: they are kept. */
const STATISTICS = /moving_(mean|variance)/i;

/**
 * A copy of a model through serialization (topology JSON and weights in
 * memory), sharing nothing with the original. Custom layers must be
 * registered with `tf.serialization.registerClass`, as Lumbar Lab's are.
 *
 * @param model The model to copy. Not modified.
 * @returns A new model; the caller disposes it.
 * @example
 * ```ts
 * const copy = await cloneModel(model);
 * copy.getLayer("predictions").setWeights(noise); // the original keeps its weights
 * copy.dispose();
 * ```
 */
export async function cloneModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((a) => {
    artifacts = a;
    return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } });
  }));
  return await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
}

function randomizable(layer: tf.layers.Layer): boolean {
  return layer.weights.some((w) => !STATISTICS.test(w.originalName));
}

/** Replaces a layer's learned weights by Gaussian noise with each weight tensor's own mean and standard deviation. */
function randomizeLayer(layer: tf.layers.Layer, seed: number): void {
  const values = tf.tidy(() =>
    layer.weights.map((v, i) => {
      const current = v.read();
      if (STATISTICS.test(v.originalName)) return tf.clone(current);
      const { mean, variance } = tf.moments(current);
      return tf.add(tf.mul(tf.randomNormal(current.shape, 0, 1, "float32", seed + i), tf.sqrt(variance)), mean);
    })
  );
  try {
    layer.setWeights(values);
  } finally {
    tf.dispose(values);
  }
}

/**
 * The cascading randomisation test: randomise the weights of a copy of the
 * model layer by layer from the top (the classifier) down, make the
 * explanation after each step for the same class, and report its Spearman
 * rank correlation with the original explanation. A faithful explanation
 * decorrelates as the weights it depends on are destroyed; one that stays
 * similar explains the input (an edge detector), not the model.
 *
 * Each layer's weights become Gaussian noise with the mean and standard
 * deviation of that weight tensor (so activations keep their scale);
 * batch-norm running statistics are kept, and a constant weight (a fresh
 * bias of zeros, a gamma of ones) stays constant. Works on a copy made by
 * serialization: the caller's model is never touched.
 *
 * @param model The classifier (`tf.LayersModel` or `BuiltModel`). Not modified.
 * @param image `[H, W, C]` or `[1, H, W, C]`. Stays the caller's.
 * @param options Target layer, class, method, layers, seed.
 * @returns Plain arrays and numbers; nothing to dispose.
 * @throws {RangeError} For a layer name in `layers` the model lacks (listing the valid ones).
 * @example
 * ```ts
 * const { steps } = await sanityCheckCascade(createModel("cnn", { inputShape: [64, 64, 3] }), image);
 * steps.map((s) => `${s.layer}: ${s.spearman.toFixed(2)}`);
 * ```
 */
export async function sanityCheckCascade(
  model: ExplainableModel,
  image: tf.Tensor3D | tf.Tensor4D,
  options: SanityCheckCascadeOptions = {},
): Promise<SanityCheckCascadeResult> {
  const { model: original, defaultLayer } = unwrapModel(model);
  const layerName = targetLayer(original, options.layerName, defaultLayer);
  const { method = "gradcam", seed = 0, keepMaps = false, headLayer } = options;
  const withWeights = original.layers.filter(randomizable).map((l) => l.name).reverse();
  const cascade = options.layers ?? withWeights;
  const unknown = cascade.filter((n) => !withWeights.includes(n));
  if (unknown.length > 0) {
    throw new RangeError(
      `No layer with weights named ${unknown.map((n) => `"${n}"`).join(", ")}. Valid layers are: ${
        withWeights.join(", ")
      }`,
    );
  }
  const first = await classCam(method, original, image, { layerName, classIndex: options.classIndex, headLayer });
  const classIndex = first.classIndex;
  const copy = await cloneModel(original);
  try {
    const steps: CascadeStep[] = [];
    for (const [i, name] of cascade.entries()) {
      // tfjs treats a seed of 0 as "unseeded" (`seed ? seed : Math.random()`): keep every seed >= 1.
      randomizeLayer(copy.getLayer(name), 1 + Math.abs(seed) * 1_000_003 + 1000 * i);
      const cam = await classCam(method, copy, image, { layerName, classIndex, headLayer });
      steps.push({
        layer: name,
        spearman: spearman(first.heatmap, cam.heatmap),
        ...(keepMaps ? { heatmap: cam.heatmap } : {}),
      });
    }
    return { classIndex, original: first.heatmap, steps };
  } finally {
    copy.dispose();
  }
}
