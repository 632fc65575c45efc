import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { affineMatrix, randomAffine } from "./random_affine.ts";
import { randomRotation } from "./random_rotation.ts";
import { randomZoom } from "./random_zoom.ts";
import { maxAbsDiff, randomBatch, read4d } from "./test_util.ts";

Deno.test("affineMatrix() is the identity for zoom 1 and no rotation", () => {
  assertEquals(affineMatrix(1, 0, 32, 32), [1, 0, 0, 0, 1, 0, 0, 0]);
});

Deno.test("randomAffine() with zoom 1 and angle 0 returns the batch unchanged", async () => {
  await initBackend("wasm");
  const x = randomBatch([2, 16, 16, 1], 1);
  const out = randomAffine({ zoom: [1, 1], rotation: [0, 0] }).apply(x, 5);
  assertEquals(maxAbsDiff(out, x), 0);
  // A full turn goes through the resampling kernel with an identity matrix: still exact.
  const turned = randomAffine({ rotation: [360, 360] }).apply(x, 5);
  assertEquals(maxAbsDiff(turned, x), 0);
  tf.dispose([x, out, turned]);
});

Deno.test("randomAffine() rotates 90 degrees counter-clockwise like a transpose then a row reversal", async () => {
  await initBackend("wasm");
  const n = 16;
  const x = randomBatch([1, n, n, 1], 2);
  const out = randomRotation({ degrees: [90, 90] }).apply(x, 9);
  const src = read4d(x)[0], got = read4d(out)[0];
  // np.rot90: out[y][x] = in[x][n - 1 - y]; borders included, since the snapped matrix samples whole pixels.
  for (let y = 0; y < n; y++) {
    for (let c = 0; c < n; c++) assertAlmostEquals(got[y][c][0], src[c][n - 1 - y][0], 1e-6, `pixel ${y},${c}`);
  }
  tf.dispose([x, out]);
});

Deno.test("randomZoom() magnifies about the centre and fills with 0 outside the source", async () => {
  await initBackend("wasm");
  const n = 17, c = 8; // odd, so the centre is a pixel
  const x = randomBatch([1, n, n, 1], 3, 0.1, 1);
  const src = read4d(x)[0];
  const zoomed = randomZoom({ factor: [2, 2] }).apply(x, 1);
  const z = read4d(zoomed)[0];
  for (let k = -4; k <= 4; k++) {
    assertAlmostEquals(z[c][c + 2 * k][0], src[c][c + k][0], 1e-6, `row centre, offset ${k}`);
    assertAlmostEquals(z[c + 2 * k][c][0], src[c + k][c][0], 1e-6, `column centre, offset ${k}`);
  }
  const out = randomAffine({ zoom: [0.5, 0.5] }).apply(x, 1);
  assertEquals(read4d(out)[0][0][0][0], 0, "zooming out leaves a dark frame");
  tf.dispose([x, zoomed, out]);
});

Deno.test("randomAffine() is seeded, draws per image, and leaks no tensors", async () => {
  await initBackend("wasm");
  const one = randomBatch([1, 16, 16, 1], 4);
  const x = tf.tidy(() => tf.tile(one, [4, 1, 1, 1]) as tf.Tensor4D);
  const before = tf.memory().numTensors;
  const affine = randomAffine({ zoom: [0.9, 1.2], rotation: 30 });
  const a = affine.apply(x, 7), b = affine.apply(x, 7), c = affine.apply(x, 8);
  assertEquals(maxAbsDiff(a, b), 0);
  assert(maxAbsDiff(a, c) > 0.01, "another seed gives another batch");
  const imgs = tf.unstack(a);
  assert(maxAbsDiff(imgs[0], imgs[1]) > 0.01, "images of one batch get their own parameters");
  tf.dispose([a, b, c, ...imgs]);
  assertEquals(tf.memory().numTensors, before);
  tf.dispose([one, x]);
});

Deno.test("randomAffine() rejects bad options and batches", async () => {
  await initBackend("wasm");
  assertThrows(() => randomAffine({ zoom: [1.2, 1] }), RangeError, "lo <= hi");
  assertThrows(() => randomAffine({ zoom: [0, 1] }), RangeError, "above 0");
  assertThrows(() => randomAffine({ rotation: -5 }), RangeError, "rotation=-5");
  assertThrows(
    () => randomAffine({ fillMode: "wrap" as unknown as "constant" }),
    RangeError,
    "Valid fill modes are",
  );
  const x = tf.zeros([4, 4]);
  assertThrows(() => randomAffine().apply(x as unknown as tf.Tensor4D, 1), RangeError, "[N, H, W, C]");
  x.dispose();
});
