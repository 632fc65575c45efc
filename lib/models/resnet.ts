/**
 * ResNet50, ported from Keras Applications (`keras.applications.resnet`, v1).
 *
 * A 7x7/2 stem conv and a 3x3/2 max pool, then four stacks of bottleneck
 * blocks (3, 4, 6, 3 of them; 64, 128, 256, 512 filters, 4x that out). The
 * first block of each stack has a 1x1 projection shortcut, and the stride of
 * stacks 3 to 5 sits in its first 1x1 conv, as in Keras (v1, not v1.5). Layers
 * are named as Keras names them (`conv1_conv`, `conv2_block1_0_conv`,
 * `conv5_block3_out`), so parameter counts and names match Keras exactly:
 * 23,587,712 without the top, 25,636,712 with a 1000-class top.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BuiltModel, ModelOptions } from "./types.ts";
import { applyLayer, checkModelOptions, globalPool, predictionsLayer } from "./common.ts";
import { SeededDropout } from "./seeded_dropout.ts";

/** Bottleneck blocks per stack, and the stack's filters, as in Keras' ResNet50. */
const STACKS: readonly { name: string; filters: number; blocks: number; stride: number }[] = [
  { name: "conv2", filters: 64, blocks: 3, stride: 1 },
  { name: "conv3", filters: 128, blocks: 4, stride: 2 },
  { name: "conv4", filters: 256, blocks: 6, stride: 2 },
  { name: "conv5", filters: 512, blocks: 3, stride: 2 },
];

/** Keras' batch-norm epsilon for ResNet. */
const BN_EPSILON = 1.001e-5;
/** Keras' default batch-norm momentum. */
const BN_MOMENTUM = 0.99;
/** Smallest height and width Keras accepts for ResNet50. */
const MIN_SIZE = 32;

const apply = applyLayer;

/**
 * Builds ResNet50 (Keras Applications, v1).
 *
 * Convs use seeded He-normal kernels and zero biases; the classifier a seeded
 * Glorot-uniform kernel. No pretrained weights are loaded.
 *
 * @param options Keras-style options. Defaults: `inputShape` `[224, 224, 3]`,
 *   `numClasses` 4, `includeTop` true, `dropout` 0 (when > 0, a seeded dropout
 *   goes before `predictions`), `seed` 42. `pooling` applies only when
 *   `includeTop` is false.
 * @returns The model, named `resnet50`, with Grad-CAM's target `conv5_block3_out`.
 * @throws {RangeError} For an input smaller than 32x32, a bad `numClasses`,
 *   `dropout` or `pooling`.
 * @example
 * ```ts
 * const { model, gradCamLayer } = createResNet50({ inputShape: [224, 224, 3], numClasses: 4 });
 * model.getLayer(gradCamLayer).outputShape; // [null, 7, 7, 2048]
 * ```
 */
export function createResNet50(options: ModelOptions = {}): BuiltModel {
  const {
    inputShape = [224, 224, 3],
    numClasses = 4,
    includeTop = true,
    pooling,
    dropout = 0,
    seed = 42,
  } = options;
  checkModelOptions("resnet50", { inputShape, numClasses, pooling, dropout }, MIN_SIZE);

  let seedCounter = seed;
  const conv = (filters: number, kernelSize: number, strides: number, name: string, padding: "valid" | "same") =>
    tf.layers.conv2d({
      filters,
      kernelSize,
      strides,
      padding,
      useBias: true,
      kernelInitializer: tf.initializers.heNormal({ seed: seedCounter++ }),
      name,
    });
  const bn = (name: string) =>
    tf.layers.batchNormalization({ axis: -1, epsilon: BN_EPSILON, momentum: BN_MOMENTUM, name });
  const relu = (name: string) => tf.layers.activation({ activation: "relu", name });

  /** Keras' `block1`: a bottleneck residual block. */
  const block = (x: tf.SymbolicTensor, filters: number, stride: number, convShortcut: boolean, name: string) => {
    let shortcut = x;
    if (convShortcut) {
      shortcut = apply(conv(4 * filters, 1, stride, `${name}_0_conv`, "valid"), x);
      shortcut = apply(bn(`${name}_0_bn`), shortcut);
    }
    let y = apply(conv(filters, 1, stride, `${name}_1_conv`, "valid"), x);
    y = apply(bn(`${name}_1_bn`), y);
    y = apply(relu(`${name}_1_relu`), y);
    y = apply(conv(filters, 3, 1, `${name}_2_conv`, "same"), y);
    y = apply(bn(`${name}_2_bn`), y);
    y = apply(relu(`${name}_2_relu`), y);
    y = apply(conv(4 * filters, 1, 1, `${name}_3_conv`, "valid"), y);
    y = apply(bn(`${name}_3_bn`), y);
    y = apply(tf.layers.add({ name: `${name}_add` }), [shortcut, y]);
    return apply(relu(`${name}_out`), y);
  };

  const input = tf.input({ shape: inputShape, name: "input" });
  let x = apply(tf.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: "conv1_pad" }), input);
  x = apply(conv(64, 7, 2, "conv1_conv", "valid"), x);
  x = apply(bn("conv1_bn"), x);
  x = apply(relu("conv1_relu"), x);
  x = apply(tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: "pool1_pad" }), x);
  x = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: "pool1_pool" }), x);
  for (const stack of STACKS) {
    for (let i = 1; i <= stack.blocks; i++) {
      const first = i === 1;
      x = block(x, stack.filters, first ? stack.stride : 1, first, `${stack.name}_block${i}`);
    }
  }
  const last = STACKS[STACKS.length - 1];
  const gradCamLayer = `${last.name}_block${last.blocks}_out`;

  if (includeTop) {
    x = apply(tf.layers.globalAveragePooling2d({ name: "avg_pool" }), x);
    if (dropout > 0) {
      x = apply(new SeededDropout({ rate: dropout, seed: seedCounter++, name: "dropout" }), x);
    }
    x = apply(predictionsLayer(numClasses, seedCounter++), x);
  } else {
    x = globalPool(x, pooling);
  }
  const model = tf.model({ inputs: input, outputs: x, name: "resnet50" });
  return { name: "resnet50", model, gradCamLayer };
}
