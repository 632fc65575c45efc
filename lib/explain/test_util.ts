/**
 * Small models shared by the explain tests.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * conv -> conv ("target") -> global average pooling ("gap") -> dense softmax ("predictions"):
 * the CAM architecture of Zhou et al. 2016. Seeded.
 *
 * @param size Input height and width.
 * @param classes Classes of the head.
 * @returns A new model; the caller disposes it.
 */
export function gapModel(size = 16, classes = 3, channels = 3): tf.LayersModel {
  const input = tf.input({ shape: [size, size, channels], name: "input" });
  let x = tf.layers.conv2d({
    filters: 6,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    biasInitializer: tf.initializers.constant({ value: 0.05 }),
    name: "conv1",
  }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2, name: "pool1" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({
    filters: 8,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    biasInitializer: tf.initializers.constant({ value: 0.05 }),
    name: "target",
  }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({
    units: classes,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    biasInitializer: tf.initializers.constant({ value: 0.1 }),
    name: "predictions",
  }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "gap_model" });
}

/** A seeded image `[size, size, channels]` in [0, 1]. The caller disposes it. */
export function randomImage(size: number, seed = 7, channels = 3): tf.Tensor3D {
  return tf.randomUniform([size, size, channels], 0, 1, "float32", seed) as tf.Tensor3D;
}

/** Largest absolute difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`Lengths differ: ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
