import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { plotlyHtmlDiv, scriptJson } from "./plotly_html_div.ts";
import { lineChart } from "./line_chart.ts";

Deno.test("plotlyHtmlDiv() writes a div and a Plotly.newPlot call with the figure", () => {
  const fig = lineChart([{ name: "a", x: [1, 2], y: [3, 4] }], { title: "T" }).plotly;
  const html = plotlyHtmlDiv(fig, "chart-1");
  assert(html.startsWith('<div id="chart-1" class="plotly-chart"></div>\n<script>Plotly.newPlot("chart-1", '));
  const calls: unknown[][] = [];
  new Function("Plotly", html.slice(html.indexOf("<script>") + 8, html.indexOf("</script>")))({
    newPlot: (...args: unknown[]) => calls.push(args),
  });
  assertEquals(calls, [["chart-1", fig.data, fig.layout, { responsive: true, displaylogo: false }]]);
});

Deno.test("plotlyHtmlDiv() keeps '</script>' in data from closing the element", () => {
  const html = plotlyHtmlDiv({ data: [], layout: { title: { text: "</script><script>alert(1)</script>" } } }, "x");
  assertEquals(html.match(/<\/script>/g)?.length, 1);
  assert(html.includes("\\u003c/script>"));
  assertEquals(JSON.parse(scriptJson({ s: "<!--\u2028</script>" })), { s: "<!--\u2028</script>" });
});

Deno.test("plotlyHtmlDiv() rejects ids that are not plain identifiers", () => {
  assertThrows(() => plotlyHtmlDiv({ data: [], layout: {} }, 'a" onload="x'), RangeError, "Invalid id");
  assertThrows(() => plotlyHtmlDiv({ data: [], layout: {} }, "1abc"), RangeError, "Invalid id");
});
