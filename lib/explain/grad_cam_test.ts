import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertLess, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createModel } from "../models/mod.ts";
import { ExplainError } from "./explain_error.ts";
import { gradCam } from "./grad_cam.ts";
import { gradCamPlusPlus } from "./grad_cam_plus_plus.ts";
import { gapModel, maxAbsDiff, randomImage } from "./test_util.ts";

/** The target feature map A ([h*w*k]) and the dense kernel W ([k*classes]) and bias of the GAP model. */
async function camParts(model: tf.LayersModel, x: tf.Tensor3D) {
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer("target").output as tf.SymbolicTensor });
  const a = tf.tidy(() => sub.predict(tf.expandDims(x, 0)) as tf.Tensor);
  const [, h, w, k] = a.shape as number[];
  const A = (await a.data()) as Float32Array;
  a.dispose();
  const [kernel, bias] = model.getLayer("predictions").getWeights();
  return { A, h, w, k, W: (await kernel.data()) as Float32Array, b: (await bias.data()) as Float32Array };
}

Deno.test("gradCam() equals CAM (Zhou et al. 2016) on a conv -> GAP -> dense head, up to ReLU and scale", async () => {
  await initBackend("wasm");
  const model = gapModel(16, 3);
  const x = randomImage(16);
  const { A, h, w, k, W, b } = await camParts(model, x);
  const classes = 3, z = h * w;
  for (let c = 0; c < classes; c++) {
    const r = await gradCam(model, x, { layerName: "target", classIndex: c });
    assertEquals([r.camHeight, r.camWidth, r.channelWeights.length], [h, w, k]);
    // CAM_c = sum_k W[k, c] A_k; Grad-CAM's weights are W[k, c] / Z, so its map is ReLU(CAM_c) / Z.
    const cam = new Float32Array(z);
    for (let p = 0; p < z; p++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += W[j * classes + c] * A[p * k + j];
      cam[p] = s;
    }
    for (let j = 0; j < k; j++) assertAlmostEquals(r.channelWeights[j], W[j * classes + c] / z, 1e-6, `weight ${j}`);
    const scale = Math.max(1e-6, ...cam.map(Math.abs));
    assertLess(maxAbsDiff(r.cam.map((v) => v * z), cam.map((v) => Math.max(0, v))), 1e-5 * scale, `class ${c} map`);
    // The score is the pre-softmax logit: mean-pooled features . W[:, c] + b[c].
    let logit = b[c];
    for (let j = 0; j < k; j++) {
      let mean = 0;
      for (let p = 0; p < z; p++) mean += A[p * k + j] / z;
      logit += mean * W[j * classes + c];
    }
    assertAlmostEquals(r.score, logit, 1e-5, "score is the logit");
    assertAlmostEquals(r.logits[c], logit, 1e-5, "logits");
  }
  x.dispose();
  model.dispose();
});

Deno.test("gradCam() explains the predicted class by default and reports the model's probabilities", async () => {
  await initBackend("wasm");
  const model = gapModel(16, 3);
  const x = randomImage(16, 5);
  const probs = tf.tidy(() => model.predict(tf.expandDims(x, 0)) as tf.Tensor);
  const p = Array.from(await probs.data());
  probs.dispose();
  const r = await gradCam(model, x, { layerName: "target" });
  assertEquals(r.classIndex, p.indexOf(Math.max(...p)));
  assertLess(maxAbsDiff(r.probabilities, p), 1e-5, "probabilities");
  assertEquals([r.width, r.height, r.heatmap.length], [16, 16, 256]);
  assert(r.heatmap.every((v) => v >= 0 && v <= 1), "heatmap in [0, 1]");
  assertAlmostEquals(Math.max(...r.heatmap), 1, 1e-6, "normalised to a maximum of 1");
  // A [1, H, W, C] batch gives the same map.
  const x4 = tf.expandDims(x, 0) as tf.Tensor4D;
  assertEquals(Array.from((await gradCam(model, x4, { layerName: "target" })).heatmap), Array.from(r.heatmap));
  tf.dispose([x, x4]);
  model.dispose();
});

Deno.test("gradCam() and gradCamPlusPlus() leave no tensors behind", async () => {
  await initBackend("wasm");
  const model = gapModel(16, 3);
  const built = createModel("cnn", { inputShape: [32, 32, 3], numClasses: 4 });
  const x = randomImage(16), y = randomImage(32);
  await gradCam(model, x, { layerName: "target" }); // warm-up (lazy kernel state)
  const before = tf.memory().numTensors;
  await gradCam(model, x, { layerName: "target" });
  await gradCamPlusPlus(model, x, { layerName: "target", classIndex: 1 });
  await gradCam(built, y);
  await gradCamPlusPlus(built, y);
  await assertRejects(() => gradCam(model, x, { layerName: "gap" }), ExplainError);
  assertEquals(tf.memory().numTensors, before, "tensors after the calls");
  tf.dispose([x, y]);
  model.dispose();
  built.model.dispose();
});

Deno.test("gradCam() takes a BuiltModel's gradCamLayer and requires a layer for a plain model", async () => {
  await initBackend("wasm");
  const built = createModel("cnn", { inputShape: [32, 32, 3], numClasses: 4 });
  const x = randomImage(32);
  const r = await gradCam(built, x);
  assertEquals(r.layerName, built.gradCamLayer);
  assertEquals(r.heatmap.length, 32 * 32);
  const other = await gradCam(built, x, { layerName: "block3_relu" });
  assertEquals([other.layerName, other.camWidth], ["block3_relu", 8]);
  await assertRejects(() => gradCam(built.model, x), RangeError, "layerName is required");
  await assertRejects(() => gradCam(built, x, { layerName: "nope" }), ExplainError, "Valid spatial layers are");
  await assertRejects(() => gradCam(built, x, { layerName: "avg_pool" }), ExplainError);
  await assertRejects(
    () => gradCam(built, x, { classIndex: 4 }),
    RangeError,
    "classIndex must be an integer in [0, 4)",
  );
  await assertRejects(() => gradCam(built, x, { headLayer: "block1_conv1" }), ExplainError, "Dense");
  const two = tf.zeros([2, 32, 32, 3]) as tf.Tensor4D, small = tf.zeros([16, 16, 3]) as tf.Tensor3D;
  await assertRejects(() => gradCam(built, two), RangeError, "Expected one image");
  await assertRejects(() => gradCam(built, small), RangeError, "takes images of shape [32,32,3]");
  tf.dispose([x, two, small]);
  built.model.dispose();
});
