import { assert, assertEquals } from "../tests/assert.ts";
import * as lumbar from "./mod.ts";

Deno.test("lib/mod.ts exposes the library's entry points, which work from there", async () => {
  await lumbar.initBackend("wasm");
  assertEquals(lumbar.listModels().length, 8);
  const { model } = lumbar.createModel("cnn", { inputShape: [32, 32, 3], numClasses: 4 });
  assertEquals(model.countParams(), 98676, "the plain CNN's documented size");
  model.dispose();
  assertEquals(lumbar.accuracy([0, 1, 1], [0, 1, 0]), 2 / 3);
  assertEquals([...lumbar.CLASSES], ["Healthy", "Herniated disk", "Spinal stenosis", "Spondylosis"]);
  assertEquals(lumbar.profileSettings("quick", "cnn").epochs, 15);
  for (const f of [lumbar.trainRun, lumbar.runStudy, lumbar.evaluateRun, lumbar.gradCam, lumbar.show]) {
    assertEquals(typeof f, "function");
  }
  assert(Object.keys(lumbar.charts).length > 3, "charts come as a namespace");
});
