/**
 * MobileNet v1 and v2, as Keras Applications builds them (alpha 1.0, depth multiplier 1).
 *
 * v1 (Howard et al. 2017): a 3x3/2 conv, then 13 depthwise-separable blocks,
 * every conv followed by batch norm and ReLU6. 3,228,864 parameters without
 * the top at 224x224x3; 4,253,864 with Keras' 1000-class top (global average
 * pooling, dropout, a 1x1 conv `conv_preds`, softmax). Stride-2 convs get
 * Keras' asymmetric zero padding (`conv1_pad`, `conv_pad_N`: one row below,
 * one column right) and 'valid' padding, as in keras_applications.
 *
 * v2 (Sandler et al. 2018): a 3x3/2 conv, 17 inverted residual blocks
 * (`expanded_conv_*`, `block_1_*` .. `block_16_*`), a 1x1 conv to 1280, then
 * global average pooling and the dense `predictions`. 2,257,984 parameters
 * without the top, 3,538,984 with 1000 classes. Stride-2 depthwise convs are
 * preceded by Keras' `correct_pad` zero padding (`block_N_pad`).
 *
 * Batch norm uses Keras' values: epsilon 1e-3 and momentum 0.99 in v1 (Keras'
 * defaults), epsilon 1e-3 and momentum 0.999 in v2. Initializers are Keras'
 * defaults (Glorot-uniform), seeded.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BuiltModel, ModelOptions } from "./types.ts";
import { checkModelOptions, globalPool } from "./common.ts";
import { SeededDropout } from "./seeded_dropout.ts";

/** Smallest input side Keras accepts for MobileNet. */
const MIN_SIZE = 32;

/** Pointwise filters and depthwise stride of v1's blocks `conv_dw_1` .. `conv_dw_13`. */
const V1_BLOCKS: ReadonlyArray<readonly [filters: number, stride: number]> = [
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
  [256, 1],
  [512, 2],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [1024, 2],
  [1024, 1],
];

/** Output filters, stride and expansion of v2's blocks 0 .. 16. */
const V2_BLOCKS: ReadonlyArray<readonly [filters: number, stride: number, expansion: number]> = [
  [16, 1, 1],
  [24, 2, 6],
  [24, 1, 6],
  [32, 2, 6],
  [32, 1, 6],
  [32, 1, 6],
  [64, 2, 6],
  [64, 1, 6],
  [64, 1, 6],
  [64, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [160, 2, 6],
  [160, 1, 6],
  [160, 1, 6],
  [320, 1, 6],
];

type Apply = (layer: tf.layers.Layer, t: tf.SymbolicTensor) => tf.SymbolicTensor;
const apply: Apply = (layer, t) => layer.apply(t) as tf.SymbolicTensor;

/**
 * Builds MobileNet v1.
 *
 * @param options Keras-style options. `dropout` (default 1e-3, as Keras) is the
 *   seeded dropout before `conv_preds`; 0 leaves it out.
 * @returns The model, named `mobilenet`, with Grad-CAM's target `conv_pw_13_relu`.
 * @throws {RangeError} For a `pooling` other than `"avg"` or `"max"`, or an input side under 32.
 * @example
 * ```ts
 * const { model } = createMobileNet({ inputShape: [128, 128, 3] });
 * ```
 */
export function createMobileNet(options: ModelOptions = {}): BuiltModel {
  const {
    inputShape = [224, 224, 3],
    numClasses = 4,
    includeTop = true,
    pooling,
    dropout = 1e-3,
    seed = 42,
  } = options;
  checkModelOptions("mobilenet", { inputShape, pooling }, MIN_SIZE);
  let seedCounter = seed;
  const init = () => tf.initializers.glorotUniform({ seed: seedCounter++ });
  const bn = (name: string) => tf.layers.batchNormalization({ epsilon: 1e-3, momentum: 0.99, name });
  const relu6 = (name: string) => tf.layers.reLU({ maxValue: 6, name });

  const input = tf.input({ shape: inputShape, name: "input" });
  let x = apply(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: "conv1_pad" }), input);
  x = apply(
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      strides: 2,
      padding: "valid",
      useBias: false,
      kernelInitializer: init(),
      name: "conv1",
    }),
    x,
  );
  x = apply(relu6("conv1_relu"), apply(bn("conv1_bn"), x));

  V1_BLOCKS.forEach(([filters, stride], i) => {
    const id = i + 1;
    if (stride === 2) x = apply(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `conv_pad_${id}` }), x);
    x = apply(
      tf.layers.depthwiseConv2d({
        kernelSize: 3,
        strides: stride,
        padding: stride === 1 ? "same" : "valid",
        depthMultiplier: 1,
        useBias: false,
        depthwiseInitializer: init(),
        name: `conv_dw_${id}`,
      }),
      x,
    );
    x = apply(relu6(`conv_dw_${id}_relu`), apply(bn(`conv_dw_${id}_bn`), x));
    x = apply(
      tf.layers.conv2d({
        filters,
        kernelSize: 1,
        padding: "same",
        useBias: false,
        kernelInitializer: init(),
        name: `conv_pw_${id}`,
      }),
      x,
    );
    x = apply(relu6(`conv_pw_${id}_relu`), apply(bn(`conv_pw_${id}_bn`), x));
  });

  if (includeTop) {
    const channels = x.shape[3] as number;
    x = apply(tf.layers.globalAveragePooling2d({ name: "global_average_pooling2d" }), x);
    x = apply(tf.layers.reshape({ targetShape: [1, 1, channels], name: "reshape_1" }), x);
    if (dropout > 0) x = apply(new SeededDropout({ rate: dropout, seed: seedCounter++, name: "dropout" }), x);
    x = apply(
      tf.layers.conv2d({
        filters: numClasses,
        kernelSize: 1,
        padding: "same",
        kernelInitializer: init(),
        name: "conv_preds",
      }),
      x,
    );
    x = apply(tf.layers.reshape({ targetShape: [numClasses], name: "reshape_2" }), x);
    x = apply(tf.layers.activation({ activation: "softmax", name: "predictions" }), x);
  } else {
    x = globalPool(x, pooling);
  }
  const model = tf.model({ inputs: input, outputs: x, name: "mobilenet" });
  return { name: "mobilenet", model, gradCamLayer: "conv_pw_13_relu" };
}

/**
 * Builds MobileNet v2.
 *
 * @param options Keras-style options. `dropout` (default 0, Keras has none)
 *   puts a seeded dropout before `predictions` when above 0.
 * @returns The model, named `mobilenet_v2`, with Grad-CAM's target `out_relu`.
 * @throws {RangeError} For a `pooling` other than `"avg"` or `"max"`, or an input side under 32.
 * @example
 * ```ts
 * const { model } = createMobileNetV2({ inputShape: [128, 128, 3] });
 * ```
 */
export function createMobileNetV2(options: ModelOptions = {}): BuiltModel {
  const {
    inputShape = [224, 224, 3],
    numClasses = 4,
    includeTop = true,
    pooling,
    dropout = 0,
    seed = 42,
  } = options;
  checkModelOptions("mobilenet_v2", { inputShape, pooling }, MIN_SIZE);
  let seedCounter = seed;
  const init = () => tf.initializers.glorotUniform({ seed: seedCounter++ });
  const bn = (name: string) => tf.layers.batchNormalization({ epsilon: 1e-3, momentum: 0.999, name });
  const relu6 = (name: string) => tf.layers.reLU({ maxValue: 6, name });
  const conv1x1 = (filters: number, name: string) =>
    tf.layers.conv2d({ filters, kernelSize: 1, padding: "same", useBias: false, kernelInitializer: init(), name });

  const input = tf.input({ shape: inputShape, name: "input" });
  let x = apply(
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      strides: 2,
      padding: "same",
      useBias: false,
      kernelInitializer: init(),
      name: "Conv1",
    }),
    input,
  );
  x = apply(relu6("Conv1_relu"), apply(bn("bn_Conv1"), x));

  V2_BLOCKS.forEach(([filters, stride, expansion], id) => {
    const inputs = x;
    const inChannels = x.shape[3] as number;
    const prefix = id === 0 ? "expanded_conv_" : `block_${id}_`;
    if (id !== 0) {
      x = apply(conv1x1(expansion * inChannels, `${prefix}expand`), x);
      x = apply(relu6(`${prefix}expand_relu`), apply(bn(`${prefix}expand_BN`), x));
    }
    if (stride === 2) x = apply(tf.layers.zeroPadding2d({ padding: correctPad(x), name: `${prefix}pad` }), x);
    x = apply(
      tf.layers.depthwiseConv2d({
        kernelSize: 3,
        strides: stride,
        padding: stride === 1 ? "same" : "valid",
        useBias: false,
        depthwiseInitializer: init(),
        name: `${prefix}depthwise`,
      }),
      x,
    );
    x = apply(relu6(`${prefix}depthwise_relu`), apply(bn(`${prefix}depthwise_BN`), x));
    x = apply(conv1x1(filters, `${prefix}project`), x);
    x = apply(bn(`${prefix}project_BN`), x);
    if (inChannels === filters && stride === 1) {
      x = tf.layers.add({ name: `${prefix}add` }).apply([inputs, x]) as tf.SymbolicTensor;
    }
  });

  x = apply(conv1x1(1280, "Conv_1"), x);
  x = apply(relu6("out_relu"), apply(bn("Conv_1_bn"), x));

  if (includeTop) {
    x = apply(tf.layers.globalAveragePooling2d({ name: "global_average_pooling2d" }), x);
    if (dropout > 0) x = apply(new SeededDropout({ rate: dropout, seed: seedCounter++, name: "dropout" }), x);
    x = apply(
      tf.layers.dense({ units: numClasses, activation: "softmax", kernelInitializer: init(), name: "predictions" }),
      x,
    );
  } else {
    x = globalPool(x, pooling);
  }
  const model = tf.model({ inputs: input, outputs: x, name: "mobilenet_v2" });
  return { name: "mobilenet_v2", model, gradCamLayer: "out_relu" };
}

/**
 * Keras' `imagenet_utils.correct_pad` for a 3x3 stride-2 conv: one pixel each
 * side, less one before on an even side, so 'valid' matches TF's 'same'.
 */
function correctPad(x: tf.SymbolicTensor): [[number, number], [number, number]] {
  const [h, w] = [x.shape[1], x.shape[2]];
  const adjust = (side: number | null) => (side == null ? 1 : 1 - (side % 2));
  return [[1 - adjust(h), 1], [1 - adjust(w), 1]];
}
