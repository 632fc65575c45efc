import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { SeededDropout } from "./seeded_dropout.ts";

Deno.test("SeededDropout draws a new mask each training step, the same sequence for a seed", async () => {
  await initBackend("wasm");
  const x = tf.ones([4, 32]);
  const masks = (seed: number) => {
    const layer = new SeededDropout({ rate: 0.5, seed });
    return [0, 1, 2].map(() => tf.tidy(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync())));
  };
  const a = masks(7), b = masks(7);
  assertEquals(a, b);
  assert(JSON.stringify(a[0]) !== JSON.stringify(a[1]), "masks change between steps");
  assert(a[0].every((v) => v === 0 || v === 2), "kept units are scaled by 1/(1-rate)");
  const kept = a.flat().filter((v) => v > 0).length / a.flat().length;
  assert(kept > 0.35 && kept < 0.65, `about half kept: ${kept}`);
  const inference = tf.tidy(() =>
    Array.from((new SeededDropout({ rate: 0.5, seed: 1 }).apply(x) as tf.Tensor).dataSync())
  );
  assert(inference.every((v) => v === 1), "identity outside training");
  x.dispose();
});
