import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertLess, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { deletionInsertion, gaussianBlur, trapezoidAuc } from "./deletion_insertion.ts";

/** P(class 0) = sigmoid(sum of the pixels in the top-left 4x4 box - 4): only the box matters. */
function boxModel(): { model: tf.LayersModel; box: Float32Array } {
  const box = new Float32Array(8 * 8);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) box[y * 8 + x] = 1;
  const input = tf.input({ shape: [8, 8, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 2, activation: "softmax", name: "predictions" });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
  const kernel = new Float32Array(64 * 2);
  box.forEach((v, i) => (kernel[i * 2] = v));
  tf.tidy(() => dense.setWeights([tf.tensor2d(kernel, [64, 2]), tf.tensor1d([-4, 0])]));
  return { model, box };
}

Deno.test("deletionInsertion() rewards a map that finds the pixels the model uses", async () => {
  await initBackend("wasm");
  const { model, box } = boxModel();
  const x = tf.ones([8, 8, 1]) as tf.Tensor3D;
  const before = tf.memory().numTensors;
  const good = await deletionInsertion(model, x, box, { steps: 8 });
  const bad = await deletionInsertion(model, x, box.map((v) => 1 - v), { steps: 8 });
  assertEquals(tf.memory().numTensors, before);
  assertEquals(good.classIndex, 0);
  assertEquals(good.deletion.fractions.length, 9);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  // Intact image: sigmoid(16 - 4); all pixels removed / none revealed: sigmoid(-4).
  assertAlmostEquals(good.deletion.scores[0], sigmoid(12), 1e-5);
  assertAlmostEquals(good.deletion.scores[8], sigmoid(-4), 1e-5);
  assertAlmostEquals(good.insertion.scores[0], sigmoid(-4), 1e-5);
  assertAlmostEquals(good.insertion.scores[8], sigmoid(12), 1e-5);
  // The first step removes 8 of the 16 box pixels: sigmoid(8 - 4).
  assertAlmostEquals(good.deletion.scores[1], sigmoid(4), 1e-5);
  assertLess(good.deletion.auc, bad.deletion.auc, "deletion AUC");
  assertLess(bad.insertion.auc, good.insertion.auc, "insertion AUC");
  assertAlmostEquals(good.deletion.auc, trapezoidAuc(good.deletion.scores), 1e-12);
  x.dispose();
  model.dispose();
});

Deno.test("deletionInsertion() with a blurred baseline, batching and checks", async () => {
  await initBackend("wasm");
  const { model, box } = boxModel();
  const x = tf.tidy(() => tf.randomUniform([1, 8, 8, 1], 0, 1, "float32", 2)) as tf.Tensor4D;
  const a = await deletionInsertion(model, x, box, { baseline: "blur", steps: 4, batchSize: 3, classIndex: 1 });
  const b = await deletionInsertion(model, x, box, { baseline: "blur", steps: 4, batchSize: 10, classIndex: 1 });
  assertEquals(a, b, "batch size does not change the result");
  assertEquals(a.deletion.scores[4], a.insertion.scores[0], "all deleted = the baseline");
  await assertRejects(() => deletionInsertion(model, x, new Float32Array(3)), RangeError, "64 values");
  await assertRejects(() => deletionInsertion(model, x, box, { classIndex: 2 }), RangeError, "classIndex");
  x.dispose();
  model.dispose();
});

Deno.test("trapezoidAuc() and gaussianBlur() basics", () => {
  assertAlmostEquals(trapezoidAuc([0, 1]), 0.5, 1e-12);
  assertAlmostEquals(trapezoidAuc([1, 1, 1]), 1, 1e-12);
  const flat = gaussianBlur(new Float32Array(5 * 4 * 2).fill(0.3), 5, 4, 2, 1.5);
  assert(flat.every((v) => Math.abs(v - 0.3) < 1e-6), "a constant image stays constant");
  const dot = new Float32Array(9 * 9);
  dot[40] = 1;
  const blurred = gaussianBlur(dot, 9, 9, 1, 1);
  assertAlmostEquals(blurred.reduce((s, v) => s + v, 0), 1, 1e-5, "mass kept away from the border");
  assertLess(blurred[40], 1);
});
