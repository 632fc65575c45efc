/**
 * Handcrafted features of a batch of images as a matrix.
 *
 * @module
 */
import { extractHandcraftedFeatures, type HandcraftedFeaturesOptions } from "./extract_handcrafted_features.ts";
import { toGrayImageData } from "./to_gray_image_data.ts";
import type { FeatureImage } from "./types.ts";

/** A feature matrix: one row per image, one column per name. */
export interface FeatureMatrix {
  /** `features[i][k]` is feature `names[k]` of image `i`. */
  features: number[][];
  /** Column names, shared by every row. */
  names: string[];
}

/**
 * {@link extractHandcraftedFeatures} for every image, as rows of a matrix
 * for an SVM or PCA. The images must all have the same size (resize them
 * first if not), so that every row has the same columns.
 *
 * @param images The images, intensities in [0, 1]. An empty list gives an
 *   empty matrix with no names.
 * @param options Per-group options, as for {@link extractHandcraftedFeatures}.
 * @returns The rows, in input order, and the column names.
 * @throws {RangeError} When an image's size differs from the first one's,
 *   or for a bad image or option.
 * @example
 * ```ts
 * const { features, names } = extractHandcraftedFeatureMatrix(phantomItems, { hog: false });
 * // features.length === phantomItems.length, features[0].length === names.length
 * ```
 */
export function extractHandcraftedFeatureMatrix(
  images: readonly FeatureImage[],
  options: HandcraftedFeaturesOptions = {},
): FeatureMatrix {
  const caller = "extractHandcraftedFeatureMatrix()";
  if (images.length === 0) return { features: [], names: [] };
  const first = toGrayImageData(images[0], caller);
  let names: string[] = [];
  const features = images.map((image, i) => {
    const im = toGrayImageData(image, caller);
    if (im.width !== first.width || im.height !== first.height) {
      throw new RangeError(
        `${caller} needs images of one size: image ${i} is ${im.width}x${im.height}, ` +
          `image 0 is ${first.width}x${first.height}`,
      );
    }
    const row = extractHandcraftedFeatures(im, options);
    if (i === 0) names = row.names;
    return row.features;
  });
  return { features, names };
}
