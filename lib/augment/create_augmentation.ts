/**
 * The training augmentation pipeline: zoom and rotation, flip, contrast.
 *
 * @module
 */
import { compose } from "./compose.ts";
import { type FillMode, randomAffine } from "./random_affine.ts";
import { randomContrast } from "./random_contrast.ts";
import { randomFlip } from "./random_flip.ts";
import { toRange } from "./range.ts";
import type { NumberRange, Transform } from "./types.ts";

/** Options of {@link createAugmentation}; each default is mild, as a training set up would use. */
export interface AugmentOptions {
  /** Magnification range, above 1 zooms in; a number `z` means `[1 - z, 1 + z]`. Default `[1, 1.15]`. */
  zoom?: number | NumberRange;
  /** Rotation in degrees, counter-clockwise as displayed; a number `d` means `[-d, d]`. Default `[-10, 10]`. */
  rotation?: number | NumberRange;
  /**
   * Chance of a left-right flip. Default 0: on sagittal slices a flip swaps
   * anterior and posterior, which scans shown by convention never do.
   */
  flip?: number;
  /** Contrast factor range around each image's mean; a number `c` means `[1 - c, 1 + c]`. Default `[0.85, 1.15]`. */
  contrast?: number | NumberRange;
  /** Fill where zoom or rotation reaches outside the image. Default `"constant"` (0, dark as MRI background). */
  fillMode?: FillMode;
}

/** {@link AugmentOptions} with every default filled in and ranges as `[lo, hi]`: what a checkpoint records. */
export interface ResolvedAugmentOptions {
  zoom: NumberRange;
  rotation: NumberRange;
  flip: number;
  contrast: NumberRange;
  fillMode: FillMode;
}

/** The defaults of {@link createAugmentation}. */
export const DEFAULT_AUGMENT_OPTIONS: Readonly<ResolvedAugmentOptions> = Object.freeze<ResolvedAugmentOptions>({
  zoom: [1, 1.15],
  rotation: [-10, 10],
  flip: 0,
  contrast: [0.85, 1.15],
  fillMode: "constant",
});

/** A seeded augmentation pipeline. */
export interface Augmentation extends Transform {
  /** The options in force, defaults filled in. */
  readonly options: Readonly<ResolvedAugmentOptions>;
  /** The steps, in the order applied. */
  readonly transforms: readonly Transform[];
}

/**
 * Builds the augmentation pipeline: one resampling for zoom and rotation
 * about the centre, then a horizontal flip, then contrast, chained with
 * {@link compose}. Every image of a batch draws its own parameters; the same
 * batch and seed give the same output.
 *
 * @param options Ranges and probabilities; omitted ones take {@link DEFAULT_AUGMENT_OPTIONS}.
 * @returns The pipeline; its `apply(batch, seed)` returns a new tensor that the caller disposes.
 * @throws {RangeError} For a reversed range, a zoom that is not positive, a negative
 *   contrast, or a flip probability outside [0, 1], repeating the bad value.
 * @example
 * ```ts
 * const augment = createAugmentation({ rotation: 15 });
 * const xb = augment.apply(batch, rng.fork()); // a new seed per training step
 * // ... train on xb ...
 * xb.dispose();
 * ```
 */
export function createAugmentation(options: AugmentOptions = {}): Augmentation {
  const d = DEFAULT_AUGMENT_OPTIONS;
  const resolved: ResolvedAugmentOptions = {
    zoom: toRange("zoom", options.zoom ?? d.zoom, 1, 0, true),
    rotation: toRange("rotation", options.rotation ?? d.rotation, 0),
    flip: options.flip ?? d.flip,
    contrast: toRange("contrast", options.contrast ?? d.contrast, 1, 0),
    fillMode: options.fillMode ?? d.fillMode,
  };
  const transforms = [
    randomAffine({ zoom: resolved.zoom, rotation: resolved.rotation, fillMode: resolved.fillMode }),
    randomFlip({ probability: resolved.flip }),
    randomContrast({ factor: resolved.contrast }),
  ];
  const pipeline = compose(transforms);
  return {
    name: "augmentation",
    options: Object.freeze(resolved),
    transforms,
    apply: (batch, seed) => pipeline.apply(batch, seed),
  };
}
