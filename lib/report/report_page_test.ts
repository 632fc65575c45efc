import { assert, assertEquals } from "../../tests/assert.ts";
import { lineChart } from "./charts/line_chart.ts";
import { ReportFigures, reportPage } from "./report_page.ts";

Deno.test("ReportFigures numbers its charts and embeds each figure as script-safe JSON", () => {
  const figures = new ReportFigures();
  const chart = lineChart([{ name: "a", x: [0, 1], y: [0, 1] }], { height: 300 });
  chart.plotly.layout.title = { text: "</script><b>" };
  const a = figures.add(chart.plotly, "First & only", "wide");
  const b = figures.add(chart.plotly);
  assertEquals(figures.count, 2);
  assert(
    a.startsWith(`<figure class="chart wide"><div id="chart-1" class="plotly-chart" style="min-height:300px">`),
    a,
  );
  assert(b.includes(`id="chart-2"`) && b.includes(`<script type="application/json" id="chart-2-data">`), b);
  assert(a.includes("\\u003c/script>\\u003cb>") && !a.includes("</script><b>"), "no raw </script> in the JSON");
  assert(a.endsWith("<figcaption>First &amp; only</figcaption></figure>"), a);
  const json = a.slice(a.indexOf(`-data">`) + 7, a.indexOf("</script>"));
  assertEquals(JSON.parse(json).config, { responsive: true, displaylogo: false });
});

Deno.test("reportPage() wraps the content with the count, plotly.js once and the loader after it", () => {
  const page = reportPage({
    title: "A <b>",
    body: "<p>hi</p>",
    plotlyScript: "<script>/*PLOTLY*/</script>",
    figureCount: 4,
  });
  assert(page.includes("<title>A &lt;b&gt;</title>"), page);
  assert(page.includes(`<main class="page" data-figure-count="4">\n<p>hi</p>\n</main>`), page);
  assertEquals(page.split("/*PLOTLY*/").length, 2);
  assert(page.indexOf("/*PLOTLY*/") < page.indexOf("Plotly.newPlot"), "plotly.js before the loader");
  assert(page.includes(`<link rel="icon" href="data:,">`), "no favicon request");
});
