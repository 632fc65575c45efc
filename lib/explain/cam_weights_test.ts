import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { camWeights, weightedCam } from "./cam_weights.ts";

Deno.test("camWeights() averages gradients (gradcam) and applies eq. 19 (gradcam++)", () => {
  // 2 pixels x 2 channels, channels last.
  const a = new Float32Array([1, 2, 3, 4]);
  const g = new Float32Array([0.5, -1, 1.5, 2]);
  const shape = { height: 1, width: 2, channels: 2 };
  assertEquals(Array.from(camWeights("gradcam", a, g, shape)), [1, 0.5]);
  // Channel 0: sumA = 4; alpha = g^2 / (2 g^2 + 4 g^3); w = sum alpha * relu(g).
  const w0 = [0.5, 1.5].reduce((s, x) => s + (x * x / (2 * x * x + 4 * x ** 3)) * x, 0);
  // Channel 1: sumA = 6; only g = 2 is positive.
  const w1 = (4 / (8 + 6 * 8)) * 2;
  const pp = camWeights("gradcam++", a, g, shape);
  assertAlmostEquals(pp[0], w0, 1e-6);
  assertAlmostEquals(pp[1], w1, 1e-6);
  // ReLU(sum_k w_k A_k).
  assertEquals(Array.from(weightedCam(a, new Float32Array([1, -1]), shape)), [0, 0]);
  assertEquals(Array.from(weightedCam(a, new Float32Array([-1, 1]), shape)), [1, 1]);
  assertThrows(() => camWeights("gradcam", a, new Float32Array(3), shape), RangeError);
  assertThrows(() => camWeights("score-cam" as never, a, g, shape), RangeError, "Valid methods are");
});
