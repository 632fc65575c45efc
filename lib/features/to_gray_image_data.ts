/**
 * Normalises and checks an input image for the feature extractors.
 *
 * @module
 */
import type { FeatureImage, GrayImageData } from "./types.ts";

/**
 * Returns `image` as {@link GrayImageData} after checking it: positive integer
 * sides, `width * height` values, all finite. A {@link SquareGrayImage}
 * (`{ image, size }`, e.g. a phantom item) is viewed without copying.
 *
 * @param image The image, either `{ width, height, data }` or `{ image, size }`.
 * @param caller Function name used in error messages. Default `toGrayImageData()`.
 * @returns The same pixels as `{ width, height, data }` (the data is shared, not copied).
 * @throws {RangeError} For bad sides, a wrong number of values or a non-finite value.
 * @example
 * ```ts
 * const im = toGrayImageData({ image: new Float32Array(4), size: 2 });
 * // im.width === 2, im.height === 2
 * ```
 */
export function toGrayImageData(image: FeatureImage, caller = "toGrayImageData()"): GrayImageData {
  const im: GrayImageData = "data" in image ? image : { width: image.size, height: image.size, data: image.image };
  const { width, height, data } = im;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${caller} needs positive integer image sides. Received: ${width}x${height}`);
  }
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`${caller} needs image data as a Float32Array`);
  }
  if (data.length !== width * height) {
    throw new RangeError(
      `${caller} got ${data.length} pixel values for a ${width}x${height} image, expected ${width * height}`,
    );
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      throw new RangeError(`${caller} got a non-finite pixel value ${data[k]} at index ${k}`);
    }
  }
  return im;
}
