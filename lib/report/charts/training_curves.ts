/**
 * Training curves: accuracy and loss per epoch, train against validation.
 *
 * @module
 */
import {
  axes,
  type Axis,
  type Box,
  type LegendItem,
  legendRow,
  markers,
  niceAxis,
  polyline,
  sizeOption,
  svgDocument,
  text,
} from "./svg_plot.ts";
import { colorAt, escapePlotly, plotlyAxis, plotlyLayout } from "./style.ts";
import type {
  Chart,
  ChartSizeOptions,
  PlotlyAnnotation,
  PlotlyAxis,
  PlotlyLayout,
  PlotlyScatterTrace,
} from "./types.ts";

/** One epoch of training history (`EpochLog` of lib/train/fit.ts fits). */
export interface TrainingHistoryRow {
  epoch: number;
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
  /** Learning rate used in the epoch. */
  lr?: number;
}

/** Options of {@link trainingCurves}. */
export interface TrainingCurvesOptions extends ChartSizeOptions {
  title?: string;
}

const TRAIN = colorAt(0), VAL = colorAt(1), LR = colorAt(2);

interface Panel {
  title: string;
  yTitle: string;
  lines: { name: string; color: string; points: [number, number][] }[];
  log: boolean;
  clamp01: boolean;
}

function points(history: readonly TrainingHistoryRow[], key: keyof TrainingHistoryRow): [number, number][] {
  return history.map((h) => [h.epoch, h[key]] as [number, number | undefined])
    .filter((p): p is [number, number] => p[1] != null && Number.isFinite(p[1]));
}

/**
 * Training curves in two panels, accuracy (left) and loss (right), each with
 * the train line and, where the history has them, the validation line
 * (epochs without validation are skipped, not drawn as 0). When the history
 * records a learning rate that changes, a third panel shows it (log scale
 * when it spans a factor 10 or more). Dots mark epochs when there are at
 * most 25. SVG size: 960 x 420 (1200 x 420 with the learning-rate panel).
 *
 * @param history One row per epoch, in order.
 * @param options Title and size.
 * @returns Both forms of the chart.
 * @throws {RangeError} When `history` is empty.
 * @example
 * ```ts
 * const chart = trainingCurves([
 *   { epoch: 1, loss: 1.2, acc: 0.45, valLoss: 1.1, valAcc: 0.5 },
 *   { epoch: 2, loss: 0.8, acc: 0.7, valLoss: 0.9, valAcc: 0.62 },
 * ], { title: "CNN" });
 * chart.plotly.data.length; // 4: accuracy and loss, train and validation
 * ```
 */
export function trainingCurves(history: readonly TrainingHistoryRow[], options: TrainingCurvesOptions = {}): Chart {
  if (history.length === 0) throw new RangeError("trainingCurves() needs at least one epoch of history");
  const lrPoints = points(history, "lr");
  const showLr = lrPoints.length > 0 && new Set(lrPoints.map((p) => p[1])).size > 1;
  const lrValues = lrPoints.map((p) => p[1]);
  const lrLog = showLr && lrValues.every((v) => v > 0) && Math.max(...lrValues) / Math.min(...lrValues) >= 10;
  const accValues = history.flatMap((h) => [h.acc, h.valAcc ?? NaN]).filter(Number.isFinite);
  const panels: Panel[] = [
    {
      title: "Accuracy",
      yTitle: "accuracy",
      lines: [
        { name: "train", color: TRAIN, points: points(history, "acc") },
        { name: "validation", color: VAL, points: points(history, "valAcc") },
      ],
      log: false,
      clamp01: accValues.every((v) => v >= 0 && v <= 1),
    },
    {
      title: "Loss",
      yTitle: "loss",
      lines: [
        { name: "train", color: TRAIN, points: points(history, "loss") },
        { name: "validation", color: VAL, points: points(history, "valLoss") },
      ],
      log: false,
      clamp01: false,
    },
  ];
  if (showLr) {
    panels.push({
      title: "Learning rate",
      yTitle: "learning rate",
      lines: [{ name: "learning rate", color: LR, points: lrPoints }],
      log: lrLog,
      clamp01: false,
    });
  }
  for (const p of panels) p.lines = p.lines.filter((l) => l.points.length > 0);
  const hasVal = panels.some((p) => p.lines.some((l) => l.name === "validation"));
  const dots = history.length <= 25;
  const width = sizeOption(options.width, showLr ? 1200 : 960, "width");
  const height = sizeOption(options.height, 420, "height");
  return {
    plotly: plotlyFigure(panels, options.title, height, dots),
    svg: svgFigure(panels, options.title, width, height, dots, hasVal),
  };
}

function plotlyFigure(panels: Panel[], title: string | undefined, height: number, dots: boolean) {
  const n = panels.length, gap = 0.08, w = (1 - gap * (n - 1)) / n;
  const data: PlotlyScatterTrace[] = [];
  const annotations: PlotlyAnnotation[] = [];
  const layout: PlotlyLayout = plotlyLayout(title, height, {
    margin: { t: title ? 100 : 70, r: 20, b: 60, l: 70 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: 1.1, yanchor: "bottom" },
    annotations,
  });
  const shown = new Set<string>();
  panels.forEach((p, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    const domain: [number, number] = [i * (w + gap), i * (w + gap) + w];
    const xa: PlotlyAxis = plotlyAxis("epoch", { domain, anchor: `y${suffix}` });
    const ya: PlotlyAxis = plotlyAxis(p.yTitle, { anchor: `x${suffix}`, ...(p.log ? { type: "log" as const } : {}) });
    if (i === 0) layout.xaxis = xa, layout.yaxis = ya;
    else if (i === 1) layout.xaxis2 = xa, layout.yaxis2 = ya;
    else layout.xaxis3 = xa, layout.yaxis3 = ya;
    annotations.push({
      text: `<b>${escapePlotly(p.title)}</b>`,
      x: (domain[0] + domain[1]) / 2,
      y: 1,
      xref: "paper",
      yref: "paper",
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
      font: { size: 14 },
    });
    for (const l of p.lines) {
      data.push({
        type: "scatter",
        mode: dots ? "lines+markers" : "lines",
        name: l.name,
        legendgroup: l.name,
        showlegend: l.color !== LR && !shown.has(l.name),
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        x: l.points.map((q) => q[0]),
        y: l.points.map((q) => q[1]),
        line: { color: l.color, width: 2 },
        marker: { color: l.color, size: 5 },
      });
      shown.add(l.name);
    }
  });
  return { data, layout };
}

function svgFigure(
  panels: Panel[],
  title: string | undefined,
  width: number,
  height: number,
  dots: boolean,
  hasVal: boolean,
): string {
  const legendY = title ? 56 : 20;
  const items: LegendItem[] = [{ label: "train", color: TRAIN }];
  if (hasVal) items.push({ label: "validation", color: VAL });
  const body = [legendRow(items, width / 2, legendY)];
  const panelWidth = width / panels.length;
  const top = legendY + 44;
  panels.forEach((p, i) => {
    const box: Box = { x: i * panelWidth + 74, y: top, width: panelWidth - 74 - 18, height: height - top - 62 };
    const all = p.lines.flatMap((l) => l.points);
    const x: Axis = niceAxis(all.map((q) => q[0]), { integer: true, title: "epoch" });
    const y: Axis = niceAxis(all.map((q) => q[1]), {
      title: p.yTitle,
      log: p.log,
      ...(p.clamp01 ? { clamp: [0, 1] as [number, number] } : {}),
    });
    body.push(text(box.x + box.width / 2, top - 12, p.title, { size: 14, anchor: "middle", weight: "bold" }));
    body.push(axes(box, x, y));
    for (const l of p.lines) {
      body.push(polyline(l.points, x, y, box, { color: l.color }));
      if (dots) body.push(markers(l.points, x, y, box, l.color, 2.5));
    }
  });
  return svgDocument(width, height, body.filter(Boolean).join("\n"), title);
}
