/**
 * A registered model ready to take the training step training takes
 * ({@link trainStep} with {@link leanAdam}, micro-batched where wasm's memory
 * needs it) on a seeded random batch: what the throughput and profile
 * benchmarks time.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createModel, type ModelOptions } from "../models/mod.ts";
import { autoMicroBatch, trainStep } from "../train/train_step.ts";
import { leanAdam } from "../train/lean_adam.ts";

/** A model, its optimizer and a batch; `step()` trains once, `dispose()` frees them all. */
export interface TrainStepFixture {
  model: tf.LayersModel;
  /** Images per forward/backward pass. */
  microBatchSize: number;
  step(): Promise<void>;
  dispose(): void;
}

/**
 * @param name A registered model name.
 * @param size Square input side.
 * @param batchSize Images per step.
 * @param modelOptions Extra model options.
 * @returns The fixture; the caller disposes it.
 */
export function trainStepFixture(
  name: string,
  size: number,
  batchSize: number,
  modelOptions: ModelOptions = {},
): TrainStepFixture {
  const numClasses = 4;
  const { model } = createModel(name, { inputShape: [size, size, 3], numClasses, seed: 1, ...modelOptions });
  const optimizer = leanAdam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const microBatchSize = autoMicroBatch(model, batchSize);
  const x = tf.randomUniform([batchSize, size, size, 3], 0, 1, "float32", 7) as tf.Tensor4D;
  const labels = tf.tensor1d(Array.from({ length: batchSize }, (_, i) => i % numClasses), "int32");
  const y = tf.oneHot(labels, numClasses) as tf.Tensor2D;
  return {
    model,
    microBatchSize,
    step: async () => {
      const r = trainStep(model, optimizer, variables, x, y, { microBatchSize });
      await r.loss.data();
      tf.dispose([r.loss, r.correct]);
    },
    dispose: () => {
      tf.dispose([x, labels, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}
