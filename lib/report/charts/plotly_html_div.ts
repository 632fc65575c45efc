/**
 * A Plotly figure as an HTML snippet.
 *
 * @module
 */
import { escapeXml } from "./escape_xml.ts";
import type { PlotlyConfig, PlotlyFigure } from "./types.ts";

const ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * JSON that is safe inside a `<script>` element: `<` (so no `</script>` or
 * `<!--`) and the JavaScript line separators U+2028/U+2029 become `\u` escapes.
 *
 * @param value Any JSON-serialisable value.
 * @returns JSON text, valid JavaScript.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A `<div>` and a `<script>` that draws `figure` into it with
 * `Plotly.newPlot`. Plotly must be loaded once earlier in the page (see
 * `plotlyScriptTag`). The figure is embedded as script-safe JSON.
 *
 * @param figure A chart's `plotly` figure.
 * @param id Element id, unique in the page: a letter, then letters, digits, `_` or `-`.
 * @param config Plotly config. Default `{ responsive: true, displaylogo: false }`.
 * @returns HTML text.
 * @throws {RangeError} When `id` is not a plain identifier.
 * @example
 * ```ts
 * import { plotlyScriptTag } from "./plotly_script_tag.ts";
 * import { rocCurves } from "./roc_curves.ts";
 * const chart = rocCurves([{ label: "stenosis", fpr: [0, 0.2, 1], tpr: [0, 0.9, 1], auc: 0.87 }]);
 * const html = (await plotlyScriptTag()) + plotlyHtmlDiv(chart.plotly, "roc");
 * ```
 */
export function plotlyHtmlDiv(
  figure: PlotlyFigure,
  id: string,
  config: PlotlyConfig = { responsive: true, displaylogo: false },
): string {
  if (!ID.test(id)) {
    throw new RangeError(`Invalid id: ${JSON.stringify(id)}. Ids start with a letter, then letters, digits, _ or -`);
  }
  return `<div id="${escapeXml(id)}" class="plotly-chart"></div>\n<script>Plotly.newPlot(${JSON.stringify(id)}, ${
    scriptJson(figure.data)
  }, ${scriptJson(figure.layout)}, ${scriptJson(config)});</script>\n`;
}
