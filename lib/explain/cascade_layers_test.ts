import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createModel } from "../models/mod.ts";
import { cascadeLayers } from "./cascade_layers.ts";
import { gapModel } from "./test_util.ts";

Deno.test("cascadeLayers() lists the layers with weights top down, as sanityCheckCascade does", async () => {
  await initBackend("wasm");
  const model = gapModel(8, 2);
  try {
    assertEquals(cascadeLayers(model, 16), { layers: ["predictions", "target", "conv1"], total: 3 });
    assertEquals(cascadeLayers(model, 2), { layers: ["predictions", "conv1"], total: 3 }, "top and bottom kept");
    assertThrows(() => cascadeLayers(model, 1), RangeError, "maxSteps");
  } finally {
    model.dispose();
  }
});

Deno.test("cascadeLayers() spaces a subset evenly over a deep model", async () => {
  await initBackend("wasm");
  const { model } = createModel("cnn", { inputShape: [32, 32, 3] });
  try {
    const all = cascadeLayers(model, 100);
    assertEquals(all.layers[0], "predictions");
    assertEquals(all.layers.at(-1), "block1_conv1");
    assertEquals(all.layers.includes("block4_bn"), true, "batch norm's gamma and beta are learned weights");
    const some = cascadeLayers(model, 5);
    assertEquals(some.total, all.total);
    assertEquals(some.layers.length, 5);
    assertEquals([some.layers[0], some.layers[4]], ["predictions", "block1_conv1"]);
    const positions = some.layers.map((l) => all.layers.indexOf(l));
    assertEquals(positions, [...positions].sort((a, b) => a - b), "cascade order kept");
  } finally {
    model.dispose();
  }
});
