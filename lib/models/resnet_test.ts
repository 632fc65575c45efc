import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { assertTrainsWithoutLeak } from "../../tests/model_checks.ts";
import { createResNet50 } from "./resnet.ts";

Deno.test("createResNet50() has Keras' parameter counts at 224x224x3", async () => {
  await initBackend("wasm");
  const features = createResNet50({ includeTop: false });
  assertEquals(features.model.countParams(), 23_587_712, "includeTop false");
  features.model.dispose();
  const full = createResNet50({ numClasses: 1000 });
  assertEquals(full.model.countParams(), 25_636_712, "1000-class top");
  full.model.dispose();
});

Deno.test("createResNet50() names layers as Keras does and targets conv5_block3_out", async () => {
  await initBackend("wasm");
  const { name, model, gradCamLayer } = createResNet50();
  assertEquals(name, "resnet50");
  assertEquals(model.name, "resnet50");
  assertEquals(gradCamLayer, "conv5_block3_out");
  for (
    const layer of [
      "conv1_pad",
      "conv1_conv",
      "pool1_pool",
      "conv2_block1_0_conv",
      "conv2_block1_1_conv",
      "conv2_block3_out",
      "conv4_block6_add",
      "conv5_block3_3_bn",
      "avg_pool",
      "predictions",
    ]
  ) {
    assert(model.getLayer(layer) != null, `missing layer ${layer}`);
  }
  assertEquals(model.getLayer(gradCamLayer).outputShape, [null, 7, 7, 2048]);
  assertEquals(model.outputs[0].shape, [null, 4]);
  // v1: the stride sits in the first 1x1 conv of each stack's first block.
  assertEquals((model.getLayer("conv3_block1_1_conv").getConfig() as { strides: number[] }).strides, [2, 2]);
  assertEquals((model.getLayer("conv3_block1_2_conv").getConfig() as { strides: number[] }).strides, [1, 1]);
  model.dispose();
});

Deno.test("createResNet50() takes a training step on wasm without leaking tensors", async () => {
  await initBackend("wasm");
  await assertTrainsWithoutLeak(createResNet50({ inputShape: [64, 64, 3], numClasses: 4 }), 64);
});

Deno.test("createResNet50() as a feature extractor, and with dropout", async () => {
  await initBackend("wasm");
  const avg = createResNet50({ inputShape: [64, 64, 3], includeTop: false, pooling: "avg" });
  assertEquals(avg.model.outputs[0].shape, [null, 2048]);
  avg.model.dispose();
  const max = createResNet50({ inputShape: [64, 64, 3], includeTop: false, pooling: "max" });
  assertEquals(max.model.outputs[0].shape, [null, 2048]);
  max.model.dispose();
  const plain = createResNet50({ inputShape: [32, 32, 3], includeTop: false });
  assertEquals(plain.model.outputs[0].shape, [null, 1, 1, 2048]);
  plain.model.dispose();
  // Dropout has no parameters: the features plus a 2048x4 dense layer.
  const drop = createResNet50({ inputShape: [32, 32, 3], dropout: 0.5 });
  assertEquals(drop.model.getLayer("dropout").getClassName(), "SeededDropout");
  assertEquals(drop.model.countParams(), 23_587_712 + 2048 * 4 + 4);
  drop.model.dispose();
});

Deno.test("createResNet50() initialises from its seed", async () => {
  await initBackend("wasm");
  const kernel = (seed: number) => {
    const { model } = createResNet50({ inputShape: [32, 32, 3], seed });
    const values = Array.from(model.getLayer("conv1_conv").getWeights()[0].dataSync().slice(0, 8));
    model.dispose();
    return values;
  };
  assertEquals(kernel(1), kernel(1));
  assert(JSON.stringify(kernel(1)) !== JSON.stringify(kernel(2)), "different seeds gave the same kernel");
});

Deno.test("createResNet50() rejects bad options, repeating the value", () => {
  assertThrows(() => createResNet50({ inputShape: [16, 16, 3] }), RangeError, "Received: inputShape=[16,16,3]");
  assertThrows(() => createResNet50({ numClasses: 0 }), RangeError, "Received: numClasses=0");
  assertThrows(() => createResNet50({ dropout: 1 }), RangeError, "Received: dropout=1");
  assertThrows(
    () => createResNet50({ includeTop: false, pooling: "sum" as never }),
    RangeError,
    "Valid values are: avg, max",
  );
});
