import { assert, assertEquals } from "../../../tests/assert.ts";
import { displayFigure, JUPYTER_DISPLAY } from "./display_figure.ts";
import { lineChart } from "./line_chart.ts";

const chart = lineChart([{ name: "a", x: [1, 2], y: [0.5, NaN] }], { title: "Variance <PCA> & co" });

Deno.test("displayFigure() answers the Deno kernel's Jupyter.display with a Plotly bundle", () => {
  const d = displayFigure(chart);
  assertEquals(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  const bundle = d[Symbol.for("Jupyter.display") as typeof JUPYTER_DISPLAY]();
  assertEquals(Object.keys(bundle), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
  const fig = bundle["application/vnd.plotly.v1+json"];
  assertEquals(fig?.data.length, 1);
  assertEquals(fig?.data[0].type === "scatter" ? fig.data[0].y : [], [0.5, null]);
  assert(bundle["text/html"]?.includes("<svg") && bundle["text/html"].includes(chart.svg), "SVG fallback");
  assertEquals(bundle["text/plain"], "Plotly figure: Variance <PCA> & co (1 traces)");
});

Deno.test("displayFigure() is itself a raw MIME bundle of plain JSON", () => {
  const d = displayFigure(chart.plotly);
  const json = JSON.parse(JSON.stringify(d));
  assertEquals(Object.keys(json), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
  assertEquals(json["application/vnd.plotly.v1+json"], JSON.parse(JSON.stringify(chart.plotly)));
  assert(json["text/html"].includes("Variance &lt;PCA&gt; &amp; co") && !json["text/html"].includes("<svg"));
});

Deno.test("displayFigure() copies the figure", () => {
  const fig = structuredClone(chart.plotly);
  const d = displayFigure(fig);
  fig.data.pop();
  assertEquals(d["application/vnd.plotly.v1+json"]?.data.length, 1);
});
