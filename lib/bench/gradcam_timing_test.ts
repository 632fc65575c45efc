import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { formatGradCamTimings, timeGradCam } from "./gradcam_timing.ts";

Deno.test("timeGradCam() times maps of a fresh model and disposes everything", async () => {
  await initBackend("wasm");
  const before = tf.memory().numTensors;
  const t = await timeGradCam("cnn", { size: 32, runs: 1 });
  assertEquals(tf.memory().numTensors, before, "model and image disposed");
  assertEquals([t.model, t.method, t.backend, t.size, t.runs], ["cnn", "gradcam", "wasm", 32, 1]);
  assertEquals(t.layerName, "block4_relu");
  assertEquals(t.featureMap, { width: 4, height: 4 });
  assert(t.msPerMap > 0 && t.minMs <= t.msPerMap && t.warmupMs > 0, JSON.stringify(t));
  assertEquals(t.tensorsLeaked, 0);
  const pp = await timeGradCam("cnn", { size: 32, runs: 1, method: "gradcam++" });
  assertEquals(pp.method, "gradcam++");
  const table = formatGradCamTimings([t, pp]);
  assert(table.includes("ms/map") && table.includes("4x4") && table.includes("gradcam++"), table);
});

Deno.test("timeGradCam() rejects unknown models and bad options", async () => {
  await assertRejects(() => timeGradCam("resnet51", { size: 32 }), RangeError, "Valid models are");
  await assertRejects(() => timeGradCam("cnn", { size: 32, runs: 0 }), RangeError, "runs");
});
