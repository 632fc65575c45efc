/**
 * Training throughput: images per second of full Adam steps.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelOptions } from "../models/mod.ts";
import { trainStepFixture } from "./train_step_fixture.ts";

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
  const fixture = trainStepFixture(name, size, batchSize, options.modelOptions);
  const { model, microBatchSize, step } = fixture;
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
    fixture.dispose();
  }
}
