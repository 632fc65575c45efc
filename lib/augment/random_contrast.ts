/**
 * Random contrast around each image's mean.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random.ts";
import { checkBatch, toRange } from "./range.ts";
import type { NumberRange, Transform } from "./types.ts";

/** Options of {@link randomContrast}. */
export interface RandomContrastOptions {
  /**
   * Contrast factor range, at least 0; 1 keeps the image, 0 flattens it to
   * its mean. A number `c` means `[1 - c, 1 + c]`. Default `[0.8, 1.2]`.
   */
  factor?: number | NumberRange;
}

/**
 * Scales each image's deviation from its own mean by a random factor:
 * `mean + factor * (x - mean)`, per channel as `tf.image.adjust_contrast`
 * does, then clips to [0, 1]. Before the clip the mean is unchanged, so the
 * transform alters contrast, not brightness. One draw per image in batch
 * order from `createRng(seed)`.
 *
 * @param options The factor range.
 * @returns The transform; its `apply` returns a new tensor that the caller disposes.
 * @throws {RangeError} For a reversed or negative range.
 * @example
 * ```ts
 * const out = randomContrast({ factor: [0.8, 1.2] }).apply(batch, 5);
 * ```
 */
export function randomContrast(options: RandomContrastOptions = {}): Transform {
  const factor = toRange("factor", options.factor ?? [0.8, 1.2], 1, 0);
  return {
    name: "randomContrast",
    apply(batch, seed) {
      checkBatch("randomContrast", batch);
      const rng = createRng(seed);
      const factors = Array.from({ length: batch.shape[0] }, () => rng.uniform(factor[0], factor[1]));
      if (factors.every((f) => f === 1)) return batch.clone();
      return tf.tidy(() => {
        const mean = tf.mean(batch, [1, 2], true);
        const f = tf.tensor4d(factors, [factors.length, 1, 1, 1], "float32");
        return tf.clipByValue(tf.add(mean, tf.mul(f, tf.sub(batch, mean))), 0, 1) as tf.Tensor4D;
      });
    },
  };
}
