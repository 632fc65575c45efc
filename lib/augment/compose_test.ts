import * as tf from "@tensorflow/tfjs";
import { assertEquals } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createRng } from "../random.ts";
import { compose } from "./compose.ts";
import { randomAffine } from "./random_affine.ts";
import { randomContrast } from "./random_contrast.ts";
import { maxAbsDiff, randomBatch } from "./test_util.ts";

Deno.test("compose() applies transforms in order, each with a seed forked from the parent's", async () => {
  await initBackend("wasm");
  const x = randomBatch([3, 16, 16, 1], 1);
  const affine = randomAffine({ rotation: 20 }), contrast = randomContrast({ factor: 0.3 });
  const rng = createRng(99);
  const s1 = rng.fork(), s2 = rng.fork();
  const expected = tf.tidy(() => contrast.apply(affine.apply(x, s1), s2));
  const before = tf.memory().numTensors;
  const got = compose([affine, contrast]).apply(x, 99);
  assertEquals(maxAbsDiff(got, expected), 0);
  got.dispose();
  assertEquals(tf.memory().numTensors, before, "intermediates are freed");
  tf.dispose([x, expected]);
});

Deno.test("compose() of nothing returns a copy the caller may dispose", async () => {
  await initBackend("wasm");
  const x = randomBatch([1, 8, 8, 1], 2);
  const out = compose([]).apply(x, 1);
  out.dispose();
  assertEquals(x.isDisposed, false);
  assertEquals(x.shape, [1, 8, 8, 1]);
  x.dispose();
});
