import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { confusionMatrixHeatmap } from "./confusion_matrix_heatmap.ts";
import { svgToPng } from "./svg_to_png.ts";
import { assertWellFormedSvg, colourNear, pngPixels } from "./test_util.ts";

const matrix = [[8, 2, 0], [1, 9, 0], [0, 0, 0]];
const labels = ["healthy", "herniated", "stenosis"];

function heatmap(c: ReturnType<typeof confusionMatrixHeatmap>) {
  const h = c.plotly.data[0];
  assert(h.type === "heatmap");
  return h;
}

Deno.test("confusionMatrixHeatmap() normalise 'true' divides rows by their sums (empty rows stay 0)", () => {
  const c = confusionMatrixHeatmap(matrix, labels, { normalize: "true" });
  assertEquals(c.plotly.data.length, 1);
  const h = heatmap(c);
  assertEquals(h.z, [[0.8, 0.2, 0], [0.1, 0.9, 0], [0, 0, 0]]);
  assertEquals([h.zmin, h.zmax], [0, 1]);
  assertEquals(h.text?.[0], ["80% (8)", "20% (2)", "0% (0)"]);
  assertEquals(h.text?.[2][0], "– (0)");
  const anno = c.plotly.layout.annotations ?? [];
  assertEquals(anno.length, 9);
  assertEquals([anno[0].text, anno[0].x, anno[0].y, anno[0].font?.color], [
    "80%<br>(8)",
    "healthy",
    "healthy",
    "white",
  ]);
  assertEquals(anno[1].font?.color, "#222");
  assertEquals(c.plotly.layout.yaxis?.autorange, "reversed");
  assertEquals(c.plotly.layout.xaxis?.title?.text, "predicted");
  assertEquals(c.plotly.layout.yaxis?.title?.text, "true");
});

Deno.test("confusionMatrixHeatmap() without normalising colours counts and writes counts first", () => {
  const c = confusionMatrixHeatmap([[3, 1], [2, 6]], ["a", "b"]);
  const h = heatmap(c);
  assertEquals(h.z, [[3, 1], [2, 6]]);
  assertEquals(h.zmax, 6);
  assertEquals(h.text, [["3 75%", "1 25%"], ["2 25%", "6 75%"]]);
  assertEquals(c.plotly.layout.title?.text, "Confusion matrix");
  const odd = heatmap(confusionMatrixHeatmap([[1, 2], [0, 0]], ["a", "b"], { normalize: "true" }));
  assertAlmostEquals(odd.z[0][0], 1 / 3, 1e-12);
});

Deno.test("confusionMatrixHeatmap() escapes labels in both forms", () => {
  const c = confusionMatrixHeatmap([[1, 0], [0, 1]], ["a<&>b", "c"], { title: "x & y" });
  assertEquals(heatmap(c).x, ["a&lt;&amp;&gt;b", "c"]);
  assertEquals(c.plotly.layout.title?.text, "x &amp; y");
  assertWellFormedSvg(c.svg);
  assert(c.svg.includes(">a&lt;&amp;&gt;b<") && c.svg.includes(">x &amp; y<"));
  assert(!c.svg.includes("a<&>b"));
});

Deno.test("confusionMatrixHeatmap() SVG has labels, axis titles, cells and renders dark diagonal cells", async () => {
  const c = confusionMatrixHeatmap([[40, 2], [3, 50]], ["Healthy", "Spondylosis"]);
  assertWellFormedSvg(c.svg);
  for (const s of ["Confusion matrix", "Healthy", "Spondylosis", "true", "predicted", "40", "50", "95%"]) {
    assert(c.svg.includes(`>${s}<`), `SVG has ${s}`);
  }
  const p = await pngPixels(await svgToPng(c.svg));
  assertEquals([p.width, p.height], [600, 560]);
  const cells = [...c.svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" fill="rgb/g)]
    .slice(0, 4).map((m) => [Number(m[1]) + Number(m[3]) * 0.15, Number(m[2]) + Number(m[3]) * 0.15]);
  assert(colourNear(p, cells[3][0], cells[3][1], [8, 48, 107], 1, 12), "largest cell darkest blue");
  assert(colourNear(p, cells[1][0], cells[1][1], [247, 251, 255], 1, 20), "small cell near white");
});

Deno.test("confusionMatrixHeatmap() rejects mismatched shapes, bad counts, repeated labels and unknown modes", () => {
  assertThrows(() => confusionMatrixHeatmap([[1, 2]], ["a", "b"]), RangeError, "2 x 2");
  assertThrows(() => confusionMatrixHeatmap([[1, 2], [3]], ["a", "b"]), RangeError, "2 x 2");
  assertThrows(() => confusionMatrixHeatmap([[1, -2], [3, 4]], ["a", "b"]), RangeError, "-2");
  assertThrows(() => confusionMatrixHeatmap([[1, NaN], [3, 4]], ["a", "b"]), RangeError, "NaN");
  assertThrows(() => confusionMatrixHeatmap([[1, 2], [3, 4]], ["a", "a"]), RangeError, "distinct");
  assertThrows(() => confusionMatrixHeatmap([], []), RangeError, "at least one");
  assertThrows(
    // @ts-expect-error: an invalid mode, as JavaScript callers could pass
    () => confusionMatrixHeatmap([[1]], ["a"], { normalize: "pred" }),
    RangeError,
    "Valid values are: true, none. Received: pred",
  );
});
