import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertLess } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { resizeBilinear } from "./resize_bilinear.ts";
import { maxAbsDiff } from "./test_util.ts";

Deno.test("resizeBilinear() matches tf.image.resizeBilinear with half-pixel centres", async () => {
  await initBackend("wasm");
  const src = Float32Array.from({ length: 3 * 4 }, (_, i) => Math.sin(i) + 1);
  const ours = resizeBilinear(src, 4, 3, 13, 7);
  const theirs = tf.tidy(() =>
    tf.image.resizeBilinear(tf.tensor4d(src, [1, 3, 4, 1]), [7, 13], false, true).dataSync() as Float32Array
  );
  assertLess(maxAbsDiff(ours, theirs), 1e-5);
  assertEquals(Array.from(resizeBilinear(new Float32Array([0, 1]), 2, 1, 4, 1)), [0, 0.25, 0.75, 1]);
  assertEquals(Array.from(resizeBilinear(new Float32Array([5]), 1, 1, 2, 2)), [5, 5, 5, 5]);
});
