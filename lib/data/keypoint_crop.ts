/**
 * Exact square crops around a point of a full-resolution grayscale image,
 * padded where they leave the image.
 *
 * @module
 */

/** A decoded grayscale image at its own resolution. */
export interface GrayImage {
  /** Row-major, `width * height` values in [0, 1]. */
  pixels: Float32Array;
  width: number;
  height: number;
}

/** How a crop is filled where it leaves the image. */
export type CropPadding = "zero" | "edge";

/** Size and padding of crops. Plain JSON, stored in data specs. */
export interface KeypointCrop {
  /** Side as a fraction of the image's height. Default 0.2 when `pixels` is not given. */
  fraction?: number;
  /** Side in pixels of the original image; give this or `fraction`. */
  pixels?: number;
  /**
   * "zero" (default): black outside the image, as outside an MRI's field of
   * view. "edge": the nearest border pixel repeated.
   */
  padding?: CropPadding;
}

/**
 * The default crop side, 20% of the image height: on Tianchi's mid-sagittal
 * slices a disc, the spinal canal behind it (where a herniation shows) and
 * most of each neighbouring vertebra. At 15% the canal is cut off.
 */
export const DEFAULT_CROP_FRACTION = 0.2;

/**
 * The side in pixels of the crops of one image.
 *
 * @param crop The crop's settings.
 * @param imageHeight Rows of the image.
 * @returns A side of at least 1 pixel: `pixels`, or `round(fraction * imageHeight)`.
 * @throws {RangeError} When both or invalid values are given.
 * @example
 * ```ts
 * cropSide({ fraction: 0.15 }, 400); // 60
 * ```
 */
export function cropSide(crop: KeypointCrop | undefined, imageHeight: number): number {
  const { fraction, pixels } = crop ?? {};
  if (fraction != null && pixels != null) {
    throw new RangeError(`Give a crop fraction or pixels, not both. Received: fraction=${fraction}, pixels=${pixels}`);
  }
  if (pixels != null) {
    if (!(Number.isInteger(pixels) && pixels >= 1)) {
      throw new RangeError(`crop pixels must be a positive integer. Received: pixels=${pixels}`);
    }
    return pixels;
  }
  const f = fraction ?? DEFAULT_CROP_FRACTION;
  if (!(f > 0 && Number.isFinite(f))) throw new RangeError(`crop fraction must be > 0. Received: fraction=${f}`);
  return Math.max(1, Math.round(f * imageHeight));
}

/**
 * Checks a crop's settings without an image.
 *
 * @param crop The settings.
 * @throws {RangeError} Naming the bad value and the valid ones.
 */
export function checkCrop(crop: KeypointCrop | undefined): void {
  cropSide(crop, 100);
  const padding = crop?.padding;
  if (padding != null && padding !== "zero" && padding !== "edge") {
    throw new RangeError(`Unknown crop padding "${padding}". Valid values are: zero, edge`);
  }
}

/**
 * Crops a `side x side` square of an image, centred on a point.
 *
 * The square's first column is `round(x - (side - 1) / 2)` (rows likewise),
 * so for an odd side and an integer point the point's pixel is the crop's
 * centre pixel; for an even side it is the pixel just up-left of the centre.
 * Pixels are copied, never interpolated; the crop is exact to the pixel.
 *
 * @param image The full-resolution image.
 * @param x Column of the point (may be fractional).
 * @param y Row of the point.
 * @param side Side of the crop in pixels.
 * @param padding How to fill outside the image. Default "zero".
 * @returns `side * side` values, row-major.
 * @example
 * ```ts
 * const image = { pixels: new Float32Array(25).fill(1), width: 5, height: 5 };
 * cropGray(image, 0, 0, 3); // [0,0,0, 0,1,1, 0,1,1]
 * ```
 */
export function cropGray(
  image: GrayImage,
  x: number,
  y: number,
  side: number,
  padding: CropPadding = "zero",
): Float32Array {
  const { pixels, width, height } = image;
  const out = new Float32Array(side * side);
  const x0 = Math.round(x - (side - 1) / 2), y0 = Math.round(y - (side - 1) / 2);
  for (let r = 0; r < side; r++) {
    let sy = y0 + r;
    if (sy < 0 || sy >= height) {
      if (padding === "zero") continue;
      sy = Math.min(height - 1, Math.max(0, sy));
    }
    for (let c = 0; c < side; c++) {
      let sx = x0 + c;
      if (sx < 0 || sx >= width) {
        if (padding === "zero") continue;
        sx = Math.min(width - 1, Math.max(0, sx));
      }
      out[r * side + c] = pixels[sy * width + sx];
    }
  }
  return out;
}
