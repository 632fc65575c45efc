import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { rocCurves } from "./roc_curves.ts";
import { svgToPng } from "./svg_to_png.ts";
import { assertWellFormedSvg, colourNear, hexRgb, pathPoints, pngPixels } from "./test_util.ts";

const curves = [
  { label: "healthy", fpr: [0, 0.1, 0.4, 1], tpr: [0, 0.7, 0.9, 1], auc: 0.8766 },
  { label: "stenosis <L4>", fpr: [0, 0.5, 1], tpr: [0, 0.6, 1], auc: null },
];

Deno.test("rocCurves() gives one trace per class with its AUC, then the chance line", () => {
  const { plotly } = rocCurves(curves);
  assertEquals(plotly.data.length, 3);
  assertEquals(plotly.data.map((t) => t.name), [
    "healthy (AUC 0.877)",
    "stenosis &lt;L4&gt; (AUC n/a)",
    "chance (AUC 0.5)",
  ]);
  const [a, , chance] = plotly.data;
  assert(a.type === "scatter" && chance.type === "scatter");
  assertEquals([a.x, a.y], [[0, 0.1, 0.4, 1], [0, 0.7, 0.9, 1]]);
  assertEquals([chance.x, chance.y, chance.line?.dash], [[0, 1], [0, 1], "dash"]);
  assertEquals(plotly.layout.xaxis?.range, [0, 1]);
  assertEquals(plotly.layout.yaxis?.scaleanchor, "x");
});

Deno.test("rocCurves() SVG is well-formed with legend, axes and a diagonal, and the PNG draws the curves", async () => {
  const c = rocCurves(curves, { title: "ROC & AUC" });
  assertWellFormedSvg(c.svg);
  for (const s of ["ROC &amp; AUC", "healthy (AUC 0.877)", "stenosis &lt;L4&gt; (AUC n/a)", "false positive rate"]) {
    assert(c.svg.includes(`>${s}<`), `SVG has ${s}`);
  }
  const p = await pngPixels(await svgToPng(c.svg));
  assertEquals([p.width, p.height], [560, 560]);
  const [a, b] = pathPoints(c.svg, "#1f77b4");
  assert(colourNear(p, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2, hexRgb("#1f77b4")), "first curve drawn");
  const [d0, d1] = pathPoints(c.svg, "#888");
  assertEquals([d0[0] < d1[0], d0[1] > d1[1]], [true, true]);
});

Deno.test("rocCurves() clamps to [0, 1] and rejects ragged curves", () => {
  const t = rocCurves([{ label: "x", fpr: [-0.1, 0.5, 1.2], tpr: [0, NaN, 1], auc: 0.5 }]).plotly.data[0];
  assert(t.type === "scatter");
  assertEquals([t.x, t.y], [[0, 1], [0, 1]]);
  assertThrows(() => rocCurves([{ label: "bad", fpr: [0, 1], tpr: [0], auc: 1 }]), RangeError, 'Curve "bad"');
});
