import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { lineChart } from "./line_chart.ts";
import { svgToPng } from "./svg_to_png.ts";
import { assertWellFormedSvg, colourNear, hexRgb, pathPoints, pngPixels } from "./test_util.ts";

const x = [1, 2, 3, 4, 5];

Deno.test("lineChart() gives one Plotly trace per series with plain data", () => {
  const c = lineChart([
    { name: "cumulative", x, y: [0.5, 0.7, 0.8, 0.9, 0.95] },
    { name: "per <component>", x, y: [0.5, 0.2, NaN, 0.1, 0.05] },
  ], { title: "PCA & co", xTitle: "components", yTitle: "ratio", markers: true });
  assertEquals(c.plotly.data.length, 2);
  const [a, b] = c.plotly.data;
  assert(a.type === "scatter" && b.type === "scatter");
  assertEquals(a.mode, "lines+markers");
  assertEquals(b.y, [0.5, 0.2, null, 0.1, 0.05]);
  assertEquals(b.name, "per &lt;component&gt;");
  assertEquals(c.plotly.layout.title?.text, "PCA &amp; co");
  assertEquals(c.plotly.layout.xaxis?.title?.text, "components");
  assertEquals(c.plotly.layout.showlegend, true);
  assertEquals(JSON.parse(JSON.stringify(c.plotly)).data[1].y[2], null);
});

Deno.test("lineChart() SVG is well-formed with titles, ticks and an escaped legend", () => {
  const c = lineChart([{ name: "a", x, y: x }, { name: "b <&>", x, y: x.map((v) => v * 2) }], {
    title: "Deletion curve",
    xTitle: "fraction removed",
    yTitle: "score",
  });
  assertWellFormedSvg(c.svg);
  for (const s of ["Deletion curve", "fraction removed", "score", "b &lt;&amp;&gt;", ">10<"]) {
    assert(c.svg.includes(s), `SVG has ${s}`);
  }
  assert(c.svg.startsWith("<svg") && c.svg.includes('width="640" height="420"'));
});

Deno.test("lineChart() PNG has the chart's size and its lines where the SVG puts them", async () => {
  const c = lineChart([{ name: "a", x, y: [1, 3, 2, 5, 4] }, { name: "b", x, y: [2, 2, 2, 2, 2] }], {
    width: 500,
    height: 300,
  });
  const p = await pngPixels(await svgToPng(c.svg));
  assertEquals([p.width, p.height], [500, 300]);
  for (const [color, at] of [["#1f77b4", 0.5], ["#ff7f0e", 0.3]] as const) {
    const pts = pathPoints(c.svg, color);
    assertEquals(pts.length, 5);
    const mx = pts[1][0] + (pts[2][0] - pts[1][0]) * at, my = pts[1][1] + (pts[2][1] - pts[1][1]) * at;
    assert(colourNear(p, mx, my, hexRgb(color)), `${color} line drawn at ${mx},${my}`);
  }
  assert(!colourNear(p, 5, 5, hexRgb("#1f77b4"), 3), "corner is background");
});

Deno.test("lineChart() rejects series whose x and y differ in length", () => {
  assertThrows(() => lineChart([{ name: "bad", x: [1, 2], y: [1] }]), RangeError, 'Series "bad"');
  assertThrows(() => lineChart([], { width: 10 }), RangeError, "width");
});

Deno.test("lineChart() copes with no series and with a log y axis", () => {
  assertWellFormedSvg(lineChart([]).svg);
  const c = lineChart([{ name: "lr", x, y: [1e-3, 1e-3, 1e-4, 1e-4, 1e-5] }], { logY: true });
  assertEquals(c.plotly.layout.yaxis?.type, "log");
  assert(c.svg.includes(">1e-4<"));
});
