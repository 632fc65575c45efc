import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { assertTrainsWithoutLeak } from "../../tests/model_checks.ts";
import { createDenseNet121 } from "./densenet.ts";

Deno.test("createDenseNet121() has Keras' parameter counts at 224x224x3", async () => {
  await initBackend("wasm");
  const features = createDenseNet121({ includeTop: false });
  assertEquals(features.model.countParams(), 7_037_504, "includeTop false");
  features.model.dispose();
  const full = createDenseNet121({ numClasses: 1000 });
  assertEquals(full.model.countParams(), 8_062_504, "1000-class top");
  full.model.dispose();
});

Deno.test("createDenseNet121() names layers as Keras does and targets the final relu", async () => {
  await initBackend("wasm");
  const { name, model, gradCamLayer } = createDenseNet121();
  assertEquals(name, "densenet121");
  assertEquals(model.name, "densenet121");
  assertEquals(gradCamLayer, "relu");
  for (
    const layer of [
      "conv1_conv",
      "conv1_bn",
      "pool1",
      "conv2_block1_0_bn",
      "conv2_block1_1_conv",
      "conv2_block1_concat",
      "pool2_conv",
      "pool4_pool",
      "conv5_block16_concat",
      "bn",
      "avg_pool",
      "predictions",
    ]
  ) {
    assert(model.getLayer(layer) != null, `missing layer ${layer}`);
  }
  assertEquals(model.getLayer(gradCamLayer).outputShape, [null, 7, 7, 1024]);
  assertEquals(model.outputs[0].shape, [null, 4]);
  // Each conv block adds 32 channels; each transition halves them.
  assertEquals(model.getLayer("conv2_block6_concat").outputShape, [null, 56, 56, 64 + 6 * 32]);
  assertEquals(model.getLayer("pool2_pool").outputShape, [null, 28, 28, 128]);
  model.dispose();
});

Deno.test("createDenseNet121() takes a training step on wasm without leaking tensors", async () => {
  await initBackend("wasm");
  await assertTrainsWithoutLeak(createDenseNet121({ inputShape: [64, 64, 3], numClasses: 4 }), 64);
});

Deno.test("createDenseNet121() as a feature extractor, and with dropout", async () => {
  await initBackend("wasm");
  const avg = createDenseNet121({ inputShape: [64, 64, 3], includeTop: false, pooling: "avg" });
  assertEquals(avg.model.outputs[0].shape, [null, 1024]);
  avg.model.dispose();
  const max = createDenseNet121({ inputShape: [64, 64, 3], includeTop: false, pooling: "max" });
  assertEquals(max.model.outputs[0].shape, [null, 1024]);
  max.model.dispose();
  const plain = createDenseNet121({ inputShape: [32, 32, 3], includeTop: false });
  assertEquals(plain.model.outputs[0].shape, [null, 1, 1, 1024]);
  plain.model.dispose();
  // Dropout has no parameters: the features plus a 1024x4 dense layer.
  const drop = createDenseNet121({ inputShape: [32, 32, 3], dropout: 0.5 });
  assertEquals(drop.model.getLayer("dropout").getClassName(), "SeededDropout");
  assertEquals(drop.model.countParams(), 7_037_504 + 1024 * 4 + 4);
  drop.model.dispose();
});

Deno.test("createDenseNet121() initialises from its seed", async () => {
  await initBackend("wasm");
  const kernel = (seed: number) => {
    const { model } = createDenseNet121({ inputShape: [32, 32, 3], seed });
    const values = Array.from(model.getLayer("conv1_conv").getWeights()[0].dataSync().slice(0, 8));
    model.dispose();
    return values;
  };
  assertEquals(kernel(1), kernel(1));
  assert(JSON.stringify(kernel(1)) !== JSON.stringify(kernel(2)), "different seeds gave the same kernel");
});

Deno.test("createDenseNet121() rejects bad options, repeating the value", () => {
  assertThrows(() => createDenseNet121({ inputShape: [16, 16, 3] }), RangeError, "Received: inputShape=[16,16,3]");
  assertThrows(() => createDenseNet121({ numClasses: 0 }), RangeError, "Received: numClasses=0");
  assertThrows(() => createDenseNet121({ dropout: 1 }), RangeError, "Received: dropout=1");
  assertThrows(
    () => createDenseNet121({ includeTop: false, pooling: "sum" as never }),
    RangeError,
    "Valid values are: avg, max",
  );
});
