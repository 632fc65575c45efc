/**
 * Rotation-invariant uniform local binary patterns (Ojala, Pietikäinen & Mäenpää 2002).
 *
 * @module
 */
import { checkInteger, checkOptionKeys } from "./_util.ts";
import { toGrayImageData } from "./to_gray_image_data.ts";
import type { FeatureImage } from "./types.ts";

/** Options of {@link localBinaryPattern}. */
export interface LocalBinaryPatternOptions {
  /** Neighbours P on the circle, 1 to 32. Default 8. */
  points?: number;
  /** Circle radius R in pixels, positive. Default 1. */
  radius?: number;
}

const KEYS = ["points", "radius"] as const;

/**
 * The rotation-invariant uniform LBP code ("riu2") of every pixel, as
 * scikit-image's `local_binary_pattern(image, P, R, method="uniform")`
 * computes it:
 *
 * - Neighbour `p` (0 ≤ p < P) sits at `(row − R sin(2πp/P), col + R cos(2πp/P))`,
 *   offsets rounded to 5 decimals: p = 0 is to the right, then counter-clockwise
 *   as displayed (p = 2 is above for P = 8). Off-grid neighbours are bilinearly
 *   interpolated in the same operation order as scikit-image.
 * - Bit `s_p = 1` when `neighbour − centre ≥ 0`.
 * - If the bit string has at most 2 changes between consecutive bits
 *   (p = 0 … P−1; the circular count is then at most 2 as well) the code is
 *   the number of ones, 0 … P; otherwise it is P + 1. So there are P + 2 codes.
 *
 * Border handling: as in scikit-image, neighbours that fall outside the image
 * read 0 (constant padding), and border pixels get a code like any other. With
 * intensities in [0, 1] a missing neighbour is thus a 0 bit unless the centre is 0.
 * {@link lbpFeatures} can leave the border out of its histogram.
 *
 * Reference: T. Ojala, M. Pietikäinen, T. Mäenpää, "Multiresolution Gray-Scale
 * and Rotation Invariant Texture Classification with Local Binary Patterns",
 * IEEE TPAMI 24(7):971-987, 2002.
 *
 * @param image The image.
 * @param options Neighbour count and radius.
 * @returns One code in `[0, P + 1]` per pixel, row-major.
 * @throws {RangeError} For a bad image, point count or radius.
 * @example
 * ```ts
 * const codes = localBinaryPattern({ width: 3, height: 3, data: pixels });
 * // codes[4] is the centre pixel's code, 0..9
 * ```
 */
export function localBinaryPattern(image: FeatureImage, options: LocalBinaryPatternOptions = {}): Uint8Array {
  const caller = "localBinaryPattern()";
  checkOptionKeys(caller, options, KEYS);
  const { width, height, data } = toGrayImageData(image, caller);
  const P = checkInteger(caller, "points", options.points ?? 8, 1, 32);
  const R = options.radius ?? 1;
  if (!(R > 0) || !Number.isFinite(R)) {
    throw new RangeError(`${caller} needs a positive finite radius. Received: radius=${R}`);
  }
  // scikit-image: rp = round(-R sin(2πp/P), 5), cp = round(R cos(2πp/P), 5).
  const rp = new Float64Array(P), cp = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    rp[p] = round5(-R * Math.sin(2 * Math.PI * p / P));
    cp[p] = round5(R * Math.cos(2 * Math.PI * p / P));
  }
  const at = (r: number, c: number): number => r < 0 || r >= height || c < 0 || c >= width ? 0 : data[r * width + c];
  const out = new Uint8Array(width * height);
  const bits = new Uint8Array(P);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const centre = data[r * width + c];
      for (let p = 0; p < P; p++) {
        const y = r + rp[p], x = c + cp[p];
        const minr = Math.floor(y), minc = Math.floor(x);
        const maxr = Math.ceil(y), maxc = Math.ceil(x);
        const dr = y - minr, dc = x - minc;
        const top = (1 - dc) * at(minr, minc) + dc * at(minr, maxc);
        const bottom = (1 - dc) * at(maxr, minc) + dc * at(maxr, maxc);
        bits[p] = (1 - dr) * top + dr * bottom - centre >= 0 ? 1 : 0;
      }
      let changes = 0, ones = bits[P - 1];
      for (let p = 0; p < P - 1; p++) {
        changes += bits[p] !== bits[p + 1] ? 1 : 0;
        ones += bits[p];
      }
      out[r * width + c] = changes <= 2 ? ones : P + 1;
    }
  }
  return out;
}

/** numpy's `np.round(x, 5)`: scale, round half to even, unscale. */
function round5(x: number): number {
  const y = x * 1e5;
  let k = Math.round(y);
  if (k - y === 0.5 && k % 2 !== 0) k -= 1;
  return k / 1e5;
}
