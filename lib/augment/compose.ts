/**
 * Chains transforms into one, MONAI-style.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random.ts";
import type { Transform } from "./types.ts";

/**
 * Applies transforms in order, each to the previous one's output.
 *
 * The seed flows down: `createRng(seed)` forks one child seed per transform,
 * in list order, so a pipeline is reproducible from one seed, and changing
 * one transform's options leaves the draws of the others as they were.
 *
 * @param transforms Applied first to last; an empty list copies the batch.
 * @returns The chained transform; its `apply` returns a new tensor that the caller
 *   disposes and frees every intermediate.
 * @example
 * ```ts
 * const pipeline = compose([randomAffine({ rotation: 10 }), randomContrast()]);
 * const out = pipeline.apply(batch, 42);
 * ```
 */
export function compose(transforms: readonly Transform[]): Transform {
  const list = [...transforms];
  return {
    name: `compose(${list.map((t) => t.name).join(", ")})`,
    apply(batch, seed) {
      const rng = createRng(seed);
      const seeds = list.map(() => rng.fork());
      return tf.tidy(() => list.reduce((x, t, i) => t.apply(x, seeds[i]), batch.clone()));
    },
  };
}
