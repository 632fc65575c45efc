/**
 * The shape every augmentation transform shares.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/**
 * A closed range `[lo, hi]` to draw a parameter from uniformly. `lo === hi`
 * fixes the parameter.
 */
export type NumberRange = readonly [number, number];

/**
 * One seeded, batch-wise augmentation step, MONAI-style: the same batch and
 * seed always give the same result, and each image of the batch draws its
 * own parameters.
 */
export interface Transform {
  /** A short name for logs, e.g. `randomAffine`. */
  readonly name: string;
  /**
   * Augments a batch.
   *
   * @param batch Images `[N, H, W, C]`, values in [0, 1]; left untouched.
   * @param seed Seed of this call's random draws (any integer).
   * @returns A new tensor of the batch's shape, even when nothing changed; the caller disposes it.
   */
  apply(batch: tf.Tensor4D, seed: number): tf.Tensor4D;
}
