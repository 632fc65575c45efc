import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { randomContrast } from "./random_contrast.ts";
import { maxAbsDiff, randomBatch } from "./test_util.ts";

Deno.test("randomContrast() with factor 1 returns the batch unchanged", async () => {
  await initBackend("wasm");
  const x = randomBatch([2, 16, 16, 1], 1);
  const out = randomContrast({ factor: [1, 1] }).apply(x, 4);
  assertEquals(maxAbsDiff(out, x), 0);
  tf.dispose([x, out]);
});

Deno.test("randomContrast() keeps each image's mean and scales its spread by a per-image factor", async () => {
  await initBackend("wasm");
  // Values in [0.4, 0.6] and factors up to 2 never reach the clip.
  const x = randomBatch([4, 16, 16, 1], 2, 0.4, 0.6);
  const out = randomContrast({ factor: [0.5, 2] }).apply(x, 4);
  const meansIn = tf.tidy(() => Array.from(tf.mean(x, [1, 2, 3]).dataSync()));
  const meansOut = tf.tidy(() => Array.from(tf.mean(out, [1, 2, 3]).dataSync()));
  meansIn.forEach((m, i) => assertAlmostEquals(meansOut[i], m, 1e-5, `mean of image ${i}`));
  const ratios = tf.tidy(() => {
    const std = (t: tf.Tensor) => tf.sqrt(tf.moments(t, [1, 2, 3]).variance);
    return Array.from(tf.div(std(out), std(x)).dataSync());
  });
  ratios.forEach((r) => assert(r >= 0.5 - 1e-4 && r <= 2 + 1e-4, `spread scaled within the range: ${r}`));
  assert(Math.max(...ratios) - Math.min(...ratios) > 0.05, `factors differ within the batch: ${ratios}`);
  tf.dispose([x, out]);
});

Deno.test("randomContrast() clips to [0, 1] and leaks no tensors", async () => {
  await initBackend("wasm");
  const x = randomBatch([2, 16, 16, 1], 3);
  const before = tf.memory().numTensors;
  const out = randomContrast({ factor: [3, 4] }).apply(x, 1);
  const [lo, hi] = tf.tidy(() => [tf.min(out).dataSync()[0], tf.max(out).dataSync()[0]]);
  assertEquals([lo, hi], [0, 1]);
  out.dispose();
  assertEquals(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("randomContrast() rejects a negative or reversed factor range", () => {
  assertThrows(() => randomContrast({ factor: [-0.5, 1] }), RangeError, "at or above 0");
  assertThrows(() => randomContrast({ factor: [1.2, 0.8] }), RangeError, "lo <= hi");
});
