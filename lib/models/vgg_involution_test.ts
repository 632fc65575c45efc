import { assert, assertEquals } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { assertTrainsWithoutLeak } from "../../tests/model_checks.ts";
import { Involution } from "./involution.ts";
import { createVgg16Involution } from "./vgg_involution.ts";

Deno.test("createVgg16Involution() builds at 224 without top, with its parameter count and Grad-CAM layer", async () => {
  await initBackend("wasm");
  const { name, model, gradCamLayer } = createVgg16Involution({ includeTop: false });
  assertEquals(name, "vgg16_involution");
  // Keras VGG16 without top: 14,714,688. Each replaced 512 -> 512 3x3 conv held
  // 3*3*512*512 + 512 = 2,359,808; four replaced: -9,439,232 -> 5,275,456.
  // Each involution (C=512, r=4 -> 128, G=512/16=32, K=3):
  //   reduce 1x1 conv 512*128 = 65,536 (no bias), batch norm 4*128 = 512,
  //   span 1x1 conv 128*(9*32) + 288 = 37,152 -> 103,200; four: 412,800.
  // Total: 5,275,456 + 412,800 = 5,688,256.
  assertEquals(model.countParams(), 5_688_256);
  assertEquals(gradCamLayer, "block5_inv3_relu");
  assertEquals(model.getLayer(gradCamLayer).outputShape, [null, 14, 14, 512]);
  for (const l of ["block4_inv2", "block4_inv3", "block5_inv2", "block5_inv3"]) {
    assert(model.getLayer(l) instanceof Involution, `${l} is an Involution`);
  }
  assert(model.getLayer("block4_conv1") != null && model.getLayer("block5_conv1") != null, "first convs kept");
  assertEquals(model.outputs[0].shape, [null, 7, 7, 512]);
  model.dispose();
});

Deno.test("createVgg16Involution() trains a step on wasm at 64x64 without leaking tensors", async () => {
  await initBackend("wasm");
  await assertTrainsWithoutLeak(createVgg16Involution({ inputShape: [64, 64, 3], numClasses: 4, seed: 3 }), 64);
});
