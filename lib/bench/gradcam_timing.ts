/**
 * Grad-CAM latency: milliseconds per map for a registered model.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatTable } from "../cli.ts";
import { gradCam } from "../explain/grad_cam.ts";
import { gradCamPlusPlus } from "../explain/grad_cam_plus_plus.ts";
import type { CamMethod } from "../explain/types.ts";
import { createModel } from "../models/mod.ts";

/** Options of {@link timeGradCam}. */
export interface GradCamTimingOptions {
  /** Square input side. Default 224. */
  size?: number;
  /** Timed maps after one untimed warm-up. Default 2. */
  runs?: number;
  /** `gradcam` (default) or `gradcam++`. */
  method?: CamMethod;
  /** Classes of the head. Default 4. */
  numClasses?: number;
}

/** One Grad-CAM timing. */
export interface GradCamTiming {
  model: string;
  method: CamMethod;
  backend: string;
  size: number;
  runs: number;
  /** Mean milliseconds per map (forward to the target layer, backward to it, weighting, upsampling). */
  msPerMap: number;
  /** The fastest run. */
  minMs: number;
  /** The untimed first map: kernel set-up included. */
  warmupMs: number;
  /** The target layer and its map size at this input. */
  layerName: string;
  featureMap: { width: number; height: number };
  params: number;
  /** Live tensors after the timed maps minus before them: 0 when nothing leaks. */
  tensorsLeaked: number;
}

/**
 * Times Grad-CAM of a freshly initialised registered model (seeded weights,
 * 4 classes) on one seeded random image, on the current backend: one
 * warm-up map, then `runs` timed maps of the predicted class.
 *
 * @param name A registered model name (`listModels()`).
 * @param options Size (224), runs (2), method, classes.
 * @returns Milliseconds per map and details; the model and image are disposed.
 * @throws {RangeError} For an unknown model (listing the valid ones) or a bad size or run count.
 * @example
 * ```ts
 * await initBackend("wasm");
 * const { msPerMap } = await timeGradCam("resnet50"); // at 224x224
 * ```
 */
export async function timeGradCam(name: string, options: GradCamTimingOptions = {}): Promise<GradCamTiming> {
  const { size = 224, runs = 2, method = "gradcam", numClasses = 4 } = options;
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`size must be a positive integer. Received: ${size}`);
  if (!(Number.isInteger(runs) && runs >= 1)) {
    throw new RangeError(`runs must be a positive integer. Received: ${runs}`);
  }
  const built = createModel(name, { inputShape: [size, size, 3], numClasses, seed: 1 });
  const image = tf.randomUniform([size, size, 3], 0, 1, "float32", 7) as tf.Tensor3D;
  const cam = method === "gradcam++" ? gradCamPlusPlus : gradCam;
  try {
    let t = performance.now();
    const first = await cam(built, image);
    const warmupMs = performance.now() - t;
    const before = tf.memory().numTensors;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      await cam(built, image);
      times.push(performance.now() - t);
    }
    return {
      model: name,
      method,
      backend: tf.getBackend(),
      size,
      runs,
      msPerMap: times.reduce((a, b) => a + b, 0) / runs,
      minMs: Math.min(...times),
      warmupMs,
      layerName: first.layerName,
      featureMap: { width: first.camWidth, height: first.camHeight },
      params: built.model.countParams(),
      tensorsLeaked: tf.memory().numTensors - before,
    };
  } finally {
    image.dispose();
    built.model.dispose();
  }
}

/**
 * Formats Grad-CAM timings as a table (model, backend, size, map size, ms per map, warm-up, leaked tensors).
 *
 * @param timings What {@link timeGradCam} returned, one per model.
 * @returns The table's lines.
 * @example
 * ```ts
 * console.log(formatGradCamTimings([await timeGradCam("cnn", { size: 64 })]));
 * ```
 */
export function formatGradCamTimings(timings: readonly GradCamTiming[]): string {
  return formatTable(
    ["model", "method", "backend", "size", "map", "ms/map", "min ms", "warm-up ms", "leaked"],
    timings.map((t) => [
      t.model,
      t.method,
      t.backend,
      `${t.size}`,
      `${t.featureMap.width}x${t.featureMap.height}`,
      t.msPerMap.toFixed(0),
      t.minMs.toFixed(0),
      t.warmupMs.toFixed(0),
      `${t.tensorsLeaked}`,
    ]),
  );
}
