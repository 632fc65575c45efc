/**
 * DenseNet121, ported from Keras Applications (`keras.applications.densenet`).
 *
 * A 7x7/2 stem conv and a 3x3/2 max pool, then four dense blocks of 6, 12, 24
 * and 16 conv blocks with growth rate 32. Each conv block is BN-ReLU-1x1 conv
 * (4 x 32 bottleneck) then BN-ReLU-3x3 conv, concatenated onto its input.
 * Between dense blocks, a transition halves the channels (1x1 conv) and the
 * size (2x2 average pool). A final BN + ReLU (`bn`, `relu`) closes the
 * features. Layers are named as Keras names them (`conv2_block1_0_bn`,
 * `conv2_block1_concat`, `pool2_conv`), so parameter counts match Keras
 * exactly: 7,037,504 without the top, 8,062,504 with a 1000-class top.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BuiltModel, ModelOptions } from "./types.ts";
import { applyLayer, checkModelOptions, globalPool, predictionsLayer } from "./common.ts";
import { SeededDropout } from "./seeded_dropout.ts";

/** Conv blocks per dense block, as in Keras' DenseNet121. */
const BLOCKS: readonly number[] = [6, 12, 24, 16];
/** Channels each conv block adds. */
const GROWTH_RATE = 32;
/** Channel factor of each transition. */
const REDUCTION = 0.5;
/** Keras' batch-norm epsilon for DenseNet. */
const BN_EPSILON = 1.001e-5;
/** Keras' default batch-norm momentum. */
const BN_MOMENTUM = 0.99;
/** Smallest height and width Keras accepts for DenseNet121. */
const MIN_SIZE = 32;

const apply = applyLayer;

/**
 * Builds DenseNet121 (Keras Applications).
 *
 * Convs (all without bias, as in Keras) use seeded He-normal kernels; the
 * classifier a seeded Glorot-uniform kernel. No pretrained weights are loaded.
 *
 * @param options Keras-style options. Defaults: `inputShape` `[224, 224, 3]`,
 *   `numClasses` 4, `includeTop` true, `dropout` 0 (when > 0, a seeded dropout
 *   goes before `predictions`), `seed` 42. `pooling` applies only when
 *   `includeTop` is false.
 * @returns The model, named `densenet121`, with Grad-CAM's target `relu` (the final BN + ReLU).
 * @throws {RangeError} For an input smaller than 32x32, a bad `numClasses`,
 *   `dropout` or `pooling`.
 * @example
 * ```ts
 * const { model, gradCamLayer } = createDenseNet121({ inputShape: [224, 224, 3], numClasses: 4 });
 * model.getLayer(gradCamLayer).outputShape; // [null, 7, 7, 1024]
 * ```
 */
export function createDenseNet121(options: ModelOptions = {}): BuiltModel {
  const {
    inputShape = [224, 224, 3],
    numClasses = 4,
    includeTop = true,
    pooling,
    dropout = 0,
    seed = 42,
  } = options;
  checkModelOptions("densenet121", { inputShape, numClasses, pooling, dropout }, MIN_SIZE);

  let seedCounter = seed;
  const conv = (filters: number, kernelSize: number, strides: number, name: string, padding: "valid" | "same") =>
    tf.layers.conv2d({
      filters,
      kernelSize,
      strides,
      padding,
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({ seed: seedCounter++ }),
      name,
    });
  const bn = (name: string) =>
    tf.layers.batchNormalization({ axis: -1, epsilon: BN_EPSILON, momentum: BN_MOMENTUM, name });
  const relu = (name: string) => tf.layers.activation({ activation: "relu", name });

  /** Keras' `conv_block`: BN-ReLU-1x1, BN-ReLU-3x3, concatenated onto the input. */
  const convBlock = (x: tf.SymbolicTensor, name: string) => {
    let y = apply(bn(`${name}_0_bn`), x);
    y = apply(relu(`${name}_0_relu`), y);
    y = apply(conv(4 * GROWTH_RATE, 1, 1, `${name}_1_conv`, "valid"), y);
    y = apply(bn(`${name}_1_bn`), y);
    y = apply(relu(`${name}_1_relu`), y);
    y = apply(conv(GROWTH_RATE, 3, 1, `${name}_2_conv`, "same"), y);
    return apply(tf.layers.concatenate({ axis: -1, name: `${name}_concat` }), [x, y]);
  };

  /** Keras' `transition_block`: BN-ReLU, 1x1 conv to half the channels, 2x2 average pool. */
  const transition = (x: tf.SymbolicTensor, name: string) => {
    const channels = x.shape[x.shape.length - 1] as number;
    let y = apply(bn(`${name}_bn`), x);
    y = apply(relu(`${name}_relu`), y);
    y = apply(conv(Math.floor(channels * REDUCTION), 1, 1, `${name}_conv`, "valid"), y);
    return apply(tf.layers.averagePooling2d({ poolSize: 2, strides: 2, name: `${name}_pool` }), y);
  };

  const input = tf.input({ shape: inputShape, name: "input" });
  // Keras leaves the two paddings unnamed; these are the names it gives them.
  let x = apply(tf.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: "zero_padding2d" }), input);
  x = apply(conv(64, 7, 2, "conv1_conv", "valid"), x);
  x = apply(bn("conv1_bn"), x);
  x = apply(relu("conv1_relu"), x);
  x = apply(tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: "zero_padding2d_1" }), x);
  x = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: "pool1" }), x);
  BLOCKS.forEach((blocks, i) => {
    for (let j = 1; j <= blocks; j++) x = convBlock(x, `conv${i + 2}_block${j}`);
    if (i < BLOCKS.length - 1) x = transition(x, `pool${i + 2}`);
  });
  x = apply(bn("bn"), x);
  x = apply(relu("relu"), x);
  const gradCamLayer = "relu";

  if (includeTop) {
    x = apply(tf.layers.globalAveragePooling2d({ name: "avg_pool" }), x);
    if (dropout > 0) {
      x = apply(new SeededDropout({ rate: dropout, seed: seedCounter++, name: "dropout" }), x);
    }
    x = apply(predictionsLayer(numClasses, seedCounter++), x);
  } else {
    x = globalPool(x, pooling);
  }
  const model = tf.model({ inputs: input, outputs: x, name: "densenet121" });
  return { name: "densenet121", model, gradCamLayer };
}
