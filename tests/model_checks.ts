/**
 * Checks shared by the model tests.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "./assert.ts";
import type { BuiltModel } from "../lib/models/types.ts";

/**
 * Two training steps on a batch of 2 random images: both losses finite and
 * the tensor count the same after the second step as after the first (no
 * leak). Disposes the model.
 */
export async function assertTrainsWithoutLeak({ model }: BuiltModel, size: number): Promise<void> {
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const classes = model.outputs[0].shape[1] as number;
  const x = tf.randomUniform([2, size, size, 3], 0, 1, "float32", 7);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, classes - 1], "int32"), classes));
  try {
    const first = (await model.trainOnBatch(x, y)) as number;
    const after1 = tf.memory().numTensors;
    const second = (await model.trainOnBatch(x, y)) as number;
    assert(Number.isFinite(first) && Number.isFinite(second), `finite losses: ${first}, ${second}`);
    assertEquals(tf.memory().numTensors, after1, "tensors after the second step");
  } finally {
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  }
}
