/**
 * Random zoom about the image centre.
 *
 * @module
 */
import { type FillMode, randomAffine } from "./random_affine.ts";
import type { NumberRange, Transform } from "./types.ts";

/** Options of {@link randomZoom}. */
export interface RandomZoomOptions {
  /**
   * Magnification factor range; above 1 zooms in. A number `z` means
   * `[1 - z, 1 + z]`. Default `[1, 1.2]`.
   */
  factor?: number | NumberRange;
  /** Fill outside the source image. Default `"constant"` (0). */
  fillMode?: FillMode;
}

/**
 * Random zoom, each image with its own factor: {@link randomAffine} with no rotation.
 * Combine it with a rotation through `randomAffine` to resample once instead of twice.
 *
 * @param options The factor range and fill.
 * @returns The transform; its `apply` returns a new tensor that the caller disposes.
 * @example
 * ```ts
 * const zoomed = randomZoom({ factor: [1, 1.2] }).apply(batch, 3);
 * ```
 */
export function randomZoom(options: RandomZoomOptions = {}): Transform {
  const affine = randomAffine({ zoom: options.factor ?? [1, 1.2], fillMode: options.fillMode });
  return { name: "randomZoom", apply: (batch, seed) => affine.apply(batch, seed) };
}
