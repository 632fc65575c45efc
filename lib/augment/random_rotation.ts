/**
 * Random rotation about the image centre.
 *
 * @module
 */
import { type FillMode, randomAffine } from "./random_affine.ts";
import type { NumberRange, Transform } from "./types.ts";

/** Options of {@link randomRotation}. */
export interface RandomRotationOptions {
  /**
   * Angle range in degrees, positive counter-clockwise as displayed. A number
   * `d` means `[-d, d]`. Default `[-10, 10]`.
   */
  degrees?: number | NumberRange;
  /** Fill outside the source image. Default `"constant"` (0). */
  fillMode?: FillMode;
}

/**
 * Random rotation, each image with its own angle: {@link randomAffine} with no zoom.
 * Combine it with a zoom through `randomAffine` to resample once instead of twice.
 *
 * @param options The angle range and fill.
 * @returns The transform; its `apply` returns a new tensor that the caller disposes.
 * @example
 * ```ts
 * const rotated = randomRotation({ degrees: 15 }).apply(batch, 3);
 * ```
 */
export function randomRotation(options: RandomRotationOptions = {}): Transform {
  const affine = randomAffine({ rotation: options.degrees ?? [-10, 10], fillMode: options.fillMode });
  return { name: "randomRotation", apply: (batch, seed) => affine.apply(batch, seed) };
}
