/**
 * Random horizontal flip.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random.ts";
import { checkBatch } from "./range.ts";
import type { Transform } from "./types.ts";

/** Options of {@link randomFlip}. */
export interface RandomFlipOptions {
  /** Chance that an image is mirrored left-right, in [0, 1]. Default 0.5. */
  probability?: number;
}

/**
 * Mirrors each image left-right (reverses the width axis) with the given
 * probability, one draw per image in batch order from `createRng(seed)`.
 *
 * On sagittal spine slices a flip swaps anterior and posterior, which real
 * scans displayed by convention never do; {@link createAugmentation} leaves it off by default.
 *
 * @param options The flip probability.
 * @returns The transform; its `apply` returns a new tensor that the caller disposes.
 * @throws {RangeError} When the probability is outside [0, 1].
 * @example
 * ```ts
 * const out = randomFlip({ probability: 0.5 }).apply(batch, 11);
 * ```
 */
export function randomFlip(options: RandomFlipOptions = {}): Transform {
  const { probability = 0.5 } = options;
  if (!(probability >= 0 && probability <= 1)) {
    throw new RangeError(`probability must be in [0, 1]. Received: probability=${probability}`);
  }
  return {
    name: "randomFlip",
    apply(batch, seed) {
      checkBatch("randomFlip", batch);
      const rng = createRng(seed);
      const flip = Array.from({ length: batch.shape[0] }, () => rng.next() < probability);
      if (!flip.some((f) => f)) return batch.clone();
      return tf.tidy(() => {
        const flipped = tf.image.flipLeftRight(batch);
        if (flip.every((f) => f)) return flipped;
        // Per image: a [N, 1, 1, 1] mask broadcast over the pixels picks flipped or original.
        const mask = tf.tensor4d(flip, [flip.length, 1, 1, 1], "bool");
        return tf.where(tf.broadcastTo(mask, batch.shape), flipped, batch) as tf.Tensor4D;
      });
    },
  };
}
