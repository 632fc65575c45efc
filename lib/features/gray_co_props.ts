/**
 * Haralick texture properties of co-occurrence matrices.
 *
 * @module
 */
import type { GrayCoMatrix } from "./gray_co_matrix.ts";

/** The properties {@link grayCoProps} computes, as scikit-image names them. */
export const GLCM_PROPS = ["contrast", "dissimilarity", "homogeneity", "ASM", "energy", "correlation"] as const;

/** One of {@link GLCM_PROPS}. */
export type GlcmProp = typeof GLCM_PROPS[number];

/**
 * One texture property of every matrix, as scikit-image's
 * `graycoprops(P, prop)` computes it. Each matrix is first divided by its
 * sum (an all-zero matrix stays zero), so normed and raw counts give the
 * same result. With `p(i, j)` the normalised matrix:
 *
 * - contrast = Σ p(i,j) (i − j)²
 * - dissimilarity = Σ p(i,j) |i − j|
 * - homogeneity = Σ p(i,j) / (1 + (i − j)²)
 * - ASM (angular second moment) = Σ p(i,j)²
 * - energy = √ASM (scikit-image's convention; Haralick's "energy" is ASM)
 * - correlation = Σ p(i,j) (i − μᵢ)(j − μⱼ) / (σᵢ σⱼ), with
 *   μᵢ = Σ i p(i,j), σᵢ² = Σ p(i,j) (i − μᵢ)² (and likewise for j).
 *   When σᵢ or σⱼ is below 1e-15 (e.g. a constant image) it is 1, as in
 *   scikit-image.
 *
 * Reference: R. M. Haralick, K. Shanmugam, I. Dinstein, "Textural Features
 * for Image Classification", IEEE Trans. SMC 3(6):610-621, 1973.
 *
 * @param glcm Matrices from {@link grayCoMatrix}.
 * @param prop The property.
 * @returns `result[d][a]`, for `glcm.distances[d]` and `glcm.angles[a]`.
 * @throws {RangeError} For an unknown property.
 * @example
 * ```ts
 * const glcm = grayCoMatrix(image, { levels: 8 });
 * const contrast = grayCoProps(glcm, "contrast"); // contrast[d][a]
 * ```
 */
export function grayCoProps(glcm: GrayCoMatrix, prop: GlcmProp): number[][] {
  if (!(GLCM_PROPS as readonly string[]).includes(prop)) {
    throw new RangeError(`Invalid GLCM property "${prop}". Valid properties are: ${GLCM_PROPS.join(", ")}`);
  }
  const L = glcm.levels;
  return glcm.matrices.map((row) =>
    row.map((m) => {
      let sum = 0;
      for (let k = 0; k < m.length; k++) sum += m[k];
      const norm = sum === 0 ? 1 : sum;
      if (prop === "correlation") return correlation(m, L, norm);
      let out = 0;
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < L; j++) {
          const p = m[i * L + j] / norm;
          const d = i - j;
          if (prop === "contrast") out += p * d * d;
          else if (prop === "dissimilarity") out += p * Math.abs(d);
          else if (prop === "homogeneity") out += p / (1 + d * d);
          else out += p * p;
        }
      }
      return prop === "energy" ? Math.sqrt(out) : out;
    })
  );
}

function correlation(m: Float64Array, L: number, norm: number): number {
  let mi = 0, mj = 0;
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < L; j++) {
      const p = m[i * L + j] / norm;
      mi += i * p;
      mj += j * p;
    }
  }
  let vi = 0, vj = 0, cov = 0;
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < L; j++) {
      const p = m[i * L + j] / norm;
      vi += p * (i - mi) * (i - mi);
      vj += p * (j - mj) * (j - mj);
      cov += p * (i - mi) * (j - mj);
    }
  }
  const si = Math.sqrt(vi), sj = Math.sqrt(vj);
  return si < 1e-15 || sj < 1e-15 ? 1 : cov / (si * sj);
}
