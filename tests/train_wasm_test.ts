import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "./assert.ts";
import { initBackend } from "../lib/backend.ts";
import { generatePhantom } from "../lib/data/phantom.ts";
import { imagesToTensor, labelsToTensor } from "../lib/data/tensors.ts";
import { createModel } from "../lib/models/mod.ts";
import { fitClassifier } from "../lib/train/fit.ts";

const items = generatePhantom({ perClass: 8, size: 32, seed: 4, slicesPerPatient: 2 });

Deno.test("a small CNN's loss falls on wasm", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items.slice(0, 16)), y = labelsToTensor(items.slice(0, 16).map((i) => i.label), 4);
  const { model } = createModel("cnn", { inputShape: [32, 32, 3], seed: 1, dropout: 0 });
  model.compile({ optimizer: tf.train.adam(3e-3), loss: "categoricalCrossentropy" });
  const losses: number[] = [];
  for (let i = 0; i < 15; i++) losses.push((await model.trainOnBatch(x, y)) as number);
  assert(losses.every(Number.isFinite), `finite losses: ${losses}`);
  assert(losses[14] < losses[0] * 0.5, `loss fell by half: ${losses[0]} -> ${losses[14]}`);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("training on wasm leaks no tensors: the count is flat across epochs", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items), y = labelsToTensor(items.map((i) => i.label), 4);
  const { model } = createModel("cnn", { inputShape: [32, 32, 3], seed: 2 });
  const counts: number[] = [];
  await fitClassifier(model, x, y, {
    epochs: 3,
    batchSize: 8,
    progress: false,
    validation: { x, y },
    onEpochEnd: () => {
      counts.push(tf.memory().numTensors);
    },
  });
  // Epoch 1 creates Adam's slot variables; after that the count must not move.
  assertEquals(counts[2], counts[1], `tensors after each epoch: ${counts}`);
  model.dispose();
  tf.dispose([x, y]);
});

Deno.test("fitClassifier() gives the same history for the same seed", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items), y = labelsToTensor(items.map((i) => i.label), 4);
  const run = async () => {
    const { model } = createModel("cnn", { inputShape: [32, 32, 3], seed: 3, dropout: 0 });
    const h = await fitClassifier(model, x, y, { epochs: 2, batchSize: 8, progress: false, seed: 11 });
    model.dispose();
    return h.history.map((e) => e.loss);
  };
  assertEquals(await run(), await run());
  tf.dispose([x, y]);
});
