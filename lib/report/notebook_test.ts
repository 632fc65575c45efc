import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { evaluateProbabilities } from "../train/evaluate.ts";
import { JUPYTER_DISPLAY } from "./charts/display_figure.ts";
import {
  byProfile,
  captionedRowsPng,
  ciBar,
  countsBarChart,
  displayTable,
  displayText,
  enlargeGallery,
  evaluationRocCurves,
  meanWithCi,
  percentCi,
  show,
  tensorToGrayImages,
} from "./notebook.ts";

Deno.test("byProfile() picks the profile's settings and rejects unknown names, listing the valid ones", () => {
  assertEquals(byProfile("small", { small: 2, full: 12 }), 2);
  assertEquals(byProfile("full", { small: 2, full: 12 }), 12);
  const e = assertThrows(() => byProfile("quick", { small: 2, full: 12 }), RangeError);
  assert(e.message.includes('"quick"') && e.message.includes("small, full"), e.message);
});

Deno.test("displayTable() gives HTML, Markdown and aligned text, escaped, and displays itself", () => {
  const t = displayTable(["class", "images"], [["Healthy", 12], ["a|b <c>", 3]]);
  const bundle = t[JUPYTER_DISPLAY]();
  assertEquals(Object.keys(bundle), ["text/html", "text/markdown", "text/plain"]);
  assert(bundle["text/html"].includes("<td>a|b &lt;c&gt;</td>"), bundle["text/html"]);
  assertEquals(bundle["text/markdown"]!.split("\n"), [
    "| class | images |",
    "| --- | --- |",
    "| Healthy | 12 |",
    "| a\\|b <c> | 3 |",
  ]);
  assertEquals(bundle["text/plain"], "class    images\nHealthy  12\na|b <c>  3");
  assertEquals(JSON.parse(JSON.stringify(t))["text/plain"], bundle["text/plain"], "a raw bundle too");
});

Deno.test("displayText() shows text preformatted and escaped", () => {
  const b = displayText("a < b\n  c")[JUPYTER_DISPLAY]();
  assertEquals(b["text/html"], "<pre>a &lt; b\n  c</pre>");
  assertEquals(b["text/plain"], "a < b\n  c");
});

Deno.test("tensorToGrayImages() splits a batch into gray images, first channel", async () => {
  await initBackend("cpu");
  const batch = tf.tensor4d(
    [0, 0, 0, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
    [
      2,
      2,
      2,
      3,
    ],
  );
  const images = await tensorToGrayImages(batch);
  batch.dispose();
  assertEquals(images.length, 2);
  assertEquals(images[1].size, 2);
  assertEquals(Array.from(images[0].image, (v) => Math.round(v * 10) / 10), [0, 0.1, 0.2, 0.3]);
  assertEquals(Array.from(images[1].image), [1, 1, 1, 0]);
  const wide = tf.zeros([1, 2, 3, 1]) as tf.Tensor4D;
  await assertRejects(() => tensorToGrayImages(wide), RangeError, "square");
  wide.dispose();
});

Deno.test("evaluationRocCurves() gives one curve per class with its AUC", () => {
  const e = evaluateProbabilities([0, 1, 1, 0], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]], ["a", "b"], {
    iterations: 10,
  });
  const curves = evaluationRocCurves(e);
  assertEquals(curves.map((c) => c.label), ["a", "b"]);
  assertEquals(curves[1].auc, e.roc.perClass.b.auc);
  assertEquals(curves[0].fpr, e.roc.perClass.a.curve.fpr);
});

Deno.test("meanWithCi() gives the mean inside its bootstrap interval and skips NaN", () => {
  const bar = meanWithCi("hits", [true, false, true, NaN, true], { seed: 1, iterations: 200 });
  assertEquals(bar.name, "hits");
  assertEquals(bar.value, 0.75);
  assert(bar.low <= 0.75 && bar.high >= 0.75 && bar.low >= 0 && bar.high <= 1, JSON.stringify(bar));
  assertThrows(() => meanWithCi("none", [NaN]), RangeError);
});

Deno.test("countsBarChart() draws one bar per key with its count and no interval", () => {
  const chart = countsBarChart({ Healthy: 12, Spondylosis: 9 }, { title: "Images per class" });
  const trace = chart.plotly.data[0];
  assertEquals(trace.type, "bar");
  if (trace.type !== "bar") return;
  assertEquals(trace.x, ["Healthy", "Spondylosis"]);
  assertEquals(trace.y, [12, 9]);
  assertEquals(trace.error_y, undefined);
  assertEquals(chart.plotly.layout.yaxis?.title?.text, "images");
  assert(chart.svg.includes(">12<") && chart.svg.includes(">9<"), "counts written above the bars");
});

Deno.test("captionedRowsPng() lays out rows of gray images as one PNG", async () => {
  const gray = (v: number) => ({ image: new Float32Array(16).fill(v), size: 4 });
  const png = await captionedRowsPng([
    { caption: "original", images: [gray(0.2), gray(0.8)] },
    { caption: "short", images: [gray(0.5)] },
  ], { columnCaptions: ["a", "b"], tileSize: 32 });
  assertEquals(Array.from(png.slice(1, 4)), [0x50, 0x4e, 0x47]);
  const view = new DataView(png.buffer, png.byteOffset);
  assertEquals(view.getUint32(16), 2 * (32 + 10) + 10, "two columns of 32 px tiles with 10 px gaps");
  await assertRejects(() => captionedRowsPng([{ caption: "none", images: [] }]), RangeError);
});

Deno.test("show() displays through Deno.jupyter and waits, or prints the plain text outside the kernel", async () => {
  const deno = Deno as unknown as { jupyter?: unknown };
  const shown: unknown[] = [];
  const logged: unknown[] = [];
  const log = console.log;
  console.log = (v: unknown) => logged.push(v);
  try {
    await show(displayText("outside"));
    await show(42);
    deno.jupyter = { display: (v: unknown) => Promise.resolve(void shown.push(v)) };
    const t0 = performance.now();
    await show(displayText("inside"), { settleMs: 20 });
    assert(performance.now() - t0 >= 15, "waited after displaying");
  } finally {
    deno.jupyter = undefined; // back to "only available in deno jupyter" (the property cannot be deleted)
    console.log = log;
  }
  assertEquals(logged, ["outside", 42]);
  assertEquals(shown.length, 1);
  assertEquals((shown[0] as { "text/plain": string })["text/plain"], "inside");
});

Deno.test("enlargeGallery() resizes images and heatmaps of every tile, keeping captions", () => {
  const tile = {
    image: { width: 2, height: 2, data: new Float32Array([0, 1, 0, 1]) },
    heatmap: new Float32Array([1, 1, 0, 0]),
    caption: "Grad-CAM",
  };
  const [[big]] = enlargeGallery([[tile]], 4);
  assertEquals(big.caption, "Grad-CAM");
  assertEquals([big.image.width, big.image.height, big.image.data.length, big.heatmap.length], [4, 4, 16, 16]);
  assertEquals(Array.from(big.heatmap.subarray(0, 4)), [1, 1, 1, 1], "top row stays hot");
  assertEquals(Array.from(big.heatmap.subarray(12)), [0, 0, 0, 0], "bottom row stays cold");
  assertEquals(tile.image.data.length, 4, "input untouched");
  assertThrows(() => enlargeGallery([[tile]], 0), RangeError);
});

Deno.test("ciBar() turns an interval into a bar that always holds its estimate", () => {
  assertEquals(ciBar("a", { estimate: 0.5, low: 0.4, high: 0.6 }), { name: "a", value: 0.5, low: 0.4, high: 0.6 });
  assertEquals(ciBar("b", { estimate: 0.5, low: 0.5000001, high: NaN }), {
    name: "b",
    value: 0.5,
    low: 0.5,
    high: 0.5,
  });
  assertThrows(() => ciBar("c", { estimate: NaN, low: 0, high: 1 }), RangeError, '"c"');
});

Deno.test("percentCi() writes a share and its interval in percent", () => {
  assertEquals(percentCi({ estimate: 0.708, low: 0.5, high: 0.875 }), "70.8% [50.0, 87.5]");
  assertEquals(percentCi({ estimate: 1, low: NaN, high: 1 }, 0), "100% [?, 100]");
});
