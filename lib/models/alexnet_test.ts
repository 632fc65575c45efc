import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { assertTrainsWithoutLeak } from "../../tests/model_checks.ts";
import { createAlexNet } from "./alexnet.ts";

Deno.test("createAlexNet() has torchvision's 61,100,840 parameters with 1000 classes at 224", async () => {
  await initBackend("wasm");
  const { name, model } = createAlexNet({ numClasses: 1000 });
  try {
    assertEquals(name, "alexnet");
    assertEquals(model.countParams(), 61_100_840);
    for (const layer of ["conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5", "fc6", "fc7"]) {
      assert(model.getLayer(layer) != null, `layer ${layer}`);
    }
    assertEquals(model.getLayer("pool5").outputShape, [null, 6, 6, 256]);
    assertEquals(model.getLayer("fc6").countParams(), 6 * 6 * 256 * 4096 + 4096);
    assertEquals(model.getLayer("predictions").outputShape, [null, 1000]);
  } finally {
    model.dispose();
  }
});

Deno.test("createAlexNet() without the top: conv parameters, Grad-CAM layer and pooling", async () => {
  await initBackend("wasm");
  const { model, gradCamLayer } = createAlexNet({ includeTop: false });
  assertEquals(model.countParams(), 2_469_696);
  assertEquals(gradCamLayer, "conv5_relu");
  assertEquals(model.getLayer(gradCamLayer).outputShape, [null, 13, 13, 256]);
  model.dispose();
  const pooled = createAlexNet({ includeTop: false, pooling: "avg" });
  assertEquals(pooled.model.outputs[0].shape, [null, 256]);
  pooled.model.dispose();
});

Deno.test("createAlexNet() rejects inputs under 63x63, which valid pooling cannot take", () => {
  assertThrows(() => createAlexNet({ inputShape: [62, 62, 3] }), RangeError, "at least 63x63");
  const { model } = createAlexNet({ inputShape: [63, 63, 3], includeTop: false });
  assertEquals(model.outputs[0].shape, [null, 1, 1, 256]);
  model.dispose();
});

Deno.test("createAlexNet() trains a step on wasm at 63x63 with finite loss and no leaked tensors", async () => {
  await initBackend("wasm");
  await assertTrainsWithoutLeak(createAlexNet({ inputShape: [63, 63, 3], seed: 1 }), 63);
});
