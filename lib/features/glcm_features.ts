/**
 * GLCM (Haralick) texture features as one flat vector.
 *
 * @module
 */
import { checkOptionKeys, nameNumber } from "./_util.ts";
import { grayCoMatrix, type GrayCoMatrixOptions } from "./gray_co_matrix.ts";
import { GLCM_PROPS, type GlcmProp, grayCoProps } from "./gray_co_props.ts";
import type { FeatureImage, FeatureVector } from "./types.ts";

/** Options of {@link glcmFeatures}: those of {@link grayCoMatrix} plus the properties. */
export interface GlcmFeaturesOptions extends GrayCoMatrixOptions {
  /** Properties, in output order. Default `["contrast", "correlation", "energy", "homogeneity"]`. */
  props?: readonly GlcmProp[];
}

const KEYS = ["levels", "distances", "angles", "symmetric", "normed", "props"] as const;

/**
 * Haralick GLCM texture features: {@link grayCoMatrix} (defaults: 8 levels,
 * distances `[1, 2]`, angles 0/45/90/135°, symmetric, normed) then
 * {@link grayCoProps} for each property. The vector is ordered property,
 * then distance, then angle, i.e. scikit-image's
 * `np.hstack([graycoprops(P, p).ravel() for p in props])`; names read
 * `glcm_<prop>_d<distance>_a<degrees>`, e.g. `glcm_contrast_d1_a45`.
 * 4 properties x 2 distances x 4 angles = 32 values by default.
 *
 * Reference: R. M. Haralick, K. Shanmugam, I. Dinstein, "Textural Features
 * for Image Classification", IEEE Trans. SMC 3(6):610-621, 1973.
 *
 * @param image The image, intensities in [0, 1].
 * @param options Quantisation, offsets and properties.
 * @returns The features and their names.
 * @throws {RangeError} For a bad image or option.
 * @example
 * ```ts
 * const { features, names } = glcmFeatures({ width: 96, height: 96, data: pixels });
 * // features.length === 32, names[0] === "glcm_contrast_d1_a0"
 * ```
 */
export function glcmFeatures(image: FeatureImage, options: GlcmFeaturesOptions = {}): FeatureVector {
  checkOptionKeys("glcmFeatures()", options, KEYS);
  const { props = ["contrast", "correlation", "energy", "homogeneity"], ...matrixOptions } = options;
  if (props.length === 0) throw new RangeError(`glcmFeatures() needs at least one property of: ${GLCM_PROPS}`);
  const glcm = grayCoMatrix(image, matrixOptions);
  const features: number[] = [];
  const names: string[] = [];
  for (const prop of props) {
    const values = grayCoProps(glcm, prop);
    glcm.distances.forEach((d, di) =>
      glcm.angles.forEach((a, ai) => {
        features.push(values[di][ai]);
        names.push(`glcm_${prop}_d${nameNumber(d)}_a${nameNumber(a)}`);
      })
    );
  }
  return { features, names };
}
