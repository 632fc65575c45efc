import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { assertTrainsWithoutLeak } from "../../tests/model_checks.ts";
import { createMobileNet, createMobileNetV2 } from "./mobilenet.ts";

Deno.test("createMobileNet() matches Keras: 3,228,864 parameters bare, 4,253,864 with 1000 classes", async () => {
  await initBackend("wasm");
  const bare = createMobileNet({ includeTop: false });
  assertEquals(bare.name, "mobilenet");
  assertEquals(bare.model.countParams(), 3_228_864);
  assertEquals(bare.gradCamLayer, "conv_pw_13_relu");
  assertEquals(bare.model.getLayer(bare.gradCamLayer).outputShape, [null, 7, 7, 1024]);
  for (const layer of ["conv1_pad", "conv1", "conv1_bn", "conv1_relu", "conv_pad_2", "conv_dw_1", "conv_dw_1_bn"]) {
    assert(bare.model.getLayer(layer) != null, `layer ${layer}`);
  }
  for (const layer of ["conv_dw_1_relu", "conv_pw_1", "conv_pw_1_bn", "conv_pw_13_relu", "conv_pad_12"]) {
    assert(bare.model.getLayer(layer) != null, `layer ${layer}`);
  }
  bare.model.dispose();
  const top = createMobileNet({ numClasses: 1000 });
  assertEquals(top.model.countParams(), 4_253_864);
  assertEquals(top.model.getLayer("conv_preds").countParams(), 1024 * 1000 + 1000);
  assertEquals(top.model.outputs[0].shape, [null, 1000]);
  top.model.dispose();
  const pooled = createMobileNet({ includeTop: false, pooling: "avg" });
  assertEquals(pooled.model.outputs[0].shape, [null, 1024]);
  pooled.model.dispose();
});

Deno.test("createMobileNetV2() matches Keras: 2,257,984 parameters bare, 3,538,984 with 1000 classes", async () => {
  await initBackend("wasm");
  const bare = createMobileNetV2({ includeTop: false });
  assertEquals(bare.name, "mobilenet_v2");
  assertEquals(bare.model.countParams(), 2_257_984);
  assertEquals(bare.gradCamLayer, "out_relu");
  assertEquals(bare.model.getLayer(bare.gradCamLayer).outputShape, [null, 7, 7, 1280]);
  for (
    const layer of [
      "Conv1",
      "bn_Conv1",
      "Conv1_relu",
      "expanded_conv_depthwise",
      "expanded_conv_project_BN",
      "block_1_expand",
      "block_1_expand_BN",
      "block_1_pad",
      "block_1_depthwise_relu",
      "block_2_add",
      "block_16_project",
      "Conv_1",
      "Conv_1_bn",
    ]
  ) {
    assert(bare.model.getLayer(layer) != null, `layer ${layer}`);
  }
  bare.model.dispose();
  const top = createMobileNetV2({ numClasses: 1000 });
  assertEquals(top.model.countParams(), 3_538_984);
  assertEquals(top.model.outputs[0].shape, [null, 1000]);
  top.model.dispose();
  const pooled = createMobileNetV2({ includeTop: false, pooling: "avg" });
  assertEquals(pooled.model.outputs[0].shape, [null, 1280]);
  pooled.model.dispose();
});

Deno.test("createMobileNet() and createMobileNetV2() reject a bad pooling and a too small input", () => {
  assertThrows(() => createMobileNet({ pooling: "sum" as never }), RangeError, "Received: pooling=sum");
  assertThrows(() => createMobileNetV2({ inputShape: [16, 16, 3] }), RangeError, "at least 32x32");
});

Deno.test("createMobileNet() trains a step on wasm at 64x64 with finite loss and no leaked tensors", async () => {
  await initBackend("wasm");
  await assertTrainsWithoutLeak(createMobileNet({ inputShape: [64, 64, 3], dropout: 0.2, seed: 1 }), 64);
});

Deno.test("createMobileNetV2() trains a step on wasm at 64x64 with finite loss and no leaked tensors", async () => {
  await initBackend("wasm");
  await assertTrainsWithoutLeak(createMobileNetV2({ inputShape: [64, 64, 3], seed: 1 }), 64);
});
