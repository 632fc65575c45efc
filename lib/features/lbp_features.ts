/**
 * The normalised histogram of uniform LBP codes as a feature vector.
 *
 * @module
 */
import { checkOptionKeys } from "./_util.ts";
import { localBinaryPattern, type LocalBinaryPatternOptions } from "./local_binary_pattern.ts";
import { toGrayImageData } from "./to_gray_image_data.ts";
import type { FeatureImage, FeatureVector } from "./types.ts";

/** Options of {@link lbpFeatures}: those of {@link localBinaryPattern} plus the border rule. */
export interface LbpFeaturesOptions extends LocalBinaryPatternOptions {
  /**
   * Which pixels the histogram counts. `"zero"` (default, scikit-image's
   * behaviour): every pixel, reading neighbours outside the image as 0.
   * `"exclude"`: only pixels whose whole circle lies inside the image
   * (at least `ceil(radius)` pixels from every edge); an image with no such
   * pixel gives an all-zero histogram.
   */
  border?: "zero" | "exclude";
}

const KEYS = ["points", "radius", "border"] as const;
const BORDERS = ["zero", "exclude"] as const;

/**
 * The normalised histogram of rotation-invariant uniform LBP codes
 * ({@link localBinaryPattern}, default P = 8, R = 1): P + 2 = 10 bins that sum
 * to 1, bin k < P + 1 counting uniform patterns with k ones and the last bin
 * all non-uniform patterns, i.e.
 * `np.histogram(codes, bins=P + 2, range=(0, P + 2))[0] / codes.size`.
 * Names read `lbp_0` … `lbp_8` and `lbp_nonuniform`.
 *
 * Reference: T. Ojala, M. Pietikäinen, T. Mäenpää, "Multiresolution Gray-Scale
 * and Rotation Invariant Texture Classification with Local Binary Patterns",
 * IEEE TPAMI 24(7):971-987, 2002.
 *
 * @param image The image.
 * @param options Neighbours, radius and border rule.
 * @returns P + 2 features and their names.
 * @throws {RangeError} For a bad image or option.
 * @example
 * ```ts
 * const { features, names } = lbpFeatures({ width: 96, height: 96, data: pixels });
 * // features.length === 10, names[9] === "lbp_nonuniform"
 * ```
 */
export function lbpFeatures(image: FeatureImage, options: LbpFeaturesOptions = {}): FeatureVector {
  checkOptionKeys("lbpFeatures()", options, KEYS);
  const { border = "zero", ...lbpOptions } = options;
  if (!(BORDERS as readonly string[]).includes(border)) {
    throw new RangeError(`Invalid LBP border "${border}". Valid values are: ${BORDERS.join(", ")}`);
  }
  const { width, height } = toGrayImageData(image, "lbpFeatures()");
  const codes = localBinaryPattern(image, lbpOptions);
  const P = lbpOptions.points ?? 8;
  const m = border === "exclude" ? Math.ceil(lbpOptions.radius ?? 1) : 0;
  const counts = new Float64Array(P + 2);
  let total = 0;
  for (let r = m; r < height - m; r++) {
    for (let c = m; c < width - m; c++) {
      counts[codes[r * width + c]]++;
      total++;
    }
  }
  const features = Array.from(counts, (n) => total > 0 ? n / total : 0);
  const names = features.map((_, k) => k === P + 1 ? "lbp_nonuniform" : `lbp_${k}`);
  return { features, names };
}
