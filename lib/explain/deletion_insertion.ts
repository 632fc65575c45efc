/**
 * Deletion and insertion curves (Petsiuk et al., "RISE", BMVC 2018).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { argmax, unwrapModel } from "./class_cam.ts";
import { asBatchOfOne } from "./feature_gradients.ts";
import type { ExplainableModel } from "./types.ts";

/** Options of {@link deletionInsertion}. */
export interface DeletionInsertionOptions {
  /** Steps from 0 to all pixels (the curves have `steps + 1` points). Default 20. */
  steps?: number;
  /** The class whose probability is followed. Default: the predicted class of the intact image. */
  classIndex?: number;
  /**
   * What removed pixels become (deletion) and what the insertion starts from:
   * `zero`, or `blur`, a Gaussian blur of the image (RISE's insertion canvas). Default `zero`.
   */
  baseline?: "zero" | "blur";
  /** Standard deviation of the blur in pixels. Default `max(1, 5 * min(H, W) / 224)`, RISE's 5 px at 224 px. */
  blurSigma?: number;
  /** Images per `model.predict` call. Default 8. */
  batchSize?: number;
}

/** A curve of the class probability against the fraction of pixels changed. */
export interface SaliencyCurve {
  /** `k / steps` for k = 0..steps. */
  fractions: number[];
  /** The class probability at each fraction. */
  scores: number[];
  /** Area under the curve (trapezoid rule on [0, 1]). */
  auc: number;
}

/** What {@link deletionInsertion} returns. */
export interface DeletionInsertionResult {
  classIndex: number;
  /** Most salient pixels removed first: a good map makes it fall fast (low AUC). */
  deletion: SaliencyCurve;
  /** Most salient pixels revealed first on the baseline: a good map makes it rise fast (high AUC). */
  insertion: SaliencyCurve;
}

/**
 * Trapezoid rule over points evenly spaced on [0, 1].
 *
 * @param scores Curve values at `k / (n - 1)`, k = 0..n-1.
 * @returns The area under the curve.
 * @throws {RangeError} For fewer than 2 points.
 * @example
 * ```ts
 * trapezoidAuc([0, 1]); // 0.5
 * ```
 */
export function trapezoidAuc(scores: readonly number[]): number {
  if (scores.length < 2) throw new RangeError(`An AUC needs at least 2 points. Received: ${scores.length}`);
  const h = 1 / (scores.length - 1);
  let s = 0;
  for (let i = 1; i < scores.length; i++) s += (scores[i - 1] + scores[i]) * h / 2;
  return s;
}

/**
 * Separable Gaussian blur of an `[H, W, C]` image, borders clamped.
 *
 * @param pixels `height * width * channels` values, channels last.
 * @param height Rows.
 * @param width Columns.
 * @param channels Channels.
 * @param sigma Standard deviation in pixels; the kernel spans 3 sigma each side.
 * @returns A new, blurred array.
 * @example
 * ```ts
 * const soft = gaussianBlur(pixels, 64, 64, 3, 2);
 * ```
 */
export function gaussianBlur(
  pixels: Float32Array,
  height: number,
  width: number,
  channels: number,
  sigma: number,
): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(pixels.length), out = new Float32Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let i = -r; i <= r; i++) {
          s += k[i + r] * pixels[(y * width + Math.min(width - 1, Math.max(0, x + i))) * channels + c];
        }
        tmp[(y * width + x) * channels + c] = s;
      }
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let i = -r; i <= r; i++) {
          s += k[i + r] * tmp[(Math.min(height - 1, Math.max(0, y + i)) * width + x) * channels + c];
        }
        out[(y * width + x) * channels + c] = s;
      }
    }
  }
  return out;
}

/**
 * The deletion and insertion metrics: the class probability as the
 * heatmap's most salient pixels are removed from the image (set to the
 * baseline), and as they are revealed on the baseline, in `steps` equal
 * steps. Pixels are ranked by heatmap value, descending; ties keep
 * row-major order. Each step changes `round(k * H * W / steps)` pixels, all
 * channels.
 *
 * @param model The classifier, whose output is class probabilities. Not modified.
 * @param image `[H, W, C]` or `[1, H, W, C]`. Stays the caller's.
 * @param heatmap `H * W` values, row-major (e.g. `gradCam(...).heatmap`).
 * @param options Steps, class, baseline, blur, batch size.
 * @returns Both curves and their AUCs; nothing to dispose.
 * @throws {RangeError} For a heatmap of the wrong size, steps < 1 or a bad class index.
 * @example
 * ```ts
 * const cam = await gradCam(built, image);
 * const { deletion, insertion } = await deletionInsertion(built, image, cam.heatmap, { classIndex: cam.classIndex });
 * console.log(deletion.auc, insertion.auc);
 * ```
 */
export async function deletionInsertion(
  model: ExplainableModel,
  image: tf.Tensor3D | tf.Tensor4D,
  heatmap: ArrayLike<number>,
  options: DeletionInsertionOptions = {},
): Promise<DeletionInsertionResult> {
  const { model: m } = unwrapModel(model);
  const { steps = 20, baseline = "zero", batchSize = 8 } = options;
  if (!(Number.isInteger(steps) && steps >= 1)) {
    throw new RangeError(`steps must be a positive integer. Received: ${steps}`);
  }
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`batchSize must be a positive integer. Received: ${batchSize}`);
  }
  if (baseline !== "zero" && baseline !== "blur") {
    throw new RangeError(`Unknown baseline "${baseline}". Valid baselines are: zero, blur`);
  }
  const x = asBatchOfOne(image);
  const [, height, width, channels] = x.shape;
  let pixels: Float32Array;
  try {
    pixels = (await x.data()) as Float32Array;
  } finally {
    if (x !== image) x.dispose();
  }
  const n = height * width;
  if (heatmap.length !== n) {
    throw new RangeError(`The heatmap must have ${height}x${width} = ${n} values. Received: ${heatmap.length}`);
  }
  const sigma = options.blurSigma ?? Math.max(1, 5 * Math.min(height, width) / 224);
  const base = baseline === "blur"
    ? gaussianBlur(pixels, height, width, channels, sigma)
    : new Float32Array(pixels.length);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (heatmap[b] - heatmap[a]) || (a - b));

  // The 2 * (steps + 1) images, deletion first, made incrementally.
  const size = n * channels;
  const images: Float32Array[] = [];
  const deleted = pixels.slice(), inserted = base.slice();
  let done = 0;
  const dels: Float32Array[] = [], ins: Float32Array[] = [];
  for (let k = 0; k <= steps; k++) {
    const upto = Math.round((k * n) / steps);
    for (; done < upto; done++) {
      const p = order[done] * channels;
      for (let c = 0; c < channels; c++) {
        deleted[p + c] = base[p + c];
        inserted[p + c] = pixels[p + c];
      }
    }
    dels.push(deleted.slice());
    ins.push(inserted.slice());
  }
  images.push(...dels, ...ins);

  const probs: Float32Array[] = [];
  for (let i = 0; i < images.length; i += batchSize) {
    const chunk = images.slice(i, i + batchSize);
    const batch = new Float32Array(chunk.length * size);
    chunk.forEach((im, j) => batch.set(im, j * size));
    const out = tf.tidy(() => m.predict(tf.tensor4d(batch, [chunk.length, height, width, channels])) as tf.Tensor);
    try {
      const classes = out.shape[out.rank - 1] as number;
      const data = (await out.data()) as Float32Array;
      for (let j = 0; j < chunk.length; j++) probs.push(data.slice(j * classes, (j + 1) * classes));
    } finally {
      out.dispose();
    }
  }
  const classes = probs[0].length;
  const classIndex = options.classIndex ?? argmax(probs[0]);
  if (!(Number.isInteger(classIndex) && classIndex >= 0 && classIndex < classes)) {
    throw new RangeError(`classIndex must be an integer in [0, ${classes}). Received: classIndex=${classIndex}`);
  }
  const fractions = Array.from({ length: steps + 1 }, (_, k) => k / steps);
  const curve = (from: number): SaliencyCurve => {
    const scores = probs.slice(from, from + steps + 1).map((p) => p[classIndex]);
    return { fractions, scores, auc: trapezoidAuc(scores) };
  };
  return { classIndex, deletion: curve(0), insertion: curve(steps + 1) };
}
