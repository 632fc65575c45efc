/**
 * Random zoom and rotation about the image centre, as one resampling.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random.ts";
import { checkBatch, toRange } from "./range.ts";
import type { NumberRange, Transform } from "./types.ts";

/** How pixels that map from outside the image are filled. */
export type FillMode = "constant" | "nearest" | "reflect";

/** Options of {@link randomAffine}. */
export interface RandomAffineOptions {
  /**
   * Magnification factor range; above 1 zooms in. A number `z` means
   * `[1 - z, 1 + z]`. Default `[1, 1]` (no zoom).
   */
  zoom?: number | NumberRange;
  /**
   * Rotation in degrees, positive counter-clockwise as displayed. A number `d`
   * means `[-d, d]`. Default `[0, 0]` (no rotation).
   */
  rotation?: number | NumberRange;
  /**
   * Fill outside the source image. Default `"constant"` with {@link RandomAffineOptions.fillValue}:
   * MRI is dark outside the field of view, whereas `"nearest"` smears edge tissue into streaks.
   */
  fillMode?: FillMode;
  /** Value for `fillMode: "constant"`. Default 0. */
  fillValue?: number;
  /** Resampling. Default `"bilinear"`. */
  interpolation?: "bilinear" | "nearest";
}

/**
 * The `tf.image.transform` row that zooms by `zoom` and rotates by `degrees`
 * about the centre of an `height` x `width` image.
 *
 * The row maps each output pixel back to the input point it samples, so it
 * holds the inverse: input = centre + R(-angle) (output - centre) / zoom, in
 * pixel-index coordinates (x right, y down, centre at `(width - 1) / 2`).
 *
 * @param zoom Magnification, > 0.
 * @param degrees Rotation, counter-clockwise as displayed.
 * @param height Image height in pixels.
 * @param width Image width in pixels.
 * @returns `[a0, a1, a2, b0, b1, b2, 0, 0]`.
 * @example
 * ```ts
 * affineMatrix(1, 0, 32, 32); // [1, 0, 0, 0, 1, 0, 0, 0], the identity
 * ```
 */
export function affineMatrix(zoom: number, degrees: number, height: number, width: number): number[] {
  const rad = (degrees * Math.PI) / 180;
  // Snap the 1e-17 leftovers of multiples of 90 degrees, so those rotations resample exactly.
  const snap = (v: number) => (Math.abs(v) < 1e-12 ? 0 : v);
  const cos = snap(Math.cos(rad)) / zoom, sin = snap(Math.sin(rad)) / zoom;
  const cx = (width - 1) / 2, cy = (height - 1) / 2;
  const a0 = cos, a1 = -sin, b0 = sin, b1 = cos;
  return [a0, a1, cx - a0 * cx - a1 * cy, b0, b1, cy - b0 * cx - b1 * cy, 0, 0];
}

/**
 * Random zoom and rotation, each image with its own draw, combined into one
 * projective transform per image so the batch is resampled once.
 *
 * Draws, per image in batch order: the zoom, then the angle, from
 * `createRng(seed)`.
 *
 * @param options Ranges, fill and interpolation; the defaults change nothing.
 * @returns The transform; its `apply` returns a new tensor that the caller disposes.
 * @throws {RangeError} For a reversed range or a zoom that is not positive.
 * @example
 * ```ts
 * const affine = randomAffine({ zoom: [1, 1.2], rotation: 10 });
 * const out = affine.apply(batch, 7); // caller disposes out
 * ```
 */
export function randomAffine(options: RandomAffineOptions = {}): Transform {
  const zoom = toRange("zoom", options.zoom ?? [1, 1], 1, 0, true);
  const rotation = toRange("rotation", options.rotation ?? [0, 0], 0);
  const { fillMode = "constant", fillValue = 0, interpolation = "bilinear" } = options;
  const fillModes: readonly FillMode[] = ["constant", "nearest", "reflect"];
  if (!fillModes.includes(fillMode)) {
    throw new RangeError(`Invalid fillMode "${fillMode}". Valid fill modes are: ${fillModes.join(", ")}`);
  }
  return {
    name: "randomAffine",
    apply(batch, seed) {
      checkBatch("randomAffine", batch);
      const [n, height, width] = batch.shape;
      const rng = createRng(seed);
      const rows: number[][] = [];
      let identity = true;
      for (let i = 0; i < n; i++) {
        const z = rng.uniform(zoom[0], zoom[1]), deg = rng.uniform(rotation[0], rotation[1]);
        if (z !== 1 || deg !== 0) identity = false;
        rows.push(affineMatrix(z, deg, height, width));
      }
      // Skip the resampling when no image moves: cheaper, and exact by construction.
      if (identity || n === 0) return batch.clone();
      return tf.tidy(() =>
        tf.image.transform(batch, tf.tensor2d(rows, [n, 8], "float32"), interpolation, fillMode, fillValue)
      );
    },
  };
}
