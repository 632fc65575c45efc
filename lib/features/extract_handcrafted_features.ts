/**
 * All handcrafted features of one image in one vector.
 *
 * @module
 */
import { checkOptionKeys } from "./_util.ts";
import { glcmFeatures, type GlcmFeaturesOptions } from "./glcm_features.ts";
import { hogFeatures, type HogFeaturesOptions } from "./hog_features.ts";
import { intensityFeatures, type IntensityFeaturesOptions } from "./intensity_features.ts";
import { lbpFeatures, type LbpFeaturesOptions } from "./lbp_features.ts";
import { toGrayImageData } from "./to_gray_image_data.ts";
import type { FeatureImage, FeatureVector } from "./types.ts";

/**
 * Options of {@link extractHandcraftedFeatures}: each group's options, or
 * `false` to leave the group out. Omitted groups use their defaults.
 */
export interface HandcraftedFeaturesOptions {
  /** {@link glcmFeatures} options, or false. */
  glcm?: GlcmFeaturesOptions | false;
  /** {@link lbpFeatures} options, or false. */
  lbp?: LbpFeaturesOptions | false;
  /** {@link hogFeatures} options, or false. */
  hog?: HogFeaturesOptions | false;
  /** {@link intensityFeatures} options, or false. */
  intensity?: IntensityFeaturesOptions | false;
}

const KEYS = ["glcm", "lbp", "hog", "intensity"] as const;

/**
 * Concatenates the handcrafted feature groups, in this order: GLCM texture
 * ({@link glcmFeatures}), uniform LBP histogram ({@link lbpFeatures}), HOG
 * ({@link hogFeatures}) and intensity statistics ({@link intensityFeatures}).
 * With all defaults that is 32 + 10 + 900 + 26 = 968 values for a 96x96
 * image (32 + 10 + 324 + 26 = 392 at 64x64). Names are prefixed by group
 * (`glcm_`, `lbp_`, `hog_`, `intensity_`) and unique.
 *
 * @param image The image, intensities in [0, 1]; `{ width, height, data }`
 *   or `{ image, size }` (e.g. a phantom item).
 * @param options Per-group options; `false` drops a group.
 * @returns The feature vector and a parallel array of names.
 * @throws {RangeError} For a bad image or option, or when every group is dropped.
 * @example
 * ```ts
 * const { features, names } = extractHandcraftedFeatures({ width: 96, height: 96, data: pixels });
 * // features.length === names.length === 968
 * ```
 */
export function extractHandcraftedFeatures(
  image: FeatureImage,
  options: HandcraftedFeaturesOptions = {},
): FeatureVector {
  checkOptionKeys("extractHandcraftedFeatures()", options, KEYS);
  const im = toGrayImageData(image, "extractHandcraftedFeatures()");
  const parts: FeatureVector[] = [];
  if (options.glcm !== false) parts.push(glcmFeatures(im, options.glcm));
  if (options.lbp !== false) parts.push(lbpFeatures(im, options.lbp));
  if (options.hog !== false) parts.push(hogFeatures(im, options.hog));
  if (options.intensity !== false) parts.push(intensityFeatures(im, options.intensity));
  if (parts.length === 0) {
    throw new RangeError(`extractHandcraftedFeatures() needs at least one feature group of: ${KEYS.join(", ")}`);
  }
  return { features: parts.flatMap((p) => p.features), names: parts.flatMap((p) => p.names) };
}
