/**
 * The plain CNN baseline.
 *
 * Four blocks of 3x3 conv, batch norm and ReLU; the first three end in 2x2
 * max pooling. Then global average pooling, dropout and a softmax dense
 * layer. Default widths 16-32-64-128: about 100k parameters, small enough to
 * train on the wasm backend in minutes, which is its job.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BuiltModel, ModelOptions } from "./types.ts";
import { SeededDropout } from "./seeded_dropout.ts";

/** Options of {@link createCnn}. */
export interface CnnOptions extends ModelOptions {
  /** Filters per block. Default `[16, 32, 64, 128]`. */
  filters?: number[];
  /** Batch normalization after each conv. Default true. */
  batchNorm?: boolean;
  /** Global pooling before the classifier. Default `"avg"`. */
  headPooling?: "avg" | "max";
}

/**
 * Builds the plain CNN baseline.
 *
 * @param options Keras-style options, plus `filters`.
 * @returns The model, named `cnn`, with Grad-CAM's target `blockN_relu` of the last block.
 * @example
 * ```ts
 * const { model } = createCnn({ inputShape: [128, 128, 3] });
 * ```
 */
export function createCnn(options: CnnOptions = {}): BuiltModel {
  const {
    inputShape = [224, 224, 3],
    numClasses = 4,
    includeTop = true,
    pooling,
    dropout = 0.3,
    seed = 42,
    filters = [16, 32, 64, 128],
    batchNorm = true,
    headPooling = "avg",
  } = options;
  if (filters.length === 0) {
    throw new RangeError("cnn needs at least one block. Received: filters=[]");
  }
  let seedCounter = seed;
  const init = () => tf.initializers.heNormal({ seed: seedCounter++ });
  const input = tf.input({ shape: inputShape, name: "input" });
  let x: tf.SymbolicTensor = input;
  let target = "";
  filters.forEach((f, i) => {
    const b = `block${i + 1}`;
    x = tf.layers.conv2d({
      filters: f,
      kernelSize: 3,
      padding: "same",
      useBias: !batchNorm,
      kernelInitializer: init(),
      name: `${b}_conv1`,
    }).apply(x) as tf.SymbolicTensor;
    if (batchNorm) {
      x = tf.layers.batchNormalization({ momentum: 0.9, name: `${b}_bn` }).apply(
        x,
      ) as tf.SymbolicTensor;
    }
    x = tf.layers.activation({ activation: "relu", name: `${b}_relu` }).apply(
      x,
    ) as tf.SymbolicTensor;
    target = `${b}_relu`;
    if (i < filters.length - 1) {
      x = tf.layers.maxPooling2d({ poolSize: 2, name: `${b}_pool` }).apply(
        x,
      ) as tf.SymbolicTensor;
    }
  });
  if (includeTop) {
    x = (headPooling === "max"
      ? tf.layers.globalMaxPooling2d({ name: "max_pool" })
      : tf.layers.globalAveragePooling2d({ name: "avg_pool" })).apply(x) as tf.SymbolicTensor;
    if (dropout > 0) {
      x = new SeededDropout({ rate: dropout, seed: seedCounter++, name: "dropout" }).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.dense({
      units: numClasses,
      activation: "softmax",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seedCounter++ }),
      name: "predictions",
    }).apply(x) as tf.SymbolicTensor;
  } else if (pooling === "avg") {
    x = tf.layers.globalAveragePooling2d({ name: "avg_pool" }).apply(
      x,
    ) as tf.SymbolicTensor;
  } else if (pooling === "max") {
    x = tf.layers.globalMaxPooling2d({ name: "max_pool" }).apply(
      x,
    ) as tf.SymbolicTensor;
  }
  const model = tf.model({ inputs: input, outputs: x, name: "cnn" });
  return { name: "cnn", model, gradCamLayer: target };
}
