/**
 * Generic line chart (PCA explained variance, deletion/insertion curves, ...).
 *
 * @module
 */
import {
  axes,
  type Box,
  legend,
  legendSize,
  markers,
  niceAxis,
  polyline,
  sizeOption,
  svgDocument,
} from "./svg_plot.ts";
import { colorAt, escapePlotly, jsonNumbers, plotlyAxis, plotlyLayout } from "./style.ts";
import type { Chart, ChartSizeOptions, PlotlyScatterTrace } from "./types.ts";

/** One line: `y[i]` at `x[i]`; non-finite values leave a gap. */
export interface LineSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
}

/** Options of {@link lineChart}. */
export interface LineChartOptions extends ChartSizeOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Draw a dot at each point. Default false. */
  markers?: boolean;
  /** Extend the y axis to 0. Default false. */
  includeZero?: boolean;
  /** Logarithmic y axis (when all y > 0). Default false. */
  logY?: boolean;
}

/**
 * A line chart of one or more series, as a Plotly figure and a static SVG
 * (640 x 420 by default; a legend on the right when there are several series).
 *
 * @param series Lines, drawn in palette order.
 * @param options Titles, size, markers, axis options.
 * @returns Both forms of the chart.
 * @throws {RangeError} When a series' `x` and `y` differ in length.
 * @example
 * ```ts
 * const chart = lineChart([{ name: "PCA", x: [1, 2, 3], y: [0.6, 0.85, 0.95] }], {
 *   title: "Explained variance",
 *   xTitle: "components",
 *   yTitle: "cumulative ratio",
 *   markers: true,
 * });
 * await Deno.writeTextFile("pca.svg", chart.svg);
 * ```
 */
export function lineChart(series: readonly LineSeries[], options: LineChartOptions = {}): Chart {
  for (const s of series) {
    if (s.x.length !== s.y.length) {
      throw new RangeError(`Series "${s.name}": x and y differ in length: ${s.x.length} vs ${s.y.length}`);
    }
  }
  const width = sizeOption(options.width, 640, "width"), height = sizeOption(options.height, 420, "height");
  const mode = options.markers ? "lines+markers" : "lines";
  const data: PlotlyScatterTrace[] = series.map((s, i) => ({
    type: "scatter",
    mode,
    name: escapePlotly(s.name),
    x: Array.from(s.x),
    y: jsonNumbers(s.y),
    line: { color: colorAt(i), width: 2 },
  }));
  const plotly = {
    data,
    layout: plotlyLayout(options.title, height, {
      showlegend: series.length > 1,
      xaxis: plotlyAxis(options.xTitle),
      yaxis: plotlyAxis(options.yTitle, {
        ...(options.logY ? { type: "log" as const } : {}),
        ...(options.includeZero && !options.logY ? { rangemode: "tozero" as const } : {}),
      }),
    }),
  };

  const items = series.map((s, i) => ({ label: s.name, color: colorAt(i) }));
  const leg = series.length > 1 ? legendSize(items) : { width: 0, height: 0 };
  const top = options.title ? 50 : 20;
  const box: Box = {
    x: 78,
    y: top,
    width: width - 78 - 20 - (leg.width ? leg.width + 12 : 0),
    height: height - top - 62,
  };
  const x = niceAxis(series.flatMap((s) => s.x.filter((_, i) => Number.isFinite(s.y[i]))), { title: options.xTitle });
  const y = niceAxis(series.flatMap((s) => Array.from(s.y)), {
    title: options.yTitle,
    includeZero: options.includeZero,
    log: options.logY,
  });
  const body = [axes(box, x, y)];
  series.forEach((s, i) => {
    const pts = s.x.map((xv, k) => [xv, s.y[k]] as const);
    body.push(polyline(pts, x, y, box, { color: colorAt(i) }));
    if (options.markers) body.push(markers(pts, x, y, box, colorAt(i)));
  });
  if (leg.width) body.push(legend(items, box.x + box.width + 12, box.y));
  return { plotly, svg: svgDocument(width, height, body.filter(Boolean).join("\n"), options.title) };
}
