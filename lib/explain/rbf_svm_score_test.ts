import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertLess } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { linearSvmScore } from "./linear_svm_score.ts";
import { rbfSvmScore } from "./rbf_svm_score.ts";
import { maxAbsDiff } from "./test_util.ts";

Deno.test("rbfSvmScore() computes the RBF decision function, and autodiff its gradient", async () => {
  await initBackend("wasm");
  const sv = [[0, 0, 1], [1, 2, 0], [-1, 0.5, 0.5]], coefs = [0.7, -1.2, 0.4], b = 0.3, gamma = 0.4;
  const f = rbfSvmScore(sv, coefs, b, gamma);
  const x = [0.2, -0.1, 0.6];
  const k = sv.map((s) => Math.exp(-gamma * s.reduce((acc, v, i) => acc + (x[i] - v) ** 2, 0)));
  const value = k.reduce((acc, ki, i) => acc + coefs[i] * ki, b);
  const grad = x.map((xd, d) => sv.reduce((acc, s, i) => acc - 2 * gamma * coefs[i] * k[i] * (xd - s[d]), 0));
  const xt = tf.tensor2d([x]);
  const before = tf.memory().numTensors;
  const [v, g] = tf.tidy(() => [f(xt), tf.grad((t: tf.Tensor) => f(t as tf.Tensor2D))(xt)]);
  assertAlmostEquals((await v.data())[0], value, 1e-5);
  assertLess(maxAbsDiff(await g.data(), grad), 1e-5);
  tf.dispose([v, g]);
  assertEquals(tf.memory().numTensors, before);
  const lin = tf.tidy(() => linearSvmScore([0.5, -1, 2], 0.1)(xt).dataSync()[0]);
  assertAlmostEquals(lin, 0.5 * 0.2 + 0.1 + 1.2 + 0.1, 1e-6);
  xt.dispose();
});
