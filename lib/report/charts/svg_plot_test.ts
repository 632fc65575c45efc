import { assert, assertAlmostEquals, assertEquals } from "../../../tests/assert.ts";
import { fixedAxis, legend, niceAxis, polyline, project, svgDocument, text, tickFormatter } from "./svg_plot.ts";
import { bluesAt, escapePlotly } from "./style.ts";
import { assertWellFormedSvg } from "./test_util.ts";

Deno.test("niceAxis() rounds the range out to 1-2-5 ticks", () => {
  const a = niceAxis([0.27, 0.96]);
  assertEquals([a.min, a.max], [0.2, 1]);
  assertEquals(a.ticks, [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assertEquals(a.ticks.map(a.format), ["0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"]);
  const b = niceAxis([3, 1234], { includeZero: true });
  assertEquals([b.min, b.max, b.ticks.length], [0, 1400, 8]);
});

Deno.test("niceAxis() handles clamps, integers, flat and empty data", () => {
  assertEquals(niceAxis([0.05, 0.999], { clamp: [0, 1] }).max, 1);
  assertEquals(niceAxis([1, 3], { integer: true }).ticks, [1, 2, 3]);
  const flat = niceAxis([5, 5]);
  assert(flat.min < 5 && flat.max > 5, "a flat series gets a range");
  const empty = niceAxis([NaN]);
  assertEquals([empty.min, empty.max], [0, 1]);
});

Deno.test("niceAxis() makes log axes over decades", () => {
  const a = niceAxis([1e-5, 1e-3], { log: true });
  assert(a.log);
  assertEquals([a.min, a.max], [1e-5, 1e-3]);
  assertEquals(a.ticks.map(a.format), ["1e-5", "2e-5", "5e-5", "1e-4", "2e-4", "5e-4", "1e-3"]);
  assertAlmostEquals(project(a, 1e-4, 0, 100), 50, 1e-9);
  assert(!niceAxis([0, 1], { log: true }).log, "zero falls back to linear");
});

Deno.test("tickFormatter() trims float noise and negative zero", () => {
  const f = tickFormatter(0.1, 1);
  assertEquals([f(0.30000000000000004), f(-0)], ["0.3", "0.0"]);
  assertEquals(tickFormatter(0.0001, 0.001)(0.0005), "5e-4");
});

Deno.test("polyline() breaks at missing points", () => {
  const ax = fixedAxis(0, 1, 0.5), box = { x: 0, y: 0, width: 100, height: 100 };
  const d = polyline([[0, 0], [0.5, NaN], [0.5, 0.5], [1, 1]], ax, ax, box, { color: "#000" });
  assertEquals(d.match(/d="([^"]+)"/)?.[1], "M0 100M50 50L100 0");
  assertEquals(polyline([null], ax, ax, box, { color: "#000" }), "");
});

Deno.test("svgDocument() with text and legends is well-formed and escaped", () => {
  const svg = svgDocument(200, 100, text(1, 2, "a<b>&c") + legend([{ label: "x & y", color: "#f00" }], 5, 5), "T<>");
  assertWellFormedSvg(svg);
  assert(svg.includes("a&lt;b&gt;&amp;c") && svg.includes("x &amp; y") && svg.includes("T&lt;&gt;"));
});

Deno.test("bluesAt() spans the Blues scale and escapePlotly() escapes Plotly markup", () => {
  assertEquals([bluesAt(0), bluesAt(1), bluesAt(2), bluesAt(NaN)], [
    "rgb(247,251,255)",
    "rgb(8,48,107)",
    "rgb(8,48,107)",
    "rgb(247,251,255)",
  ]);
  assertEquals(bluesAt(0.0625), "rgb(235,243,251)");
  assertEquals(escapePlotly("<b>&'\""), "&lt;b&gt;&amp;'\"");
});
