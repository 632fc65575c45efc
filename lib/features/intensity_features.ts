/**
 * First-order intensity statistics and a gray-level histogram.
 *
 * @module
 */
import { checkInteger, checkOptionKeys, nameNumber } from "./_util.ts";
import { toGrayImageData } from "./to_gray_image_data.ts";
import type { FeatureImage, FeatureVector } from "./types.ts";

/** Options of {@link intensityFeatures}. */
export interface IntensityFeaturesOptions {
  /** Histogram bins over [0, 1]. Default 16. */
  bins?: number;
  /** Percentiles to report, each in [0, 100]. Default `[10, 50, 90]`. */
  percentiles?: readonly number[];
}

const KEYS = ["bins", "percentiles"] as const;

/**
 * First-order statistics of the pixel intensities, in this order and with
 * these names (population formulas, as numpy/scipy defaults):
 *
 * - `intensity_mean`: μ = Σx / n
 * - `intensity_std`: √m₂, with central moments mₖ = Σ(x − μ)ᵏ / n (numpy `std`, ddof 0)
 * - `intensity_skewness`: m₃ / m₂^1.5 (scipy `skew`, bias=True)
 * - `intensity_kurtosis`: m₄ / m₂² − 3, excess (scipy `kurtosis`, fisher=True, bias=True)
 * - `intensity_min`, `intensity_max`
 * - `intensity_p<q>` for each percentile q, numpy's default linear
 *   interpolation between order statistics at index q/100 · (n − 1)
 * - `intensity_entropy`: Shannon entropy in bits of the histogram below,
 *   −Σ pₖ log₂ pₖ over non-empty bins (0 to log₂ bins)
 * - `intensity_hist_<k>` (k zero-padded): the histogram, `bins` equal bins over
 *   [0, 1] that sum to 1, the last bin closed (`np.histogram(x, bins,
 *   range=(0, 1))[0] / n`), except that values outside [0, 1] are clamped
 *   into the end bins instead of dropped.
 *
 * Skewness and kurtosis of a constant image are 0 (scipy returns NaN), so
 * the vector stays finite: they are 0 whenever m₂ ≤ (1e-15 μ)², scipy's
 * own test for a zero variance. 10 + 16 = 26 values by default.
 *
 * @param image The image, intensities in [0, 1].
 * @param options Histogram bins and percentiles.
 * @returns The features and their names.
 * @throws {RangeError} For a bad image, bin count or percentile.
 * @example
 * ```ts
 * const { features, names } = intensityFeatures({ width: 2, height: 2, data: Float32Array.of(0, 0.5, 0.5, 1) });
 * // names[0] === "intensity_mean", features[0] === 0.5
 * ```
 */
export function intensityFeatures(image: FeatureImage, options: IntensityFeaturesOptions = {}): FeatureVector {
  const caller = "intensityFeatures()";
  checkOptionKeys(caller, options, KEYS);
  const { data } = toGrayImageData(image, caller);
  const bins = checkInteger(caller, "bins", options.bins ?? 16, 1);
  const percentiles = options.percentiles ?? [10, 50, 90];
  for (const q of percentiles) {
    if (!(q >= 0 && q <= 100)) throw new RangeError(`${caller} needs percentiles in [0, 100]. Received: ${q}`);
  }
  const n = data.length;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += data[k];
  const mean = sum / n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let k = 0; k < n; k++) {
    const d = data[k] - mean, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const flat = m2 <= (1e-15 * mean) ** 2;
  const sorted = Float32Array.from(data).sort();

  const hist = new Float64Array(bins);
  for (let k = 0; k < n; k++) hist[histogramBin(data[k], bins)]++;
  let entropy = 0;
  for (let b = 0; b < bins; b++) {
    hist[b] /= n;
    if (hist[b] > 0) entropy -= hist[b] * Math.log2(hist[b]);
  }

  const features = [
    mean,
    Math.sqrt(m2),
    flat ? 0 : m3 / m2 ** 1.5,
    flat ? 0 : m4 / (m2 * m2) - 3,
    sorted[0],
    sorted[n - 1],
    ...percentiles.map((q) => percentile(sorted, q)),
    entropy + 0, // +0 turns -0 (a one-bin histogram) into 0
    ...hist,
  ];
  const pad = String(bins - 1).length;
  const names = [
    "intensity_mean",
    "intensity_std",
    "intensity_skewness",
    "intensity_kurtosis",
    "intensity_min",
    "intensity_max",
    ...percentiles.map((q) => `intensity_p${nameNumber(q)}`),
    "intensity_entropy",
    ...Array.from({ length: bins }, (_, b) => `intensity_hist_${String(b).padStart(pad, "0")}`),
  ];
  return { features, names };
}

/** numpy's `percentile(..., method="linear")` on sorted values, with its `_lerp`. */
function percentile(sorted: Float32Array, q: number): number {
  const index = (sorted.length - 1) * (q / 100);
  const lo = Math.floor(index), hi = Math.min(lo + 1, sorted.length - 1);
  const t = index - lo, a = sorted[lo], b = sorted[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** `np.histogram`'s bin for uniform bins over [0, 1] (edges `k / bins`), clamping outside values. */
function histogramBin(v: number, bins: number): number {
  if (v <= 0) return 0;
  if (v >= 1) return bins - 1;
  let k = Math.floor(v * bins);
  if (k >= bins) k = bins - 1;
  if (v < k * (1 / bins)) k--;
  else if (k < bins - 1 && v >= (k + 1) * (1 / bins)) k++;
  return k;
}
