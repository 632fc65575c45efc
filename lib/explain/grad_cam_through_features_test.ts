import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertLess, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createModel } from "../models/mod.ts";
import { gradCam } from "./grad_cam.ts";
import { gradCamThroughFeatures } from "./grad_cam_through_features.ts";
import { linearSvmScore } from "./linear_svm_score.ts";
import { rbfSvmScore } from "./rbf_svm_score.ts";
import { gapModel, maxAbsDiff, randomImage } from "./test_util.ts";

Deno.test("gradCamThroughFeatures() with a linear SVM made of the dense head equals gradCam()", async () => {
  await initBackend("wasm");
  const model = gapModel(16, 3);
  const backbone = tf.model({ inputs: model.inputs, outputs: model.getLayer("gap").output as tf.SymbolicTensor });
  const [kernel, bias] = model.getLayer("predictions").getWeights();
  const W = await kernel.data(), b = await bias.data();
  const x = randomImage(16);
  for (let c = 0; c < 3; c++) {
    const w = Array.from({ length: 8 }, (_, i) => W[i * 3 + c]);
    const viaSvm = await gradCamThroughFeatures(backbone, x, linearSvmScore(w, b[c]), { layerName: "target" });
    const direct = await gradCam(model, x, { layerName: "target", classIndex: c });
    assertLess(maxAbsDiff(viaSvm.heatmap, direct.heatmap), 1e-5, `class ${c} heatmap`);
    assertAlmostEquals(viaSvm.score, direct.score, 1e-5, "the SVM score is the logit");
    assertEquals(viaSvm.features.length, 8);
    const pp = await gradCamThroughFeatures(backbone, x, linearSvmScore(w, b[c]), {
      layerName: "target",
      method: "gradcam++",
    });
    assert(pp.heatmap.every((v) => v >= 0 && v <= 1));
  }
  x.dispose();
  model.dispose();
});

Deno.test("gradCamThroughFeatures() on a registry backbone with an RBF SVM leaks nothing, even on errors", async () => {
  await initBackend("wasm");
  const backbone = createModel("cnn", { inputShape: [32, 32, 3], includeTop: false, pooling: "avg" });
  const x = randomImage(32);
  const d = backbone.model.outputs[0].shape[1] as number;
  const sv = [0, 1, 2].map((s) => Array.from({ length: d }, (_, i) => Math.abs(Math.sin(i * (s + 1)))));
  const score = rbfSvmScore(sv, [1, -0.5, 0.8], -0.1, 1 / d);
  await gradCamThroughFeatures(backbone, x, score); // warm-up
  const before = tf.memory().numTensors;
  const r = await gradCamThroughFeatures(backbone, x, score);
  assertEquals([r.layerName, r.heatmap.length], [backbone.gradCamLayer, 32 * 32]);
  assert(r.heatmap.every((v) => v >= 0 && v <= 1));
  await assertRejects(() => gradCamThroughFeatures(backbone, x, linearSvmScore([1, 2], 0)), RangeError, "Expected 2");
  await assertRejects(() => gradCamThroughFeatures(backbone.model, x, score), RangeError, "layerName is required");
  assertEquals(tf.memory().numTensors, before);
  const headless = createModel("cnn", { inputShape: [32, 32, 3], includeTop: false });
  await assertRejects(() => gradCamThroughFeatures(headless, x, score), RangeError, "pooled features");
  headless.model.dispose();
  x.dispose();
  backbone.model.dispose();
});
