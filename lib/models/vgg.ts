/**
 * VGG16, as Keras Applications builds it (Simonyan & Zisserman 2014, configuration D).
 *
 * Five blocks of 3x3 'same' convs with ReLU (64, 128, 256, 512, 512 filters;
 * 2, 2, 3, 3, 3 convs), each ending in 2x2 max pooling; then Flatten and two
 * 4096-unit dense layers before the softmax. 138,357,544 parameters with the
 * 1000-class top at 224x224x3, 14,714,688 without it. Layer names are Keras':
 * `block1_conv1` .. `block5_conv3`, `block1_pool` .. `block5_pool`, `flatten`,
 * `fc1`, `fc2`, `predictions`. Initializers are Keras' defaults
 * (Glorot-uniform kernels, zero biases), seeded.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BuiltModel, ModelOptions } from "./types.ts";
import { applyLayer, checkModelOptions, globalPool } from "./common.ts";
import { SeededDropout } from "./seeded_dropout.ts";

/** Filters and conv count of each VGG16 block. */
const VGG16_BLOCKS: ReadonlyArray<readonly [filters: number, convs: number]> = [
  [64, 2],
  [128, 2],
  [256, 3],
  [512, 3],
  [512, 3],
];

/** Smallest input side Keras accepts for VGG16 (five 2x2 poolings). */
const MIN_SIZE = 32;

/**
 * Builds VGG16.
 *
 * @param options Keras-style options. `dropout` (default 0, Keras has none)
 *   puts a seeded dropout after `fc1` and after `fc2` when above 0.
 * @returns The model, named `vgg16`, with Grad-CAM's target `block5_conv3`.
 * @throws {RangeError} For a `pooling` other than `"avg"` or `"max"`, or an input side under 32.
 * @example
 * ```ts
 * const { model } = createVgg16({ inputShape: [64, 64, 3], numClasses: 4 });
 * ```
 */
export function createVgg16(options: ModelOptions = {}): BuiltModel {
  const {
    inputShape = [224, 224, 3],
    numClasses = 4,
    includeTop = true,
    pooling,
    dropout = 0,
    seed = 42,
  } = options;
  checkModelOptions("vgg16", { inputShape, pooling }, MIN_SIZE);
  let seedCounter = seed;
  const init = () => tf.initializers.glorotUniform({ seed: seedCounter++ });
  const apply = applyLayer;

  const input = tf.input({ shape: inputShape, name: "input" });
  let x: tf.SymbolicTensor = input;
  VGG16_BLOCKS.forEach(([filters, convs], i) => {
    const b = `block${i + 1}`;
    for (let j = 1; j <= convs; j++) {
      x = apply(
        tf.layers.conv2d({
          filters,
          kernelSize: 3,
          padding: "same",
          activation: "relu",
          kernelInitializer: init(),
          name: `${b}_conv${j}`,
        }),
        x,
      );
    }
    x = apply(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${b}_pool` }), x);
  });

  if (includeTop) {
    x = apply(tf.layers.flatten({ name: "flatten" }), x);
    for (const fc of ["fc1", "fc2"]) {
      x = apply(tf.layers.dense({ units: 4096, activation: "relu", kernelInitializer: init(), name: fc }), x);
      if (dropout > 0) {
        x = apply(new SeededDropout({ rate: dropout, seed: seedCounter++, name: `${fc}_dropout` }), x);
      }
    }
    x = apply(
      tf.layers.dense({ units: numClasses, activation: "softmax", kernelInitializer: init(), name: "predictions" }),
      x,
    );
  } else {
    x = globalPool(x, pooling);
  }
  const model = tf.model({ inputs: input, outputs: x, name: "vgg16" });
  return { name: "vgg16", model, gradCamLayer: "block5_conv3" };
}
