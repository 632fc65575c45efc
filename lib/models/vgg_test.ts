import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { assertTrainsWithoutLeak } from "../../tests/model_checks.ts";
import { createVgg16 } from "./vgg.ts";

Deno.test("createVgg16() has Keras' 138,357,544 parameters with the 1000-class top at 224", async () => {
  await initBackend("wasm");
  const { name, model } = createVgg16({ numClasses: 1000 });
  try {
    assertEquals(name, "vgg16");
    assertEquals(model.countParams(), 138_357_544);
    for (const layer of ["block1_conv1", "block5_conv3", "block5_pool", "flatten", "fc1", "fc2", "predictions"]) {
      assert(model.getLayer(layer) != null, `layer ${layer}`);
    }
    assertEquals(model.outputs[0].shape, [null, 1000]);
  } finally {
    model.dispose();
  }
});

Deno.test("createVgg16() without the top: 14,714,688 parameters, Grad-CAM layer and pooling", async () => {
  await initBackend("wasm");
  const { model, gradCamLayer } = createVgg16({ includeTop: false });
  assertEquals(model.countParams(), 14_714_688);
  assertEquals(gradCamLayer, "block5_conv3");
  assertEquals(model.getLayer(gradCamLayer).outputShape, [null, 14, 14, 512]);
  assertEquals(model.outputs[0].shape, [null, 7, 7, 512]);
  model.dispose();
  const pooled = createVgg16({ includeTop: false, pooling: "avg" });
  assertEquals(pooled.model.outputs[0].shape, [null, 512]);
  pooled.model.dispose();
});

Deno.test("createVgg16() rejects a bad pooling and a too small input", () => {
  assertThrows(() => createVgg16({ pooling: "sum" as never }), RangeError, "Received: pooling=sum");
  assertThrows(() => createVgg16({ inputShape: [16, 16, 3] }), RangeError, "at least 32x32");
});

Deno.test("createVgg16() trains a step on wasm with finite loss and no leaked tensors", async () => {
  await initBackend("wasm");
  await assertTrainsWithoutLeak(createVgg16({ inputShape: [64, 64, 3], dropout: 0.5, seed: 1 }), 64);
});
