/**
 * Colormaps for heatmaps.
 *
 * @module
 */

/** The colormaps {@link colormap} knows. */
export const COLORMAPS = ["jet", "inferno"] as const;
/** One of {@link COLORMAPS}. */
export type ColormapName = typeof COLORMAPS[number];

/** Matt Zucker's degree-6 polynomial fit of matplotlib's inferno (CC0), coefficients c0..c6 per channel. */
const INFERNO: readonly (readonly [number, number, number])[] = [
  [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
  [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
  [11.60249308247187, -3.972853965665698, -15.9423941062914],
  [-41.70399613139459, 17.43639888205313, 44.35414519872813],
  [77.162935699427, -33.40235894210092, -81.80730925738993],
  [-71.31942824499214, 32.62606426397723, 73.20951985803202],
  [25.13112622477341, -12.24266895238567, -23.07032500287172],
];

const clamp01 = (v: number) => v < 0 ? 0 : v > 1 ? 1 : v;

/**
 * The colour of a value in [0, 1] (clamped), as RGB in [0, 1].
 *
 * `jet` is MATLAB's (blue, cyan, yellow, red: `1.5 - |4t - k|` per channel);
 * `inferno` is matplotlib's perceptually uniform map (black, purple, orange,
 * pale yellow), from a polynomial fit within about 1/255 of the table.
 *
 * @param name `jet` or `inferno`.
 * @param t The value.
 * @returns `[r, g, b]`, each in [0, 1].
 * @throws {RangeError} For an unknown name, listing the valid ones.
 * @example
 * ```ts
 * colormap("jet", 1); // [0.5, 0, 0]: dark red
 * ```
 */
export function colormap(name: ColormapName, t: number): [number, number, number] {
  const x = clamp01(Number.isFinite(t) ? t : 0);
  if (name === "jet") {
    return [clamp01(1.5 - Math.abs(4 * x - 3)), clamp01(1.5 - Math.abs(4 * x - 2)), clamp01(1.5 - Math.abs(4 * x - 1))];
  }
  if (name === "inferno") {
    const rgb: [number, number, number] = [0, 0, 0];
    for (let ch = 0; ch < 3; ch++) {
      let v = 0;
      for (let k = INFERNO.length - 1; k >= 0; k--) v = v * x + INFERNO[k][ch];
      rgb[ch] = clamp01(v);
    }
    return rgb;
  }
  throw new RangeError(`Unknown colormap "${name}". Valid colormaps are: ${COLORMAPS.join(", ")}`);
}
