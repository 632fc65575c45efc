import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { randomFlip } from "./random_flip.ts";
import { maxAbsDiff, randomBatch, read4d } from "./test_util.ts";

const reversed = (img: number[][][]) => img.map((row) => [...row].reverse());

Deno.test("randomFlip() with probability 1 reverses the width axis of every image", async () => {
  await initBackend("wasm");
  const x = randomBatch([2, 8, 16, 3], 1);
  const out = randomFlip({ probability: 1 }).apply(x, 3);
  assertEquals(read4d(out), read4d(x).map(reversed));
  tf.dispose([x, out]);
});

Deno.test("randomFlip() with probability 0 returns the batch unchanged", async () => {
  await initBackend("wasm");
  const x = randomBatch([3, 8, 8, 1], 2);
  const out = randomFlip({ probability: 0 }).apply(x, 3);
  assertEquals(read4d(out), read4d(x));
  tf.dispose([x, out]);
});

Deno.test("randomFlip() flips some images of a batch and not others, the same for a seed", async () => {
  await initBackend("wasm");
  const x = randomBatch([8, 8, 8, 1], 3);
  const before = tf.memory().numTensors;
  const flip = randomFlip({ probability: 0.5 });
  const a = flip.apply(x, 21), b = flip.apply(x, 21);
  assertEquals(maxAbsDiff(a, b), 0);
  const src = read4d(x), got = read4d(a);
  const flipped = got.map((img, i) => {
    const same = JSON.stringify(img) === JSON.stringify(src[i]);
    const mirrored = JSON.stringify(img) === JSON.stringify(reversed(src[i]));
    assert(same !== mirrored, `image ${i} is either kept or mirrored`);
    return mirrored;
  });
  assert(flipped.some((f) => f) && flipped.some((f) => !f), `a mixed batch: ${flipped}`);
  tf.dispose([a, b]);
  assertEquals(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("randomFlip() rejects a probability outside [0, 1]", () => {
  assertThrows(() => randomFlip({ probability: 1.5 }), RangeError, "probability=1.5");
});
