import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createCnn } from "../models/cnn.ts";
import { pooledFeatureModel } from "./pooled_feature_model.ts";

Deno.test("pooledFeatureModel() takes the CNN's avg_pool, skipping dropout and the head", async () => {
  await initBackend("wasm");
  const { model } = createCnn({ inputShape: [16, 16, 3], filters: [4, 6], seed: 1 });
  const f = pooledFeatureModel(model);
  assertEquals([f.layerName, f.dim, f.addedPooling], ["avg_pool", 6, false]);
  const x = tf.randomUniform([2, 16, 16, 3], 0, 1, "float32", 3);
  const fromModel = f.model.predict(x) as tf.Tensor;
  const direct = tf.model({ inputs: model.inputs, outputs: model.getLayer("avg_pool").output as tf.SymbolicTensor })
    .predict(x) as tf.Tensor;
  assertEquals(Array.from(await fromModel.data()), Array.from(await direct.data()));
  tf.dispose([x, fromModel, direct]);
  model.dispose();
});

Deno.test("pooledFeatureModel() adds a global average pooling to a model that flattens (as VGG16 does)", async () => {
  await initBackend("wasm");
  const input = tf.input({ shape: [8, 8, 1] });
  const conv = tf.layers.conv2d({
    filters: 3,
    kernelSize: 3,
    padding: "same",
    name: "block1_conv1",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
  }).apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: "flatten" }).apply(conv) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: "softmax", name: "predictions" }).apply(
    flat,
  ) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const f = pooledFeatureModel(model);
  assertEquals([f.layerName, f.dim, f.addedPooling, f.spatialLayer], ["features_avg_pool", 3, true, "block1_conv1"]);
  const x = tf.randomUniform([1, 8, 8, 1], 0, 1, "float32", 4);
  const got = await (f.model.predict(x) as tf.Tensor).data();
  const map = tf.model({ inputs: input, outputs: conv }).predict(x) as tf.Tensor;
  const mean = await tf.mean(map, [1, 2]).data();
  for (let i = 0; i < 3; i++) assertAlmostEquals(got[i], mean[i], 1e-6);
  tf.dispose([x, map]);
  model.dispose();
});
