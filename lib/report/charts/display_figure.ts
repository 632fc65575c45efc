/**
 * Rich display of a chart in Jupyter with the Deno kernel.
 *
 * @module
 */
import type { Chart, PlotlyFigure } from "./types.ts";

/** The symbol the Deno kernel calls to get an object's MIME bundle. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** MIME types the display helpers produce. */
export interface MimeBundle {
  "application/vnd.plotly.v1+json"?: PlotlyFigure;
  "text/html"?: string;
  "image/png"?: string;
  "text/plain"?: string;
}

/**
 * A MIME bundle that also displays itself: the Deno kernel shows it when it
 * is a cell's last value, when passed to `Deno.jupyter.display(x)`, and (its
 * MIME types being its own enumerable keys) with `{ raw: true }` too.
 */
export type Displayable = MimeBundle & { [JUPYTER_DISPLAY](): MimeBundle };

/** Makes a bundle displayable (internal helper, shared with displayPng). */
export function displayable(bundle: MimeBundle): Displayable {
  return Object.assign({ ...bundle }, { [JUPYTER_DISPLAY]: () => ({ ...bundle }) });
}

function plainTitle(figure: PlotlyFigure): string {
  const t = figure.layout.title?.text ?? "";
  return t.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * A Jupyter display of a Plotly figure: `application/vnd.plotly.v1+json`
 * (JupyterLab with Plotly's renderer, VS Code), a `text/html` fallback for
 * frontends and exports without it (nbconvert HTML, GitHub), and
 * `text/plain`. Pass the whole {@link Chart} to get its static SVG as the
 * HTML fallback; a bare figure falls back to a line of text.
 *
 * Works as a cell's last expression or with `await Deno.jupyter.display(...)`
 * (several per cell); plain JSON only, so it also serialises under
 * `deno test`, where `Deno.jupyter` does not exist.
 *
 * @param figure A chart, or just its Plotly figure.
 * @returns The displayable bundle.
 * @example
 * ```ts
 * import { rocCurves } from "./roc_curves.ts";
 * // In a notebook cell:
 * const chart = rocCurves([{ label: "stenosis", fpr: [0, 0.2, 1], tpr: [0, 0.9, 1], auc: 0.87 }]);
 * await Deno.jupyter.display(displayFigure(chart));
 * displayFigure(chart.plotly); // as the last expression: shown too
 * ```
 */
export function displayFigure(figure: PlotlyFigure | Chart): Displayable {
  const chart = "plotly" in figure ? figure : undefined;
  const fig = chart ? chart.plotly : figure as PlotlyFigure;
  const title = plainTitle(fig) || "chart";
  // JSON round trip: a plain copy (no typed arrays, NaN as null) that later
  // edits of the figure do not change.
  const json = JSON.parse(JSON.stringify(fig)) as PlotlyFigure;
  const html = chart
    ? `<div class="lumbar-chart">${chart.svg}</div>`
    : `<p><i>Plotly figure: ${
      title.replace(/[&<>]/g, (c) => c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;")
    } (this frontend cannot render Plotly)</i></p>`;
  return displayable({
    "application/vnd.plotly.v1+json": json,
    "text/html": html,
    "text/plain": `Plotly figure: ${title} (${fig.data.length} traces)`,
  });
}
