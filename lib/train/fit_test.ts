import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import type { BatchSource } from "../data/batches.ts";
import { generatePhantom } from "../data/phantom.ts";
import { imagesToTensor, labelsToTensor } from "../data/tensors.ts";
import { createCnn } from "../models/cnn.ts";
import { createModel } from "../models/mod.ts";
import { autoMicroBatch } from "./train_step.ts";
import { balancedClassWeights, fitClassifier, fitClassifierOn, NonFiniteLossError } from "./fit.ts";
import { readCheckpoint } from "./checkpoint.ts";

const items = generatePhantom({ perClass: 6, size: 32, seed: 5, slicesPerPatient: 2 });
const small = () => createCnn({ inputShape: [32, 32, 3], seed: 3, filters: [8, 16] }).model;

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return await Promise.all(model.getWeights().map(async (t) => Float32Array.from(await t.data())));
}

Deno.test("fitClassifierOn() resumed from a checkpoint ends exactly where the uninterrupted run ends", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items), y = labelsToTensor(items.map((i) => i.label), 4);
  const dir = await Deno.makeTempDir();
  try {
    const base = { batchSize: 8, progress: false as const, seed: 9, validation: { x, y }, preciseBnSamples: 16 };
    const full = small();
    const whole = await fitClassifier(full, x, y, { ...base, epochs: 4 });
    const expected = await weightsOf(full);
    full.dispose();

    const first = small();
    await fitClassifier(first, x, y, { ...base, epochs: 2, checkpointDir: dir });
    first.dispose();
    assertEquals((await readCheckpoint(dir))?.state.epoch, 2, "checkpoint after epoch 2");

    const second = small(); // fresh initial weights: everything must come from the checkpoint
    const resumed = await fitClassifier(second, x, y, { ...base, epochs: 4, checkpointDir: dir, resume: true });
    assertEquals(resumed.resumedFrom, 2);
    assertEquals(resumed.history.map((h) => h.loss), whole.history.map((h) => h.loss));
    const got = await weightsOf(second);
    for (let i = 0; i < got.length; i++) assertEquals(Array.from(got[i]), Array.from(expected[i]), `weight ${i}`);
    second.dispose();
  } finally {
    tf.dispose([x, y]);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fitClassifier() stops early and restores the best epoch's weights", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items), y = labelsToTensor(items.map((i) => i.label), 4);
  // Validation labels shuffled against the images: the validation loss rises as the model fits the training set.
  const yWrong = labelsToTensor(items.map((i) => (i.label + 1) % 4), 4);
  const model = small();
  let bestWeights: Float32Array[] = [];
  let bestLoss = Infinity;
  const result = await fitClassifier(model, x, y, {
    epochs: 30,
    batchSize: 8,
    learningRate: 3e-3,
    progress: false,
    preciseBnSamples: 0,
    validation: { x, y: yWrong },
    earlyStopping: { patience: 2 },
    onEpochEnd: async (log) => {
      if (log.valLoss! < bestLoss) {
        bestLoss = log.valLoss!;
        bestWeights = await weightsOf(model);
      }
    },
  });
  assertEquals(result.stopReason, "early_stopping");
  assert(result.history.length < 30, `stopped before the limit: ${result.history.length}`);
  assertEquals(result.history.length, result.bestEpoch + 2, "patience 2 after the best epoch");
  const now = await weightsOf(model);
  for (let i = 0; i < now.length; i++) assertEquals(Array.from(now[i]), Array.from(bestWeights[i]), `weight ${i}`);
  model.dispose();
  tf.dispose([x, y, yWrong]);
});

Deno.test("fitClassifier() halves the learning rate on a plateau, down to the floor", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items), y = labelsToTensor(items.map((i) => i.label), 4);
  const yWrong = labelsToTensor(items.map((i) => (i.label + 1) % 4), 4);
  const model = small();
  const result = await fitClassifier(model, x, y, {
    epochs: 7,
    batchSize: 8,
    learningRate: 1e-3,
    progress: false,
    preciseBnSamples: 0,
    validation: { x, y: yWrong },
    reduceLrOnPlateau: { factor: 0.5, patience: 1, minLr: 3e-4 },
  });
  const lrs = result.history.map((h) => h.lr!);
  assertEquals(lrs[0], 1e-3);
  assert(lrs.every((lr, i) => i === 0 || lr <= lrs[i - 1]), `never rises: ${lrs}`);
  assert(lrs.includes(5e-4), `halved once: ${lrs}`);
  assertEquals(Math.min(...lrs), 3e-4, `floored: ${lrs}`);
  model.dispose();
  tf.dispose([x, y, yWrong]);
});

Deno.test("class weights scale each image's loss by its class's weight", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items.slice(0, 8)), labels = items.slice(0, 8).map((i) => i.label);
  const y = labelsToTensor(labels, 4);
  const lossWith = async (classWeights?: number[]) => {
    const model = small();
    const r = await fitClassifier(model, x, y, {
      epochs: 1,
      batchSize: 8,
      progress: false,
      preciseBnSamples: 0,
      classWeights,
      learningRate: 0,
    });
    model.dispose();
    return r.history[0].loss;
  };
  const plain = await lossWith();
  assertAlmostEquals(await lossWith([2, 2, 2, 2]), 2 * plain, 1e-5);
  assertEquals(await lossWith([0, 0, 0, 0]), 0);
  tf.dispose([x, y]);
});

Deno.test("balancedClassWeights() matches scikit-learn's 'balanced' rule", () => {
  // sklearn.utils.class_weight.compute_class_weight("balanced", classes=[0,1,2], y=[0,0,0,1]) -> [0.444, 1.333, inf]
  // with an absent class given 0 here instead of a division by zero.
  const w = balancedClassWeights([0, 0, 0, 1], 3);
  assertAlmostEquals(w[0], 4 / 9, 1e-12);
  assertAlmostEquals(w[1], 4 / 3, 1e-12);
  assertEquals(w[2], 0);
});

Deno.test("a NaN loss stops the run with a clear error and keeps the last good checkpoint", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items), y = labelsToTensor(items.map((i) => i.label), 4);
  const dir = await Deno.makeTempDir();
  let calls = 0;
  const batchesPerEpoch = Math.ceil(items.length / 8);
  const source: BatchSource = {
    length: items.length,
    labels: items.map((i) => i.label),
    numClasses: 4,
    images: (idx) =>
      Promise.resolve(tf.tidy(() => {
        const batch = tf.gather(x, tf.tensor1d(idx as number[], "int32")) as tf.Tensor4D;
        // From the second epoch on, one image is corrupt.
        return ++calls > batchesPerEpoch ? tf.mul(batch, NaN) as tf.Tensor4D : batch;
      })),
  };
  const model = small();
  try {
    const err = await assertRejects(
      () =>
        fitClassifierOn(model, source, {
          epochs: 3,
          batchSize: 8,
          progress: false,
          preciseBnSamples: 0,
          checkpointDir: dir,
        }),
      NonFiniteLossError,
    );
    assert(/epoch 2, batch 1/.test(err.message), err.message);
    assert(err.message.includes("checkpoint of epoch 1"), err.message);
    const saved = await readCheckpoint(dir);
    assertEquals(saved?.state.epoch, 1);
    assert(saved!.weights.every((w) => w.values.every(Number.isFinite)), "the kept weights are finite");
  } finally {
    model.dispose();
    tf.dispose([x, y]);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an aborted run stops after the current batch and reports it", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items), y = labelsToTensor(items.map((i) => i.label), 4);
  const controller = new AbortController();
  const model = small();
  const result = await fitClassifier(model, x, y, {
    epochs: 5,
    batchSize: 8,
    progress: false,
    preciseBnSamples: 0,
    signal: controller.signal,
    onEpochEnd: (log) => {
      if (log.epoch === 2) controller.abort();
    },
  });
  assertEquals(result.stopReason, "interrupted");
  assertEquals(result.history.length, 2);
  model.dispose();
  tf.dispose([x, y]);
});

Deno.test("micro-batches give the whole batch's step: same loss and weights within float error", async () => {
  await initBackend("wasm");
  const x = imagesToTensor(items.slice(0, 16)), y = labelsToTensor(items.slice(0, 16).map((i) => i.label), 4);
  // No dropout, no batch norm: then micro-batching changes nothing but summation order.
  const build = () =>
    createCnn({ inputShape: [32, 32, 3], seed: 3, filters: [8, 16], batchNorm: false, dropout: 0 }).model;
  const run = async (microBatchSize: number) => {
    const model = build();
    const r = await fitClassifier(model, x, y, {
      epochs: 2,
      batchSize: 8,
      progress: false,
      preciseBnSamples: 0,
      microBatchSize,
    });
    const w = await weightsOf(model);
    model.dispose();
    return { losses: r.history.map((h) => h.loss), w };
  };
  const whole = await run(8), split = await run(3);
  for (let e = 0; e < 2; e++) assertAlmostEquals(split.losses[e], whole.losses[e], 1e-5);
  for (let i = 0; i < whole.w.length; i++) {
    const worst = Math.max(...whole.w[i].map((v, k) => Math.abs(v - split.w[i][k])));
    assert(worst < 1e-4, `weight ${i} differs by ${worst}`);
  }
  tf.dispose([x, y]);
});

Deno.test("autoMicroBatch() splits only what wasm's memory cannot hold", () => {
  const small = createCnn({ inputShape: [32, 32, 3] }).model;
  assertEquals(autoMicroBatch(small, 16, "wasm"), 16);
  small.dispose();
  // DenseNet121 at 224: 4 images per pass exhausted the 4 GiB heap (measured); 2 ran.
  const dense = createModel("densenet121", { inputShape: [224, 224, 3], numClasses: 4 }).model;
  assertEquals(autoMicroBatch(dense, 8, "wasm"), 2);
  assertEquals(autoMicroBatch(dense, 8, "tensorflow"), 8);
  dense.dispose();
});
