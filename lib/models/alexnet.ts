/**
 * AlexNet in torchvision's single-tower form.
 *
 * Reference: torchvision.models.alexnet, which follows the single-column
 * network of Krizhevsky, "One weird trick for parallelizing convolutional
 * neural networks" (arXiv:1404.5997, 2014), not the two-tower 2012 paper: no
 * local response normalization, widths 64-192-384-256-256.
 *
 * - conv1 11x11/4, 64 filters, zero padding 2 (`conv1_pad`), ReLU; pool1 3x3/2
 * - conv2 5x5, 192, padding 2; ReLU; pool2 3x3/2
 * - conv3 3x3, 384; conv4 3x3, 256; conv5 3x3, 256 (padding 1), each with ReLU; pool5 3x3/2
 * - dropout, fc6 4096 ReLU, dropout, fc7 4096 ReLU, predictions (softmax)
 *
 * Pooling is 'valid', as in torchvision. At 224x224x3 the last feature map is
 * 6x6x256, so the model has exactly torchvision's 61,100,840 parameters with
 * 1000 classes (2,469,696 in the convs). torchvision's AdaptiveAvgPool2d((6, 6))
 * before the classifier is left out: at 224 it is the identity, and at other
 * sizes the flattened width here is that of the real feature map (so fc6's
 * size changes with the input). The smallest input is 63x63 (1x1 after pool5).
 * Initializers are Keras' defaults (Glorot-uniform kernels, zero biases),
 * seeded, not torchvision's.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BuiltModel, ModelOptions } from "./types.ts";
import { applyLayer, globalPool } from "./common.ts";
import { SeededDropout } from "./seeded_dropout.ts";

/** Smallest input side: 63 gives 15 after conv1, 7 after pool1, 3 after pool2, 1 after pool5. */
const MIN_SIZE = 63;

/**
 * Builds AlexNet (torchvision's single-tower variant).
 *
 * @param options Keras-style options. `dropout` (default 0.5, as torchvision)
 *   is the seeded dropout before `fc6` and before `fc7`; 0 leaves it out.
 * @returns The model, named `alexnet`, with Grad-CAM's target `conv5_relu`.
 * @throws {RangeError} For a `pooling` other than `"avg"` or `"max"`, or an input side under 63.
 * @example
 * ```ts
 * const { model } = createAlexNet({ inputShape: [224, 224, 3], numClasses: 4 });
 * ```
 */
export function createAlexNet(options: ModelOptions = {}): BuiltModel {
  const {
    inputShape = [224, 224, 3],
    numClasses = 4,
    includeTop = true,
    pooling,
    dropout = 0.5,
    seed = 42,
  } = options;
  if (pooling != null && pooling !== "avg" && pooling !== "max") {
    throw new RangeError(`Invalid pooling for alexnet. Valid values are: "avg", "max". Received: pooling=${pooling}`);
  }
  if (inputShape[0] < MIN_SIZE || inputShape[1] < MIN_SIZE) {
    throw new RangeError(
      `alexnet needs inputs of at least ${MIN_SIZE}x${MIN_SIZE}. Received: inputShape=[${inputShape.join(", ")}]`,
    );
  }
  let seedCounter = seed;
  const init = () => tf.initializers.glorotUniform({ seed: seedCounter++ });
  const apply = applyLayer;
  const conv = (x: tf.SymbolicTensor, name: string, filters: number, kernelSize: number, strides = 1) => {
    // Stride-1 'same' equals torchvision's symmetric padding (k - 1) / 2 here.
    x = apply(
      tf.layers.conv2d({
        filters,
        kernelSize,
        strides,
        padding: strides === 1 ? "same" : "valid",
        kernelInitializer: init(),
        name,
      }),
      x,
    );
    return apply(tf.layers.reLU({ name: `${name}_relu` }), x);
  };
  const pool = (x: tf.SymbolicTensor, name: string) =>
    apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "valid", name }), x);
  const drop = (x: tf.SymbolicTensor, name: string) =>
    dropout > 0 ? apply(new SeededDropout({ rate: dropout, seed: seedCounter++, name }), x) : x;

  const input = tf.input({ shape: inputShape, name: "input" });
  let x = apply(tf.layers.zeroPadding2d({ padding: 2, name: "conv1_pad" }), input);
  x = pool(conv(x, "conv1", 64, 11, 4), "pool1");
  x = pool(conv(x, "conv2", 192, 5), "pool2");
  x = conv(x, "conv3", 384, 3);
  x = conv(x, "conv4", 256, 3);
  x = conv(x, "conv5", 256, 3);
  x = pool(x, "pool5");

  if (includeTop) {
    x = apply(tf.layers.flatten({ name: "flatten" }), x);
    x = drop(x, "fc6_dropout");
    x = apply(tf.layers.dense({ units: 4096, activation: "relu", kernelInitializer: init(), name: "fc6" }), x);
    x = drop(x, "fc7_dropout");
    x = apply(tf.layers.dense({ units: 4096, activation: "relu", kernelInitializer: init(), name: "fc7" }), x);
    x = apply(
      tf.layers.dense({ units: numClasses, activation: "softmax", kernelInitializer: init(), name: "predictions" }),
      x,
    );
  } else {
    x = globalPool(x, pooling);
  }
  const model = tf.model({ inputs: input, outputs: x, name: "alexnet" });
  return { name: "alexnet", model, gradCamLayer: "conv5_relu" };
}
