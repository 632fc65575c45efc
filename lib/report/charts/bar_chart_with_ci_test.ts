import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { barChartWithCi } from "./bar_chart_with_ci.ts";
import { svgToPng } from "./svg_to_png.ts";
import { assertWellFormedSvg, colourNear, hexRgb, pngPixels } from "./test_util.ts";

const rows = [
  { name: "CNN", value: 0.81, low: 0.74, high: 0.87 },
  { name: "VGG16 & <co>", value: 0.86, low: 0.8, high: 0.91 },
];

Deno.test("barChartWithCi() gives one bar trace with asymmetric error bars", () => {
  const { plotly } = barChartWithCi(rows, { title: "Accuracy", yTitle: "accuracy" });
  assertEquals(plotly.data.length, 1);
  const bar = plotly.data[0];
  assert(bar.type === "bar" && bar.error_y);
  assertEquals(bar.x, ["CNN", "VGG16 &amp; &lt;co&gt;"]);
  assertEquals(bar.y, [0.81, 0.86]);
  bar.error_y.array.forEach((v, i) => assertAlmostEquals(v, [0.06, 0.05][i], 1e-12));
  bar.error_y.arrayminus?.forEach((v, i) => assertAlmostEquals(v, [0.07, 0.06][i], 1e-12));
  assertEquals(bar.customdata, [[0.74, 0.87], [0.8, 0.91]]);
  assertEquals(plotly.layout.yaxis?.title?.text, "accuracy");
});

Deno.test("barChartWithCi() SVG has names, values and titles, and the PNG draws the bars", async () => {
  const c = barChartWithCi(rows, { title: "Test accuracy", yTitle: "accuracy (95% CI)" });
  assertWellFormedSvg(c.svg);
  for (const s of ["Test accuracy", "accuracy (95% CI)", "CNN", "VGG16 &amp; &lt;co&gt;", "0.810", "0.860"]) {
    assert(c.svg.includes(`>${s}<`), `SVG has ${s}`);
  }
  const p = await pngPixels(await svgToPng(c.svg));
  assertEquals([p.width, p.height], [640, 420]);
  const bars = [...c.svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="(#\w+)"/g)];
  assertEquals(bars.length, 2);
  for (const m of bars) {
    const [x, y, w, h] = m.slice(1, 5).map(Number);
    // fill-opacity 0.85 over white lightens the colour a little.
    const rgb = hexRgb(m[5]).map((v) => v * 0.85 + 255 * 0.15);
    assert(colourNear(p, x + w / 4, y + h / 2, rgb, 1, 12), `bar ${m[5]} filled`);
  }
});

Deno.test("barChartWithCi() rejects intervals that do not hold the value", () => {
  assertThrows(() => barChartWithCi([{ name: "x", value: 0.5, low: 0.6, high: 0.7 }]), RangeError, 'Bar "x"');
  assertThrows(() => barChartWithCi([{ name: "y", value: NaN, low: 0, high: 1 }]), RangeError, "value=NaN");
});

Deno.test("barChartWithCi() handles negative values and slants long names", () => {
  const c = barChartWithCi([
    { name: "a very long model name number one", value: -0.2, low: -0.3, high: 0.1 },
    { name: "another long model name", value: 0.4, low: 0.2, high: 0.5 },
    { name: "third long model name here", value: 0.1, low: 0, high: 0.2 },
  ]);
  assertWellFormedSvg(c.svg);
  assert(c.svg.includes("rotate(-35"), "long names slanted");
  assert(c.svg.includes(">-0.3<") || c.svg.includes(">-0.4<"), "axis goes below zero");
});
