import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { trainingCurves, type TrainingHistoryRow } from "./training_curves.ts";
import { svgToPng } from "./svg_to_png.ts";
import { assertWellFormedSvg, colourNear, hexRgb, pathPoints, pngPixels } from "./test_util.ts";

const history: TrainingHistoryRow[] = [1, 2, 3, 4].map((epoch) => ({
  epoch,
  loss: 1.5 / epoch,
  acc: 0.4 + 0.1 * epoch,
  valLoss: epoch === 3 ? undefined : 1.6 / epoch,
  valAcc: epoch === 3 ? undefined : 0.35 + 0.1 * epoch,
}));

Deno.test("trainingCurves() gives accuracy and loss traces, train and validation, on two subplots", () => {
  const { plotly } = trainingCurves(history, { title: "CNN" });
  assertEquals(plotly.data.length, 4);
  const traces = plotly.data.map((t) => t.type === "scatter" ? [t.name, t.xaxis, t.yaxis, t.x, t.showlegend] : []);
  assertEquals(traces, [
    ["train", "x", "y", [1, 2, 3, 4], true],
    ["validation", "x", "y", [1, 2, 4], true],
    ["train", "x2", "y2", [1, 2, 3, 4], false],
    ["validation", "x2", "y2", [1, 2, 4], false],
  ]);
  const acc = plotly.data[0];
  assert(acc.type === "scatter");
  assertEquals(acc.y.map((v) => Number(v?.toFixed(12))), [0.5, 0.6, 0.7, 0.8]);
  assertEquals(plotly.layout.xaxis2?.anchor, "y2");
  assertEquals(plotly.layout.annotations?.map((a) => a.text), ["<b>Accuracy</b>", "<b>Loss</b>"]);
});

Deno.test("trainingCurves() adds a log learning-rate panel only when the rate changes by 10x", () => {
  const withLr = history.map((h, i) => ({ ...h, lr: i < 2 ? 1e-3 : 1e-4 }));
  const c = trainingCurves(withLr);
  assertEquals(c.plotly.data.length, 5);
  assertEquals(c.plotly.layout.yaxis3?.type, "log");
  assert(c.svg.includes("Learning rate") && c.svg.includes('width="1200"'));
  assertEquals(trainingCurves(history.map((h) => ({ ...h, lr: 1e-3 }))).plotly.data.length, 4);
  assertEquals(
    trainingCurves(withLr.map((h, i) => ({ ...h, lr: i < 2 ? 2e-3 : 1e-3 }))).plotly.layout.yaxis3?.type,
    undefined,
  );
});

Deno.test("trainingCurves() without validation draws train lines only", () => {
  const c = trainingCurves(history.map(({ epoch, loss, acc }) => ({ epoch, loss, acc })));
  assertEquals(c.plotly.data.length, 2);
  assert(!c.svg.includes("validation"));
});

Deno.test("trainingCurves() SVG is well-formed, titled, and its PNG shows both lines", async () => {
  const c = trainingCurves(history, { title: "VGG16 <fold 1>" });
  assertWellFormedSvg(c.svg);
  for (const s of ["VGG16 &lt;fold 1&gt;", "Accuracy", "Loss", "epoch", "accuracy", "loss", "train", "validation"]) {
    assert(c.svg.includes(`>${s}<`), `SVG has ${s}`);
  }
  const p = await pngPixels(await svgToPng(c.svg));
  assertEquals([p.width, p.height], [960, 420]);
  for (const color of ["#1f77b4", "#ff7f0e"]) {
    const [a, b] = pathPoints(c.svg, color);
    assert(colourNear(p, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2, hexRgb(color)), `${color} drawn`);
  }
});

Deno.test("trainingCurves() rejects an empty history", () => {
  assertThrows(() => trainingCurves([]), RangeError, "at least one epoch");
});
