/**
 * The explained-variance plot of a fitted PCA.
 *
 * @module
 */
import { type Chart, lineChart } from "../report/charts/mod.ts";
import type { PcaReducer } from "./pca_reducer.ts";

/** Options of {@link explainedVarianceChart}. */
export interface ExplainedVarianceChartOptions {
  /** Chart title. Default "PCA explained variance". */
  title?: string;
  /** Components plotted (the rest are left off). Default: all found, at most 200. */
  maxComponents?: number;
}

/**
 * Cumulative and per-component explained-variance ratio against the
 * component count, with the kept count marked as its own one-point series.
 *
 * @param pca A fitted reducer.
 * @param options Title and how many components to show.
 * @returns The chart (Plotly figure and SVG); write `chart.svg` or `svgToPng(chart.svg)`.
 * @throws {NotFittedError} When `pca` is not fitted.
 * @example
 * ```ts
 * const chart = explainedVarianceChart(new PcaReducer(0.95).fit(rows));
 * await Deno.writeTextFile("pca_variance.svg", chart.svg);
 * ```
 */
export function explainedVarianceChart(pca: PcaReducer, options: ExplainedVarianceChartOptions = {}): Chart {
  const ratios = pca.explainedVarianceRatio;
  const cumulative = pca.cumulativeVarianceRatio;
  const shown = Math.min(ratios.length, options.maxComponents ?? 200);
  const x = Array.from({ length: shown }, (_, i) => i + 1);
  const k = pca.nComponents;
  return lineChart([
    { name: "cumulative", x, y: cumulative.slice(0, shown) },
    { name: "per component", x, y: ratios.slice(0, shown) },
    { name: `kept: ${k} (${(100 * cumulative[k - 1]).toFixed(1)}%)`, x: [k], y: [cumulative[k - 1]] },
  ], {
    title: options.title ?? "PCA explained variance",
    xTitle: "components",
    yTitle: "explained variance ratio",
    includeZero: true,
    markers: true,
  });
}
