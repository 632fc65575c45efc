/**
 * One-vs-rest ROC curves.
 *
 * @module
 */
import { axes, type Box, fixedAxis, legend, legendSize, polyline, sizeOption, svgDocument } from "./svg_plot.ts";
import { colorAt, escapePlotly, plotlyAxis, plotlyLayout } from "./style.ts";
import type { Chart, ChartSizeOptions, PlotlyFigure, PlotlyScatterTrace } from "./types.ts";

/** One class's ROC curve: points `(fpr[i], tpr[i])` in order. */
export interface RocCurve {
  label: string;
  fpr: readonly number[];
  tpr: readonly number[];
  /** Area under the curve; `null` when undefined (a class absent from the test set). */
  auc: number | null;
}

/** Options of {@link rocCurves}. */
export interface RocCurvesOptions extends ChartSizeOptions {
  title?: string;
}

const CHANCE = "#888";

/** Legend name of a curve: its label and AUC (3 decimals, or "n/a"). */
function curveName(c: RocCurve): string {
  return `${c.label} (AUC ${c.auc == null || !Number.isFinite(c.auc) ? "n/a" : c.auc.toFixed(3)})`;
}

/**
 * ROC curves, one line per class with its AUC in the legend, over the
 * dashed chance diagonal, on a square 0..1 plot. SVG size: 560 x 560,
 * legend at the bottom right. The Plotly figure has one trace per curve,
 * then the chance line as the last trace.
 *
 * @param curves One curve per class.
 * @param options Title and size.
 * @returns Both forms of the chart.
 * @throws {RangeError} When a curve's `fpr` and `tpr` differ in length.
 * @example
 * ```ts
 * const chart = rocCurves([{ label: "stenosis", fpr: [0, 0.1, 1], tpr: [0, 0.8, 1], auc: 0.85 }]);
 * chart.plotly.data[0].name; // "stenosis (AUC 0.850)"
 * ```
 */
export function rocCurves(curves: readonly RocCurve[], options: RocCurvesOptions = {}): Chart {
  for (const c of curves) {
    if (c.fpr.length !== c.tpr.length) {
      throw new RangeError(`Curve "${c.label}": fpr and tpr differ in length: ${c.fpr.length} vs ${c.tpr.length}`);
    }
  }
  const title = options.title ?? "ROC curves (one-vs-rest)";
  const width = sizeOption(options.width, 560, "width"), height = sizeOption(options.height, 560, "height");
  // Points with a non-finite rate are dropped; the rest are clamped to [0, 1].
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const pts = curves.map((c) =>
    c.fpr.map((f, i) => [f, c.tpr[i]] as [number, number])
      .filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]))
      .map((p) => [clamp(p[0]), clamp(p[1])] as [number, number])
  );

  const data: PlotlyScatterTrace[] = curves.map((c, i) => ({
    type: "scatter",
    mode: "lines",
    name: escapePlotly(curveName(c)),
    x: pts[i].map((p) => p[0]),
    y: pts[i].map((p) => p[1]),
    line: { color: colorAt(i), width: 2 },
    hovertemplate: "FPR %{x:.3f}<br>TPR %{y:.3f}",
  }));
  data.push({
    type: "scatter",
    mode: "lines",
    name: "chance (AUC 0.5)",
    x: [0, 1],
    y: [0, 1],
    line: { color: CHANCE, width: 1, dash: "dash" },
    hovertemplate: "chance<extra></extra>",
  });
  const plotly: PlotlyFigure = {
    data,
    layout: plotlyLayout(title, height, {
      xaxis: plotlyAxis("false positive rate", { range: [0, 1], constrain: "domain", mirror: true }),
      yaxis: plotlyAxis("true positive rate", {
        range: [0, 1],
        scaleanchor: "x",
        scaleratio: 1,
        constrain: "domain",
        mirror: true,
      }),
      legend: { x: 0.98, xanchor: "right", y: 0.02, yanchor: "bottom", bgcolor: "rgba(255,255,255,0.85)" },
    }),
  };

  const top = 50, side = Math.min(width - 76 - 24, height - top - 62);
  const box: Box = { x: 76, y: top, width: side, height: side };
  const x = fixedAxis(0, 1, 0.2, "false positive rate"), y = fixedAxis(0, 1, 0.2, "true positive rate");
  const body = [axes(box, x, y)];
  body.push(polyline([[0, 0], [1, 1]], x, y, box, { color: CHANCE, width: 1, dash: "6 4" }));
  curves.forEach((_, i) => body.push(polyline(pts[i], x, y, box, { color: colorAt(i) })));
  const items = [
    ...curves.map((c, i) => ({ label: curveName(c), color: colorAt(i) })),
    { label: "chance (AUC 0.5)", color: CHANCE, dash: "6 4" },
  ];
  const size = legendSize(items);
  body.push(legend(items, box.x + box.width - size.width - 8, box.y + box.height - size.height - 8));
  return { plotly, svg: svgDocument(width, height, body.filter(Boolean).join("\n"), title) };
}
