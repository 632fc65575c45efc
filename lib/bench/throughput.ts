/**
 * Training throughput: images per second of full Adam steps.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createModel, type ModelOptions } from "../models/mod.ts";

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
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: "categoricalCrossentropy",
  });
  const x = tf.randomUniform([batchSize, size, size, 3], 0, 1, "float32", 7);
  const labels = tf.tensor1d(
    Array.from({ length: batchSize }, (_, i) => i % numClasses),
    "int32",
  );
  const y = tf.oneHot(labels, numClasses);
  try {
    for (let i = 0; i < warmupSteps; i++) await model.trainOnBatch(x, y);
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
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
    };
  } finally {
    tf.dispose([x, labels, y]);
    model.optimizer?.dispose();
    model.dispose();
  }
}
