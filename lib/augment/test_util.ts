/**
 * Helpers shared by the augmentation tests (not re-exported).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random.ts";

/**
 * A batch of seeded random images in [lo, hi].
 *
 * @param shape `[N, H, W, C]`.
 * @param seed Seed of the values.
 * @param lo Smallest value. Default 0.
 * @param hi Largest value. Default 1.
 * @returns A new tensor; the caller disposes it.
 */
export function randomBatch(shape: [number, number, number, number], seed: number, lo = 0, hi = 1): tf.Tensor4D {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(Float32Array.from({ length: size }, () => rng.uniform(lo, hi)), shape);
}

/**
 * Reads a tensor into nested arrays `[n][y][x][c]`.
 *
 * @param t The tensor; left undisposed.
 * @returns Its values.
 */
export function read4d(t: tf.Tensor4D): number[][][][] {
  return t.arraySync();
}

/**
 * The largest absolute difference between two equally shaped tensors.
 *
 * @param a First tensor.
 * @param b Second tensor.
 * @returns max |a - b|.
 */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
