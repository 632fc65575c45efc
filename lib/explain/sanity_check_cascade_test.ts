import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createModel } from "../models/mod.ts";
import { sanityCheckCascade } from "./sanity_check_cascade.ts";
import { gapModel, randomImage } from "./test_util.ts";

async function weightsOf(model: tf.LayersModel): Promise<number[][]> {
  return await Promise.all(model.weights.map(async (w) => Array.from(await w.read().data())));
}

Deno.test("sanityCheckCascade() randomises a copy from the top down and leaves the model alone", async () => {
  await initBackend("wasm");
  const model = gapModel(16, 3);
  const x = randomImage(16);
  const original = await weightsOf(model);
  await sanityCheckCascade(model, x, { layerName: "target" }); // warm-up
  const before = tf.memory().numTensors;
  const r = await sanityCheckCascade(model, x, { layerName: "target", keepMaps: true, seed: 5 });
  assertEquals(tf.memory().numTensors, before, "no tensors left behind (the copy is disposed)");
  assertEquals(await weightsOf(model), original, "the caller's weights are untouched");
  assertEquals(r.steps.map((s) => s.layer), ["predictions", "target", "conv1"]);
  assertEquals(r.original.length, 256);
  for (const s of r.steps) {
    // (Other seeds can make every map all-zero, hence constant and NaN: the class loses all positive evidence.)
    assert(s.spearman >= -1 && s.spearman <= 1, `${s.layer}: ${s.spearman}`);
    assertEquals(s.heatmap?.length, 256);
  }
  // Randomising every layer destroys the map's structure.
  const last = r.steps[r.steps.length - 1].spearman;
  assert(last < 0.9, `correlation after full randomisation: ${last}`);
  // Seeded: the same seed gives the same cascade.
  const again = await sanityCheckCascade(model, x, { layerName: "target", seed: 5 });
  assertEquals(again.steps.map((s) => s.spearman), r.steps.map((s) => s.spearman));
  x.dispose();
  model.dispose();
});

Deno.test("sanityCheckCascade() on a registry model with a chosen cascade", async () => {
  await initBackend("wasm");
  const built = createModel("cnn", { inputShape: [32, 32, 3], numClasses: 4 });
  const x = randomImage(32);
  const r = await sanityCheckCascade(built, x, { layers: ["predictions", "block4_conv1", "block4_bn"], classIndex: 2 });
  assertEquals(r.classIndex, 2);
  assertEquals(r.steps.length, 3);
  await assertRejects(() => sanityCheckCascade(built, x, { layers: ["nope"] }), RangeError, "Valid layers are");
  x.dispose();
  built.model.dispose();
});
