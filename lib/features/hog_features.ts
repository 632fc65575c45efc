/**
 * Histograms of oriented gradients (Dalal & Triggs 2005), after scikit-image's `hog`.
 *
 * @module
 */
import { checkInteger, checkOptionKeys } from "./_util.ts";
import { toGrayImageData } from "./to_gray_image_data.ts";
import type { FeatureImage, FeatureVector } from "./types.ts";

/** The block normalisations of {@link hogFeatures}, as scikit-image names them. */
export const HOG_BLOCK_NORMS = ["L1", "L1-sqrt", "L2", "L2-Hys"] as const;

/** One of {@link HOG_BLOCK_NORMS}. */
export type HogBlockNorm = typeof HOG_BLOCK_NORMS[number];

/** Options of {@link hogFeatures}. */
export interface HogFeaturesOptions {
  /** Orientation bins over 0-180° (unsigned gradients). Default 9 (20° each). */
  orientations?: number;
  /** Cell size in pixels, `[rows, cols]` or one number for both. Default 16. */
  pixelsPerCell?: number | readonly [number, number];
  /** Block size in cells, `[rows, cols]` or one number for both. Default 2. */
  cellsPerBlock?: number | readonly [number, number];
  /** Block normalisation. Default `"L2-Hys"`. */
  blockNorm?: HogBlockNorm;
  /** Take the square root of the image first (power-law compression). Default false. */
  transformSqrt?: boolean;
}

const KEYS = ["orientations", "pixelsPerCell", "cellsPerBlock", "blockNorm", "transformSqrt"] as const;
const EPS = 1e-5;

/**
 * HOG features following scikit-image's
 * `hog(image, orientations, pixels_per_cell, cells_per_block, block_norm, transform_sqrt)`
 * for a single-channel image:
 *
 * 1. Gradients by central differences without scaling,
 *    `gx = I[r, c+1] − I[r, c−1]`, `gy = I[r+1, c] − I[r−1, c]` (rows grow
 *    downwards), 0 on the first and last column (gx) or row (gy).
 * 2. Magnitude `√(gx² + gy²)` and unsigned orientation
 *    `atan2(gy, gx)` in degrees modulo 180, so a vertical edge (horizontal
 *    gradient) is 0° and a horizontal edge is 90°.
 * 3. Each cell's histogram: magnitudes summed into hard orientation bins
 *    `[k·180/n, (k+1)·180/n)` (no interpolation between bins or cells),
 *    divided by the cell's pixel count. Pixels right or below the last whole
 *    cell are ignored.
 * 4. Blocks of cells slide by one cell; each block's concatenated histograms
 *    are normalised, ε = 1e-5: L1 `v / (‖v‖₁ + ε)`, L1-sqrt `√(v / (‖v‖₁ + ε))`,
 *    L2 `v / √(‖v‖₂² + ε²)`, L2-Hys: L2, clip at 0.2, L2 again.
 * 5. Output order: block row, block column, cell row in block, cell column
 *    in block, orientation; names read `hog_b<row>_<col>_c<row>_<col>_o<bin>`.
 *
 * Defaults (16 px cells, 2x2 blocks, 9 bins, L2-Hys) give
 * 5·5·2·2·9 = 900 values at 96x96 and 3·3·2·2·9 = 324 at 64x64.
 *
 * Differences from scikit-image: arithmetic is in float64 throughout, where
 * scikit-image takes float32 gradients of a float32 image, sums each cell in
 * a C `float` and returns float32 for float32 input; and the magnitude is
 * `Math.sqrt(gx² + gy²)` rather than `np.hypot` (at most an ulp apart). Values
 * thus agree to about 1e-6 relative, not bit for bit. Bin edges, binning,
 * cell layout, block order and ε are the same. Differences from Dalal &
 * Triggs, shared with scikit-image: no Gaussian block window, no trilinear
 * vote interpolation, and (here) 2x2 blocks of 16 px cells by default rather
 * than 8 px cells, to suit 64-96 px inputs.
 *
 * Reference: N. Dalal, B. Triggs, "Histograms of Oriented Gradients for Human
 * Detection", CVPR 2005, pp. 886-893.
 *
 * @param image The image, intensities in [0, 1].
 * @param options Bins, cell and block sizes, normalisation.
 * @returns The block-normalised features and their names.
 * @throws {RangeError} For a bad option, an image smaller than one block, or
 *   negative pixels with `transformSqrt`.
 * @example
 * ```ts
 * const { features } = hogFeatures({ width: 96, height: 96, data: pixels });
 * // features.length === 900
 * ```
 */
export function hogFeatures(image: FeatureImage, options: HogFeaturesOptions = {}): FeatureVector {
  const caller = "hogFeatures()";
  checkOptionKeys(caller, options, KEYS);
  const { width, height, data } = toGrayImageData(image, caller);
  const nb = checkInteger(caller, "orientations", options.orientations ?? 9, 1);
  const [cellR, cellC] = pair(caller, "pixelsPerCell", options.pixelsPerCell ?? 16);
  const [blockR, blockC] = pair(caller, "cellsPerBlock", options.cellsPerBlock ?? 2);
  const norm = options.blockNorm ?? "L2-Hys";
  if (!(HOG_BLOCK_NORMS as readonly string[]).includes(norm)) {
    throw new RangeError(`Invalid HOG blockNorm "${norm}". Valid values are: ${HOG_BLOCK_NORMS.join(", ")}`);
  }
  const cellsR = Math.floor(height / cellR), cellsC = Math.floor(width / cellC);
  const blocksR = cellsR - blockR + 1, blocksC = cellsC - blockC + 1;
  if (blocksR < 1 || blocksC < 1) {
    throw new RangeError(
      `${caller} got a ${width}x${height} image, too small for ${cellR}x${cellC} px cells in ` +
        `${blockR}x${blockC} cell blocks: it needs at least ${blockR * cellR} rows and ${blockC * cellC} columns`,
    );
  }
  let img: ArrayLike<number> = data;
  if (options.transformSqrt) {
    const s = new Float64Array(data.length);
    for (let k = 0; k < data.length; k++) {
      if (data[k] < 0) throw new RangeError(`${caller} with transformSqrt needs non-negative pixels`);
      s[k] = Math.sqrt(data[k]);
    }
    img = s;
  }

  // Cell histograms, [cellRow][cellCol][bin], each the mean magnitude per pixel.
  const hist = new Float64Array(cellsR * cellsC * nb);
  const perBin = 180 / nb;
  const toDeg = 180 / Math.PI;
  const area = cellR * cellC;
  for (let r = 0; r < cellsR * cellR; r++) {
    const cellRow = Math.floor(r / cellR);
    for (let c = 0; c < cellsC * cellC; c++) {
      const i = r * width + c;
      const gx = c === 0 || c === width - 1 ? 0 : img[i + 1] - img[i - 1];
      const gy = r === 0 || r === height - 1 ? 0 : img[i + width] - img[i - width];
      if (gx === 0 && gy === 0) continue;
      const bin = orientationBin(Math.atan2(gy, gx) * toDeg, perBin, nb);
      if (bin < 0) continue;
      hist[(cellRow * cellsC + Math.floor(c / cellC)) * nb + bin] += Math.sqrt(gx * gx + gy * gy);
    }
  }
  for (let k = 0; k < hist.length; k++) hist[k] /= area;

  const blockLen = blockR * blockC * nb;
  const features: number[] = new Array(blocksR * blocksC * blockLen);
  const names: string[] = new Array(features.length);
  const v = new Float64Array(blockLen);
  let o = 0;
  for (let br = 0; br < blocksR; br++) {
    for (let bc = 0; bc < blocksC; bc++) {
      let k = 0;
      for (let cr = 0; cr < blockR; cr++) {
        for (let cc = 0; cc < blockC; cc++) {
          const base = ((br + cr) * cellsC + bc + cc) * nb;
          for (let b = 0; b < nb; b++) {
            v[k++] = hist[base + b];
            names[o + k - 1] = `hog_b${br}_${bc}_c${cr}_${cc}_o${b}`;
          }
        }
      }
      normalizeBlock(v, norm);
      for (let j = 0; j < blockLen; j++) features[o + j] = v[j];
      o += blockLen;
    }
  }
  return { features, names };
}

/**
 * The bin of an orientation in degrees, as scikit-image's `cell_hog` tests it:
 * `o = deg mod 180` (numpy's floored remainder), bin k when
 * `k·w ≤ o < (k+1)·w`; -1 when no bin holds it (o rounded up to 180).
 */
function orientationBin(deg: number, perBin: number, nb: number): number {
  let o = deg % 180;
  if (o < 0) o += 180;
  else if (o === 0) o = 0; // numpy gives +0 for -0
  let k = Math.floor(o / perBin);
  if (k > nb - 1) k = nb - 1;
  while (k > 0 && o < perBin * k) k--;
  while (k < nb && o >= perBin * (k + 1)) k++;
  return k < nb ? k : -1;
}

function normalizeBlock(v: Float64Array, norm: HogBlockNorm): void {
  if (norm === "L1" || norm === "L1-sqrt") {
    let s = 0;
    for (let k = 0; k < v.length; k++) s += Math.abs(v[k]);
    const d = s + EPS;
    for (let k = 0; k < v.length; k++) v[k] = norm === "L1" ? v[k] / d : Math.sqrt(v[k] / d);
    return;
  }
  l2(v);
  if (norm === "L2-Hys") {
    for (let k = 0; k < v.length; k++) if (v[k] > 0.2) v[k] = 0.2;
    l2(v);
  }
}

function l2(v: Float64Array): void {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  const d = Math.sqrt(s + EPS * EPS);
  for (let k = 0; k < v.length; k++) v[k] /= d;
}

function pair(caller: string, name: string, value: number | readonly [number, number]): [number, number] {
  const [a, b] = typeof value === "number" ? [value, value] : value;
  if (typeof value !== "number" && value.length !== 2) {
    throw new RangeError(`${caller} needs ${name} as a number or [rows, cols]. Received: ${name}=${value}`);
  }
  return [checkInteger(caller, name, a, 1), checkInteger(caller, name, b, 1)];
}
