/**
 * Grad-CAM and Grad-CAM++ of the CNN-SVM hybrid, through its backbone and
 * the gradient of the SVM's decision function.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { ExplainError } from "../explain/explain_error.ts";
import { findLayerOutput, spatialLayerNames } from "../explain/find_layer_output.ts";
import { gradCamThroughFeatures } from "../explain/grad_cam_through_features.ts";
import type { CamMethod, CamResult } from "../explain/types.ts";
import { createModel, listModels } from "../models/mod.ts";
import { hybridClassScore } from "./hybrid_class_score.ts";
import type { HybridClassifier } from "./hybrid_classifier.ts";

/** Options of {@link hybridGradCam}. */
export interface HybridGradCamOptions {
  /** The class to explain: an index into `hybrid.classes`. Default: the most probable class. */
  classIndex?: number;
  /** `gradcam` (default) or `gradcam++` (an approximation for non-linear kernels). */
  method?: CamMethod;
  /**
   * The backbone's spatial layer. Default: the backbone run's recorded
   * `gradCamLayer` (its `metrics.json`), else the registry's for the
   * architecture, else the feature map the pooled features average.
   */
  layerName?: string;
}

/** What {@link hybridGradCam} returns: a `GradCamResult` with the hybrid's scores in place of logits. */
export interface HybridGradCamResult extends CamResult {
  /** The class explained. */
  classIndex: number;
  /** The hybrid's probabilities for the image (as `predictProba`), one per class of `hybrid.classes`. */
  probabilities: Float32Array;
  /**
   * The smooth class score differentiated (see `hybridClassScore`), for every
   * class, from the SVM's float64 decision values; NaN for a class the SVM
   * was not trained on. `score` is the float32 value of the explained one.
   */
  classScores: Float32Array;
  /** The backbone's pooled features for the image. */
  features: Float32Array;
}

const layerCache = new WeakMap<HybridClassifier, string>();

/** Whether `name` is a spatial layer of the model's graph. */
function isSpatial(model: tf.LayersModel, name: string | undefined): name is string {
  if (name == null) return false;
  try {
    findLayerOutput(model, name, true);
    return true;
  } catch {
    return false;
  }
}

/** The default target layer of a hybrid's backbone (see {@link HybridGradCamOptions.layerName}). */
async function defaultLayer(hybrid: HybridClassifier, model: tf.LayersModel): Promise<string> {
  const cached = layerCache.get(hybrid);
  if (cached) return cached;
  const cnn = hybrid.features.cnn!;
  const candidates: (() => Promise<string | undefined>)[] = [
    async () => {
      if (cnn.backbone.kind !== "run") return undefined;
      const metrics = await Deno.readTextFile(`${cnn.backbone.run}/metrics.json`).then(JSON.parse).catch(() => ({}));
      return typeof metrics.gradCamLayer === "string" ? metrics.gradCamLayer : undefined;
    },
    () => {
      if (!listModels().includes(cnn.backbone.model)) return Promise.resolve(undefined);
      const probe = createModel(cnn.backbone.model, { inputShape: [64, 64, 3], numClasses: 2 });
      probe.model.dispose();
      return Promise.resolve(probe.gradCamLayer);
    },
    () => {
      // The feature map the pooled features average.
      if (cnn.spatialLayer) return Promise.resolve(cnn.spatialLayer);
      const pooled = findLayerOutput(model, cnn.layerName);
      const input = pooled.sourceLayer.inboundNodes[pooled.nodeIndex]?.inputTensors[0];
      return Promise.resolve(input?.rank === 4 ? input.sourceLayer.name : spatialLayerNames(model).at(-1));
    },
  ];
  for (const candidate of candidates) {
    const name = await candidate().catch(() => undefined);
    if (isSpatial(model, name)) {
      layerCache.set(hybrid, name);
      return name;
    }
  }
  throw new ExplainError(`The hybrid's backbone "${model.name}" has no spatial layer to explain`);
}

/**
 * Grad-CAM (or Grad-CAM++) of a CNN-SVM hybrid for one image: the gradient
 * of the SVM's class score (`hybridClassScore`: the one-vs-one margins of the
 * class summed, analytic through the scaler, the PCA and the linear, RBF,
 * poly or sigmoid kernel) with respect to the backbone's feature map, by
 * `gradCamThroughFeatures`. When the hybrid also uses handcrafted features
 * they are held constant, so the map explains the CNN part of the decision.
 *
 * @param hybrid A hybrid with CNN features. Stays the caller's.
 * @param gray The image: `size * size` grayscale values in [0, 1] (gray repeated in the backbone's channels).
 * @param options Class, method, target layer.
 * @returns Plain arrays; no tensors escape, nothing to dispose.
 * @throws {ExplainError} For a handcrafted-only hybrid (no backbone) or a backbone without a spatial layer.
 * @throws {RangeError} For an image of the wrong size, or a class out of range or unseen by the SVM.
 * @example
 * ```ts
 * const hybrid = await HybridClassifier.load("outputs/runs/cnn-quick-svm");
 * const gray = await decodeImage("scan.png", { size: hybrid.size });
 * const { heatmap, classIndex, probabilities } = await hybridGradCam(hybrid, gray);
 * hybrid.dispose();
 * ```
 */
export async function hybridGradCam(
  hybrid: HybridClassifier,
  gray: Float32Array,
  options: HybridGradCamOptions = {},
): Promise<HybridGradCamResult> {
  const model = hybrid.featureModel;
  const cnn = hybrid.features.cnn;
  if (!model || !cnn) {
    throw new ExplainError("The hybrid uses handcrafted features only: it has no backbone for Grad-CAM to explain");
  }
  const size = hybrid.size;
  if (gray.length !== size * size) {
    throw new RangeError(`The image has ${gray.length} values; the hybrid takes ${size}x${size} = ${size * size}`);
  }
  const k = hybrid.classes.length;
  const c0 = options.classIndex;
  if (c0 != null && !(Number.isInteger(c0) && c0 >= 0 && c0 < k)) {
    throw new RangeError(`classIndex must be an integer in [0, ${k}). Received: classIndex=${c0}`);
  }
  const layerName = options.layerName ?? await defaultLayer(hybrid, model);

  // The hybrid's own numbers, in float64: probabilities and the pairwise decision values.
  const [row] = await hybrid.featureRows([gray]);
  const head = hybrid.head;
  const probabilities = Float32Array.from(head.predictProba([row])[0]);
  const svmClasses = head.svm.classes;
  const df = head.svm.decisionFunction(head.transform([row]), { shape: "ovo" })[0];
  const dec = svmClasses.length === 2 ? [-df[0]] : df; // libsvm's: positive for the first class of each pair
  const classScores = new Float32Array(k).fill(NaN);
  svmClasses.forEach((c) => (classScores[c] = 0));
  let p = 0;
  for (let i = 0; i < svmClasses.length; i++) {
    for (let j = i + 1; j < svmClasses.length; j++, p++) {
      classScores[svmClasses[i]] += dec[p];
      classScores[svmClasses[j]] -= dec[p];
    }
  }
  let classIndex = c0 ?? 0;
  if (c0 == null) { for (let c = 1; c < k; c++) if (probabilities[c] > probabilities[classIndex]) classIndex = c; }

  const score = hybridClassScore(hybrid, { classIndex, handcrafted: row.slice(cnn.dim) });
  const channels = hybrid.channels;
  const image = tf.tidy(() => {
    const one = tf.tensor3d(gray, [size, size, 1]);
    return channels === 1 ? one : tf.tile(one, [1, 1, channels]) as tf.Tensor3D;
  });
  try {
    const cam = await gradCamThroughFeatures(model, image, score, { layerName, method: options.method });
    return { ...cam, classIndex, probabilities, classScores };
  } finally {
    image.dispose();
  }
}
