/**
 * The report's page: its shell (style, the chart loader, plotly.js inlined
 * once) and the charts, embedded as JSON and drawn by Plotly in the browser.
 *
 * Charts inside a closed `<details>` are drawn when it is first opened: a
 * chart drawn while hidden gets a wrong size, and a study of a dozen models
 * would otherwise draw forty charts before the page answers.
 *
 * @module
 */
import { scriptJson } from "./charts/plotly_html_div.ts";
import type { PlotlyConfig, PlotlyFigure } from "./charts/types.ts";
import { esc } from "./report_html.ts";

const CONFIG: PlotlyConfig = { responsive: true, displaylogo: false };

/**
 * Collects a page's charts and numbers them: each {@link ReportFigures.add}
 * returns a placeholder `<div class="plotly-chart">` and the figure as JSON.
 *
 * @example
 * ```ts
 * import { lineChart } from "./charts/mod.ts";
 * const figures = new ReportFigures();
 * const html = figures.add(lineChart([{ name: "a", x: [0, 1], y: [0, 1] }]).plotly, "A line");
 * figures.count; // 1
 * ```
 */
export class ReportFigures {
  #count = 0;

  /** Charts added so far: the number of `.plotly-chart` divs on the page. */
  get count(): number {
    return this.#count;
  }

  /**
   * A chart's placeholder and data.
   *
   * @param figure A chart's `plotly` figure.
   * @param caption Text under the chart (escaped).
   * @param className Extra class of the `<figure>` (`wide` spans the whole row).
   * @returns HTML text.
   */
  add(figure: PlotlyFigure, caption?: string, className?: string): string {
    const id = `chart-${++this.#count}`;
    const height = typeof figure.layout.height === "number" ? figure.layout.height : 450;
    const cap = caption ? `<figcaption>${esc(caption)}</figcaption>` : "";
    return `<figure class="chart${className ? ` ${esc(className)}` : ""}"><div id="${id}" class="plotly-chart" ` +
      `style="min-height:${height}px"></div><script type="application/json" id="${id}-data">${
        scriptJson({ data: figure.data, layout: figure.layout, config: CONFIG })
      }</script>${cap}</figure>`;
  }
}

const STYLE = `
:root { --fg: #1d2327; --muted: #68737d; --line: #d5dadf; --bg2: #f5f7f9; --accent: #1f5f99; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); }
.page { max-width: 1240px; margin: 0 auto; padding: 20px 28px 60px; }
h1 { font-size: 1.7em; margin: 0.2em 0; }
h2 { font-size: 1.35em; margin: 1.8em 0 0.5em; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1em; margin: 1.2em 0 0.4em; }
h4 { font-size: 1em; margin: 1em 0 0.3em; }
a { color: var(--accent); }
code { font-size: 0.92em; background: var(--bg2); padding: 0 3px; border-radius: 3px; word-break: break-all; }
.meta, .muted, .note { color: var(--muted); }
.note { font-size: 0.92em; margin: 0.4em 0; }
.disclaimer { border: 2px solid #c0392b; background: #fdf0ee; padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
.disclaimer strong { color: #a12a1c; }
nav.toc { margin: 10px 0; font-size: 0.95em; }
nav.toc a { margin-right: 14px; white-space: nowrap; }
.table-wrap { overflow-x: auto; margin: 6px 0 10px; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--bg2); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv th { background: var(--bg2); font-weight: 600; white-space: nowrap; }
table.kv table.kv { font-size: 1em; margin: 0; }
table.kv .table-wrap { margin: 0; }
.ci { color: var(--muted); font-size: 0.86em; }
td.best .est { font-weight: 700; }
td.good { background: #eef8ee; }
td.bad { background: #fbeeee; }
ul.warnings { background: #fff8e1; border-left: 4px solid #e0a800; margin: 8px 0; padding: 8px 12px 8px 30px; }
p.ok { color: #2e7d32; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 12px; }
.charts.small { grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); }
td.nowrap { white-space: nowrap; }
figure { margin: 0; }
figure.chart { border: 1px solid var(--line); border-radius: 6px; padding: 4px; min-width: 0; }
figure.chart.wide { grid-column: 1 / -1; }
figcaption { color: var(--muted); font-size: 0.88em; padding: 2px 6px; }
figure.img { margin: 8px 0; }
figure.img img { max-width: 100%; height: auto; border: 1px solid var(--line); }
.gallery { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
.gallery figure.img { flex: 0 1 auto; max-width: 100%; }
.gallery.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); }
.side { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 4px 16px; margin: 10px 0; }
dl.facts div { border-bottom: 1px solid var(--line); padding: 2px 0; }
dl.facts dt { color: var(--muted); font-size: 0.85em; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
details.run { border: 1px solid var(--line); border-radius: 6px; margin: 10px 0; }
details.run > summary { cursor: pointer; padding: 8px 12px; background: var(--bg2); border-radius: 6px; font-weight: 600; }
details.run[open] > summary { border-bottom: 1px solid var(--line); border-radius: 6px 6px 0 0; }
details.run > .body { padding: 4px 14px 14px; }
summary .ci, summary .muted { font-weight: 400; }
.buttons { margin: 6px 0; }
button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 4px; background: white; cursor: pointer; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.88em; border-top: 1px solid var(--line); padding-top: 8px; }
@media print { .buttons, nav.toc { display: none; } details.run { break-inside: auto; } }
`;

// Draws the charts that are visible, and the others when their <details> opens.
const LOADER = `
(function () {
  "use strict";
  var hidden = function (el) { return el.closest("details:not([open])") !== null; };
  function draw(el) {
    if (el.dataset.state) return;
    el.dataset.state = "drawing";
    var spec = JSON.parse(document.getElementById(el.id + "-data").textContent);
    Plotly.newPlot(el, spec.data, spec.layout, spec.config).then(
      function () { el.dataset.state = "drawn"; },
      function (e) { el.dataset.state = "failed"; console.error("Chart " + el.id + " failed: " + e); });
  }
  function drawVisible(root) {
    root.querySelectorAll(".plotly-chart").forEach(function (el) {
      if (hidden(el)) return;
      if (el.dataset.state === "drawn") Plotly.Plots.resize(el);
      else draw(el);
    });
  }
  function setAll(open) {
    document.querySelectorAll("details").forEach(function (d) { d.open = open; });
    if (open) drawVisible(document);
  }
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var t = id && document.getElementById(id);
    if (!t) return;
    for (var d = t.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
    drawVisible(document);
  }
  if (typeof Plotly === "undefined") { console.error("plotly.js did not load: the charts cannot be drawn"); return; }
  document.addEventListener("toggle", function (e) {
    if (e.target.tagName === "DETAILS" && e.target.open) drawVisible(e.target);
  }, true);
  document.querySelectorAll("button[data-expand]").forEach(function (b) {
    b.addEventListener("click", function () { setAll(b.dataset.expand === "all"); });
  });
  window.addEventListener("hashchange", openTarget);
  window.addEventListener("beforeprint", function () { setAll(true); });
  drawVisible(document);
  openTarget();
})();
`;

/** Options of {@link reportPage}. */
export interface ReportPageOptions {
  /** Page title (escaped). */
  title: string;
  /** The page's content (trusted HTML). */
  body: string;
  /** plotly.js in a `<script>` element (see `plotlyScriptTag`), included once. */
  plotlyScript: string;
  /** Charts on the page (`ReportFigures.count`), written to `data-figure-count`. */
  figureCount: number;
}

/**
 * A complete HTML document around the report's content: the style, the
 * content in `<main data-figure-count="N">`, then plotly.js and the chart
 * loader at the end of `<body>` (the text shows before the 4.8 MB script is
 * parsed). Nothing is fetched: the page works offline.
 *
 * @param options Title, content, plotly.js, chart count.
 * @returns The document.
 */
export function reportPage(options: ReportPageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Lumbar Lab">
<title>${esc(options.title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<main class="page" data-figure-count="${options.figureCount}">
${options.body}
</main>
${options.plotlyScript}
<script>${LOADER}</script>
</body>
</html>
`;
}
