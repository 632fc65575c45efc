import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createModel, listModels } from "./mod.ts";
import { loadModel, saveModel } from "../train/save.ts";

Deno.test("createModel('cnn') names layers by block and records its Grad-CAM layer", async () => {
  await initBackend("wasm");
  const { model, gradCamLayer } = createModel("cnn", { inputShape: [64, 64, 3] });
  assertEquals(gradCamLayer, "block4_relu");
  assert(model.getLayer("block1_conv1") != null && model.getLayer("predictions") != null);
  assertEquals(model.getLayer(gradCamLayer).outputShape, [null, 8, 8, 128]);
  assertEquals(model.outputs[0].shape, [null, 4]);
  model.dispose();
});

Deno.test("createModel('cnn') as a feature extractor and with other widths", async () => {
  await initBackend("wasm");
  const { model } = createModel("cnn", { inputShape: [32, 32, 1], includeTop: false, pooling: "avg" });
  assertEquals(model.outputs[0].shape, [null, 128]);
  model.dispose();
  // 3x3 convs without bias + BN (4 per channel) + dense head.
  const small = createModel("cnn", { inputShape: [32, 32, 3], numClasses: 2, filters: [4, 8] } as never);
  assertEquals(small.model.countParams(), 3 * 3 * 3 * 4 + 4 * 4 + 3 * 3 * 4 * 8 + 4 * 8 + 8 * 2 + 2);
  small.model.dispose();
});

Deno.test("createModel() rejects an unknown name, listing the valid ones", () => {
  assertThrows(() => createModel("resnet9000"), RangeError, `Valid models are: ${listModels().join(", ")}`);
});

Deno.test("saveModel()/loadModel() round-trip a trained cnn", async () => {
  await initBackend("wasm");
  const { model } = createModel("cnn", { inputShape: [32, 32, 3], seed: 5 });
  const dir = await Deno.makeTempDir();
  try {
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, "float32", 3);
    const a = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const b = Array.from((loaded.predict(x) as tf.Tensor).dataSync());
    assertEquals(b, a);
    tf.dispose([x]);
    loaded.dispose();
  } finally {
    model.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadModel() names the folder when files are missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let message = "";
    try {
      await loadModel(dir);
    } catch (e) {
      message = (e as Error).message;
    }
    assert(message.includes(dir) && message.includes("model.json"), message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
