import * as tf from "@tensorflow/tfjs";
import { assertEquals } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { leanAdam } from "./lean_adam.ts";

Deno.test("leanAdam() takes exactly tfjs Adam's steps and keeps its state layout", async () => {
  await initBackend("wasm");
  const run = async (optimizer: tf.Optimizer) => {
    const a0 = tf.tensor2d([[0.5, -1], [2, 0.25]]), b0 = tf.tensor1d([0.1, -0.3]);
    const a = tf.variable(a0, true, `a${Math.random()}`), b = tf.variable(b0, true, `b${Math.random()}`);
    tf.dispose([a0, b0]);
    const x = tf.tensor2d([[1, 2], [3, -1], [0.5, 0.5]]);
    for (let i = 0; i < 5; i++) {
      optimizer.minimize(() => tf.sum(tf.square(tf.add(tf.matMul(x, a), b))) as tf.Scalar, false, [a, b]);
    }
    const state = await optimizer.getWeights();
    const out = {
      a: Array.from(await a.data()),
      b: Array.from(await b.data()),
      state: await Promise.all(state.map(async (s) => Array.from(await s.tensor.data()))),
    };
    state[0].tensor.dispose();
    optimizer.dispose();
    tf.dispose([a, b, x]);
    return out;
  };
  const before = tf.memory().numTensors;
  const ours = await run(leanAdam(0.05)), theirs = await run(tf.train.adam(0.05));
  assertEquals(ours, theirs);
  assertEquals(tf.memory().numTensors, before, "no tensors left behind");
});
