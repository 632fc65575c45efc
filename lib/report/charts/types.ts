/**
 * Types shared by the charts: a minimal, typed subset of Plotly's figure
 * schema (only what the charts here emit) and the {@link Chart} pair.
 *
 * @module
 */

/** Plotly line style. */
export interface PlotlyLine {
  color?: string;
  width?: number;
  dash?: "solid" | "dash" | "dot" | "dashdot";
}

/** Plotly marker style. */
export interface PlotlyMarker {
  color?: string | string[];
  size?: number;
}

/** Fields every trace may carry. */
export interface PlotlyTraceBase {
  /** Legend entry (Plotly reads `&lt;`, `&gt;`, `&amp;` as entities). */
  name?: string;
  showlegend?: boolean;
  legendgroup?: string;
  hovertemplate?: string;
  /** Axis ids for subplots: `"x"`, `"x2"`, ... */
  xaxis?: string;
  yaxis?: string;
}

/** A line or scatter trace. */
export interface PlotlyScatterTrace extends PlotlyTraceBase {
  type: "scatter";
  mode: "lines" | "markers" | "lines+markers";
  x: number[];
  /** `null` (never `NaN`) leaves a gap. */
  y: (number | null)[];
  line?: PlotlyLine;
  marker?: PlotlyMarker;
}

/** Asymmetric error bars (`array` above, `arrayminus` below the value). */
export interface PlotlyErrorBars {
  type: "data";
  symmetric: boolean;
  array: number[];
  arrayminus?: number[];
  visible: boolean;
  color?: string;
  thickness?: number;
  width?: number;
}

/** A bar trace on a category axis. */
export interface PlotlyBarTrace extends PlotlyTraceBase {
  type: "bar";
  x: string[];
  y: number[];
  marker?: PlotlyMarker;
  error_y?: PlotlyErrorBars;
  /** Per bar `[low, high]`, for the hover template. */
  customdata?: number[][];
}

/** A heatmap trace; row 0 of `z` is `y[0]`. */
export interface PlotlyHeatmapTrace extends PlotlyTraceBase {
  type: "heatmap";
  x: string[];
  y: string[];
  z: number[][];
  zmin: number;
  zmax: number;
  colorscale: [number, string][];
  showscale?: boolean;
  colorbar?: { title?: { text: string } };
  /** Per cell hover/annotation text. */
  text?: string[][];
  xgap?: number;
  ygap?: number;
}

/** Any trace the charts emit. */
export type PlotlyTrace = PlotlyScatterTrace | PlotlyBarTrace | PlotlyHeatmapTrace;

/** A Plotly axis. */
export interface PlotlyAxis {
  title?: { text: string };
  type?: "linear" | "log" | "category";
  range?: [number, number];
  autorange?: boolean | "reversed";
  domain?: [number, number];
  anchor?: string;
  side?: "top" | "bottom" | "left" | "right";
  tickangle?: number;
  tickformat?: string;
  dtick?: number;
  rangemode?: "normal" | "tozero" | "nonnegative";
  scaleanchor?: string;
  scaleratio?: number;
  constrain?: "range" | "domain";
  showline?: boolean;
  linecolor?: string;
  mirror?: boolean;
  showgrid?: boolean;
  gridcolor?: string;
  zeroline?: boolean;
  automargin?: boolean;
  ticks?: "" | "outside" | "inside";
}

/** Text placed on the figure. */
export interface PlotlyAnnotation {
  text: string;
  x: number | string;
  y: number | string;
  xref: string;
  yref: string;
  showarrow: boolean;
  xanchor?: "left" | "center" | "right";
  yanchor?: "top" | "middle" | "bottom";
  font?: { color?: string; size?: number };
}

/** A line shape (e.g. the chance diagonal). */
export interface PlotlyShape {
  type: "line";
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  xref: string;
  yref: string;
  line: PlotlyLine;
  layer?: "above" | "below";
}

/** Plotly legend placement. */
export interface PlotlyLegend {
  orientation?: "h" | "v";
  x?: number;
  y?: number;
  xanchor?: "left" | "center" | "right";
  yanchor?: "top" | "middle" | "bottom";
  bgcolor?: string;
  bordercolor?: string;
  borderwidth?: number;
}

/** Plotly layout; `xaxis2`, `yaxis2`, ... are the subplot axes. */
export interface PlotlyLayout {
  title?: { text: string };
  font?: { family?: string; size?: number };
  height?: number;
  width?: number;
  margin?: { t?: number; r?: number; b?: number; l?: number };
  plot_bgcolor?: string;
  paper_bgcolor?: string;
  showlegend?: boolean;
  legend?: PlotlyLegend;
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  xaxis2?: PlotlyAxis;
  yaxis2?: PlotlyAxis;
  xaxis3?: PlotlyAxis;
  yaxis3?: PlotlyAxis;
  annotations?: PlotlyAnnotation[];
  shapes?: PlotlyShape[];
  bargap?: number;
}

/** Plotly `config` (the third argument of `Plotly.newPlot`). */
export interface PlotlyConfig {
  responsive?: boolean;
  displaylogo?: boolean;
  staticPlot?: boolean;
}

/**
 * A Plotly figure: plain JSON (no `NaN`, no typed arrays), ready for
 * `Plotly.newPlot(div, figure.data, figure.layout)` or the
 * `application/vnd.plotly.v1+json` MIME type.
 */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
}

/**
 * One chart in both forms, drawn from the same data: an interactive Plotly
 * figure (notebooks, HTML report) and a static standalone SVG document
 * (run directories, PNG via `svgToPng`).
 */
export interface Chart {
  plotly: PlotlyFigure;
  svg: string;
}

/** Pixel size of the SVG (and of its PNG); Plotly gets the same height. */
export interface ChartSizeOptions {
  width?: number;
  height?: number;
}
