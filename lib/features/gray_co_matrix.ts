/**
 * Gray-level co-occurrence matrices (Haralick, Shanmugam & Dinstein 1973).
 *
 * @module
 */
import { checkInteger, checkOptionKeys, roundHalfAway } from "./_util.ts";
import { quantizeGray } from "./quantize_gray.ts";
import { toGrayImageData } from "./to_gray_image_data.ts";
import type { FeatureImage } from "./types.ts";

/** Options of {@link grayCoMatrix}. */
export interface GrayCoMatrixOptions {
  /** Gray levels after {@link quantizeGray}, 2 to 256. Default 8. */
  levels?: number;
  /** Pixel-pair distances, positive integers. Default `[1, 2]`. */
  distances?: readonly number[];
  /**
   * Pixel-pair angles in degrees (scikit-image takes radians). 0 pairs each
   * pixel with the one to its right, 90 with the one below (rows grow
   * downwards), 45 with the one below-right, 135 below-left.
   * Default `[0, 45, 90, 135]`.
   */
  angles?: readonly number[];
  /** Count each pair in both orders, i.e. `P + Pᵀ`. Default true. */
  symmetric?: boolean;
  /** Divide each matrix by its sum (an all-zero matrix stays zero). Default true. */
  normed?: boolean;
}

/** Co-occurrence matrices for every distance and angle. */
export interface GrayCoMatrix {
  /** Gray levels, the side of each matrix. */
  levels: number;
  /** The distances, in the order of `matrices`. */
  distances: number[];
  /** The angles in degrees, in the order of `matrices[d]`. */
  angles: number[];
  /**
   * `matrices[d][a][i * levels + j]`: how often (or, normed, the share of
   * pairs in which) a pixel of level `i` has a pixel of level `j` at
   * distance `distances[d]` and angle `angles[a]`. This is scikit-image's
   * `P[i, j, d, a]`.
   */
  matrices: Float64Array[][];
}

const KEYS = ["levels", "distances", "angles", "symmetric", "normed"] as const;

/**
 * Computes gray-level co-occurrence matrices as scikit-image's
 * `graycomatrix(image, distances, angles, levels, symmetric, normed)` does,
 * after quantising the image with {@link quantizeGray}.
 *
 * For distance `d` and angle `θ` the pixel offset is
 * `(Δrow, Δcol) = (round(sin θ · d), round(cos θ · d))`, rounding half away
 * from zero, and pixel `(r, c)` is paired with `(r + Δrow, c + Δcol)` when
 * that lies inside the image (no padding). Like scikit-image, a diagonal
 * offset is rounded, so at distance 2 and 45° the offset is (1, 1), not (2, 2)
 * (2 · sin 45° ≈ 1.41).
 *
 * Reference: R. M. Haralick, K. Shanmugam, I. Dinstein, "Textural Features
 * for Image Classification", IEEE Trans. SMC 3(6):610-621, 1973.
 *
 * @param image The image, intensities in [0, 1].
 * @param options Levels, distances, angles, symmetry, normalisation.
 * @returns The matrices, indexed `[distance][angle][i * levels + j]`.
 * @throws {RangeError} For a bad image, levels, distance or angle.
 * @example
 * ```ts
 * const glcm = grayCoMatrix({ width: 2, height: 1, data: Float32Array.of(0, 1) }, {
 *   levels: 2, distances: [1], angles: [0], symmetric: false, normed: false,
 * });
 * // glcm.matrices[0][0] = Float64Array [0, 1, 0, 0]: one pair (0 -> 1)
 * ```
 */
export function grayCoMatrix(image: FeatureImage, options: GrayCoMatrixOptions = {}): GrayCoMatrix {
  const caller = "grayCoMatrix()";
  checkOptionKeys(caller, options, KEYS);
  const { width, height } = toGrayImageData(image, caller);
  const levels = checkInteger(caller, "levels", options.levels ?? 8, 2, 256);
  const distances = [...(options.distances ?? [1, 2])];
  const angles = [...(options.angles ?? [0, 45, 90, 135])];
  if (distances.length === 0 || angles.length === 0) {
    throw new RangeError(`${caller} needs at least one distance and one angle`);
  }
  distances.forEach((d) => checkInteger(caller, "each distance", d, 1));
  for (const a of angles) {
    if (!Number.isFinite(a)) throw new RangeError(`${caller} needs finite angles in degrees. Received: ${a}`);
  }
  const symmetric = options.symmetric ?? true;
  const normed = options.normed ?? true;
  const q = quantizeGray(image, levels);
  const matrices = distances.map((d) =>
    angles.map((deg) => {
      const theta = deg * Math.PI / 180;
      const dr = roundHalfAway(Math.sin(theta) * d);
      const dc = roundHalfAway(Math.cos(theta) * d);
      const m = new Float64Array(levels * levels);
      const r0 = Math.max(0, -dr), r1 = Math.min(height, height - dr);
      const c0 = Math.max(0, -dc), c1 = Math.min(width, width - dc);
      for (let r = r0; r < r1; r++) {
        const row = r * width, other = (r + dr) * width + dc;
        for (let c = c0; c < c1; c++) m[q[row + c] * levels + q[other + c]]++;
      }
      if (symmetric) {
        for (let i = 0; i < levels; i++) {
          for (let j = i; j < levels; j++) {
            const s = m[i * levels + j] + m[j * levels + i];
            m[i * levels + j] = s;
            m[j * levels + i] = s;
          }
        }
      }
      if (normed) {
        let sum = 0;
        for (let k = 0; k < m.length; k++) sum += m[k];
        if (sum > 0) { for (let k = 0; k < m.length; k++) m[k] /= sum; }
      }
      return m;
    })
  );
  return { levels, distances, angles, matrices };
}
