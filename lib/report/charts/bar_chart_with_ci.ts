/**
 * Bar chart with confidence intervals (model comparison).
 *
 * @module
 */
import {
  axes,
  type Axis,
  type Box,
  line,
  niceAxis,
  projectY,
  px,
  sizeOption,
  slantLabels,
  svgDocument,
  text,
  textWidth,
} from "./svg_plot.ts";
import { colorAt, escapePlotly, plotlyAxis, plotlyLayout } from "./style.ts";
import type { Chart, ChartSizeOptions, PlotlyFigure } from "./types.ts";

/** One bar: `value` with its interval `[low, high]` (e.g. a bootstrap 95% CI). */
export interface BarWithCi {
  name: string;
  value: number;
  low: number;
  high: number;
}

/** Options of {@link barChartWithCi}. */
export interface BarChartWithCiOptions extends ChartSizeOptions {
  title?: string;
  yTitle?: string;
  /** Digits of the value written above each bar in the SVG. Default 3. */
  digits?: number;
}

/**
 * Bars with error bars from `low` to `high`, one per row, in order, with the
 * value written above each bar in the SVG (and in Plotly's hover). The y axis
 * starts at 0 (or below, for negative values). SVG size: 640 x 420.
 *
 * @param rows One bar per row.
 * @param options Titles, size, digits.
 * @returns Both forms of the chart.
 * @throws {RangeError} When a value or bound is not finite, or
 *   `low <= value <= high` does not hold.
 * @example
 * ```ts
 * const chart = barChartWithCi([
 *   { name: "CNN", value: 0.81, low: 0.74, high: 0.87 },
 *   { name: "VGG16", value: 0.86, low: 0.8, high: 0.91 },
 * ], { title: "Test accuracy", yTitle: "accuracy (95% CI)" });
 * ```
 */
export function barChartWithCi(rows: readonly BarWithCi[], options: BarChartWithCiOptions = {}): Chart {
  for (const r of rows) {
    if (![r.value, r.low, r.high].every(Number.isFinite) || !(r.low <= r.value && r.value <= r.high)) {
      throw new RangeError(
        `Bar "${r.name}" needs finite low <= value <= high, got low=${r.low}, value=${r.value}, high=${r.high}`,
      );
    }
  }
  const width = sizeOption(options.width, 640, "width"), height = sizeOption(options.height, 420, "height");
  const digits = options.digits ?? 3;
  const names = rows.map((r) => escapePlotly(r.name));
  const plotly: PlotlyFigure = {
    data: [{
      type: "bar",
      x: names,
      y: rows.map((r) => r.value),
      marker: { color: rows.map((_, i) => colorAt(i)) },
      error_y: {
        type: "data",
        symmetric: false,
        array: rows.map((r) => r.high - r.value),
        arrayminus: rows.map((r) => r.value - r.low),
        visible: true,
        color: "#222",
        thickness: 1.5,
        width: 6,
      },
      customdata: rows.map((r) => [r.low, r.high]),
      hovertemplate:
        `%{x}<br>%{y:.${digits}f} [%{customdata[0]:.${digits}f}, %{customdata[1]:.${digits}f}]<extra></extra>`,
    }],
    layout: plotlyLayout(options.title, height, {
      showlegend: false,
      xaxis: plotlyAxis(undefined, { type: "category", showgrid: false }),
      yaxis: plotlyAxis(options.yTitle, { rangemode: "tozero" }),
    }),
  };

  const top = options.title ? 50 : 20;
  const slot0 = (width - 96) / Math.max(1, rows.length);
  const slant = slantLabels(rows.map((r) => r.name), slot0, 11);
  const depth = slant ? Math.max(...rows.map((r) => textWidth(r.name, 11))) * Math.sin(35 * Math.PI / 180) + 24 : 40;
  const box: Box = { x: 76, y: top, width: width - 96, height: height - top - depth - 10 };
  const slot = box.width / Math.max(1, rows.length);
  const y: Axis = niceAxis([...rows.flatMap((r) => [r.low, r.high]), 0], { includeZero: true, title: options.yTitle });
  const x: Axis = {
    min: -0.5,
    max: rows.length - 0.5,
    ticks: rows.map((_, i) => i),
    log: false,
    format: String,
  };
  const body = [axes(box, x, y, { xGrid: false, xLabels: rows.map((r) => r.name) })];
  const barWidth = Math.min(slot * 0.6, 90);
  const base = projectY(y, Math.max(y.min, Math.min(y.max, 0)), box);
  rows.forEach((r, i) => {
    const cx = box.x + (i + 0.5) * slot, vy = projectY(y, r.value, box);
    const yTop = Math.min(vy, base), h = Math.abs(base - vy);
    body.push(
      `<rect x="${px(cx - barWidth / 2)}" y="${px(yTop)}" width="${px(barWidth)}" height="${px(h)}" fill="${
        colorAt(i)
      }" fill-opacity="0.85"/>`,
    );
    const lo = projectY(y, r.low, box), hi = projectY(y, r.high, box), cap = Math.min(8, barWidth / 4);
    body.push(
      line(cx, lo, cx, hi, "#222", 1.5),
      line(cx - cap, lo, cx + cap, lo, "#222", 1.5),
      line(cx - cap, hi, cx + cap, hi, "#222", 1.5),
    );
    body.push(text(cx, Math.min(hi, vy) - 6, r.value.toFixed(digits), { size: 11, anchor: "middle" }));
  });
  return { plotly, svg: svgDocument(width, height, body.join("\n"), options.title) };
}
