/**
 * Training throughput: images per second of full Adam steps.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createModel, type ModelOptions } from "../models/mod.ts";
import { autoMicroBatch, trainStep } from "../train/train_step.ts";
import { leanAdam } from "../train/lean_adam.ts";

/** Options of {@link measureTrainThroughput}. */
export interface ThroughputOptions {
  /** Square input side. Default 224. */
  size?: number;
  /** Images per step. Default 8. */
  batchSize?: number;
  /** Untimed steps first (kernel setup, XNNPACK packing). Default 1. */
  warmupSteps?: number;
  /** Timed steps. Default 3. */
  steps?: number;
  /** Extra model options. */
  modelOptions?: ModelOptions;
}

/** One throughput measurement. */
export interface ThroughputResult {
  model: string;
  backend: string;
  size: number;
  batchSize: number;
  steps: number;
  imagesPerSecond: number;
  msPerStep: number;
  params: number;
  /** Live tensors after the timed steps minus before: 0 when nothing leaks. */
  tensorsLeaked: number;
  /** Images per forward/backward pass (gradients summed over the batch), as training picks it. */
  microBatchSize: number;
}

/**
 * Times full training steps (forward, backward, Adam update) of a model on the
 * current backend, on seeded random data.
 *
 * @param name A registered model name.
 * @param options Size, batch and step counts.
 * @returns Images per second and details; the model is disposed.
 */
export async function measureTrainThroughput(
  name: string,
  options: ThroughputOptions = {},
): Promise<ThroughputResult> {
  const { size = 224, batchSize = 8, warmupSteps = 1, steps = 3 } = options;
  const numClasses = 4;
  const { model } = createModel(name, {
    inputShape: [size, size, 3],
    numClasses,
    seed: 1,
    ...options.modelOptions,
  });
  // The step training takes (lib/train/train_step.ts), micro-batched where wasm's memory needs it.
  const optimizer = leanAdam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const microBatchSize = autoMicroBatch(model, batchSize);
  const x = tf.randomUniform([batchSize, size, size, 3], 0, 1, "float32", 7) as tf.Tensor4D;
  const labels = tf.tensor1d(
    Array.from({ length: batchSize }, (_, i) => i % numClasses),
    "int32",
  );
  const y = tf.oneHot(labels, numClasses) as tf.Tensor2D;
  const step = async () => {
    const r = trainStep(model, optimizer, variables, x, y, { microBatchSize });
    await r.loss.data();
    tf.dispose([r.loss, r.correct]);
  };
  try {
    for (let i = 0; i < warmupSteps; i++) await step();
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    const ms = (performance.now() - t0) / steps;
    return {
      model: name,
      backend: tf.getBackend(),
      size,
      batchSize,
      steps,
      imagesPerSecond: batchSize / (ms / 1000),
      msPerStep: ms,
      params: model.countParams(),
      tensorsLeaked: tf.memory().numTensors - before,
      microBatchSize,
    };
  } finally {
    tf.dispose([x, labels, y]);
    optimizer.dispose();
    model.dispose();
  }
}
