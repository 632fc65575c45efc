/**
 * VGG16 with involution in its deep stages.
 *
 * The Keras VGG16 layout (`block1_conv1` .. `block5_conv3`, `blockN_pool`, and
 * the top `flatten`, `fc1` 4096, `fc2` 4096, `predictions`), with the second
 * and third 3x3 conv of blocks 4 and 5 replaced by {@link Involution} + ReLU,
 * named `block4_inv2`, `block4_inv3`, `block5_inv2`, `block5_inv3` (ReLUs
 * `blockN_invM_relu`).
 *
 * Why those four: Li et al. build RedNet by replacing the 3x3 convs of
 * ResNet's bottlenecks, where involution pays off most in the deep stages,
 * whose many channels make 3x3 convs expensive (each 512 -> 512 conv here
 * holds 2.36M weights; its involution 103k). Involution keeps the channel
 * count, so each block keeps its first conv to change it (block4_conv1 256 ->
 * 512; block5_conv1 stays a conv too, so every block has one channel-mixing
 * 3x3 conv). Blocks 1-3 stay convolutional: their maps are large and their
 * channels few, where the one-hot unfold's memory (K*K copies of the map)
 * costs most and a conv's weights cost least.
 *
 * Involution kernel size: 3 by default, the receptive field of the convs it
 * replaces and the size at which the layer trains fastest on wasm (the
 * paper's 7 is `involutionKernelSize: 7`, about 10x slower per layer there).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BuiltModel, ModelOptions } from "./types.ts";
import { applyLayer, globalPool, predictionsLayer } from "./common.ts";
import { Involution } from "./involution.ts";
import { SeededDropout } from "./seeded_dropout.ts";

/** Options of {@link createVgg16Involution}. */
export interface Vgg16InvolutionOptions extends ModelOptions {
  /** Side of the involution kernels. Default 3. */
  involutionKernelSize?: number;
}

/** Per block: filters, and for each layer whether it is an involution. */
const BLOCKS: { filters: number; involution: boolean[] }[] = [
  { filters: 64, involution: [false, false] },
  { filters: 128, involution: [false, false] },
  { filters: 256, involution: [false, false, false] },
  { filters: 512, involution: [false, true, true] },
  { filters: 512, involution: [false, true, true] },
];

/**
 * Builds VGG16 with involutions in place of the last two convs of blocks 4 and 5.
 *
 * Dropout (default 0.5, as in the VGG paper; Keras' VGG16 has none) follows
 * `fc1` and `fc2` as {@link SeededDropout} when above 0.
 *
 * @param options Keras-style options, plus `involutionKernelSize`.
 * @returns The model, named `vgg16_involution`, with Grad-CAM's target `block5_inv3_relu`.
 * @throws {RangeError} For a non-positive number of classes or a bad dropout rate.
 * @example
 * ```ts
 * const { model, gradCamLayer } = createVgg16Involution({ inputShape: [64, 64, 3] });
 * ```
 */
export function createVgg16Involution(options: Vgg16InvolutionOptions = {}): BuiltModel {
  const {
    inputShape = [224, 224, 3],
    numClasses = 4,
    includeTop = true,
    pooling,
    dropout = 0.5,
    seed = 42,
    involutionKernelSize = 3,
  } = options;
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`vgg16_involution needs at least one class. Received: numClasses=${numClasses}`);
  }
  if (!(dropout >= 0 && dropout < 1)) {
    throw new RangeError(`Dropout rate must be in [0, 1). Received: dropout=${dropout}`);
  }
  let seedCounter = seed;
  const apply = applyLayer;
  const input = tf.input({ shape: inputShape, name: "input" });
  let x: tf.SymbolicTensor = input;
  let target = "";
  BLOCKS.forEach(({ filters, involution }, i) => {
    const b = `block${i + 1}`;
    involution.forEach((inv, j) => {
      if (inv) {
        const name = `${b}_inv${j + 1}`;
        x = apply(new Involution({ kernelSize: involutionKernelSize, seed: seedCounter, name }), x);
        seedCounter += 2; // the layer seeds its two 1x1 convs with seed and seed + 1
        x = apply(tf.layers.activation({ activation: "relu", name: `${name}_relu` }), x);
        target = `${name}_relu`;
      } else {
        const name = `${b}_conv${j + 1}`;
        x = apply(
          tf.layers.conv2d({
            filters,
            kernelSize: 3,
            padding: "same",
            activation: "relu",
            kernelInitializer: tf.initializers.heNormal({ seed: seedCounter++ }),
            name,
          }),
          x,
        );
        target = name;
      }
    });
    x = apply(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${b}_pool` }), x);
  });
  if (includeTop) {
    x = apply(tf.layers.flatten({ name: "flatten" }), x);
    for (const fc of ["fc1", "fc2"]) {
      x = apply(
        tf.layers.dense({
          units: 4096,
          activation: "relu",
          kernelInitializer: tf.initializers.heNormal({ seed: seedCounter++ }),
          name: fc,
        }),
        x,
      );
      if (dropout > 0) {
        x = apply(new SeededDropout({ rate: dropout, seed: seedCounter++, name: `${fc}_dropout` }), x);
      }
    }
    x = apply(predictionsLayer(numClasses, seedCounter++), x);
  } else {
    x = globalPool(x, pooling);
  }
  const model = tf.model({ inputs: input, outputs: x, name: "vgg16_involution" });
  return { name: "vgg16_involution", model, gradCamLayer: target };
}
