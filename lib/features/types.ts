/**
 * The image and result shapes that every handcrafted feature extractor shares.
 *
 * @module
 */

/**
 * A grayscale image of any aspect ratio, laid out like the DOM's `ImageData`:
 * `data[y * width + x]`, row-major, one value per pixel, intensities in [0, 1].
 */
export interface GrayImageData {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** `width * height` values, row-major, in [0, 1]. */
  data: Float32Array;
}

/**
 * A square grayscale image as the rest of the project stores it
 * (`GrayImage` in `lib/report/png.ts`, `PhantomImage` in `lib/data/phantom.ts`):
 * `size * size` row-major values in [0, 1]. Phantom items can be passed as they are.
 */
export interface SquareGrayImage {
  /** `size * size` values, row-major, in [0, 1]. */
  image: Float32Array;
  /** Side length in pixels. */
  size: number;
}

/** Any image the feature extractors accept. */
export type FeatureImage = GrayImageData | SquareGrayImage;

/** A flat feature vector with one name per value, in the same order. */
export interface FeatureVector {
  /** Feature values. */
  features: number[];
  /** `names[k]` names `features[k]`, e.g. `glcm_contrast_d1_a0`. */
  names: string[];
}
