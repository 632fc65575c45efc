/**
 * Batches of images as tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** What batching needs of an item. */
export interface ImageItem {
  /** Grayscale, row-major, `size * size` values in [0, 1]. */
  image: Float32Array;
  size: number;
  label: number;
}

/**
 * Stacks grayscale images into `[n, size, size, channels]`, repeating the
 * gray value in each channel (ImageNet architectures expect 3).
 *
 * @param items The images; all of one size.
 * @param channels 1 or 3. Default 3.
 * @returns A new tensor; the caller disposes it.
 */
export function imagesToTensor(items: readonly ImageItem[], channels: 1 | 3 = 3): tf.Tensor4D {
  if (items.length === 0) throw new RangeError("imagesToTensor() needs at least one image");
  const size = items[0].size;
  const px = size * size;
  const data = new Float32Array(items.length * px * channels);
  items.forEach((it, n) => {
    if (it.size !== size) {
      throw new RangeError(`All images must share one size: found ${it.size} and ${size}`);
    }
    const base = n * px * channels;
    if (channels === 1) data.set(it.image, base);
    else {
      for (let i = 0; i < px; i++) {
        const v = it.image[i], o = base + i * 3;
        data[o] = v;
        data[o + 1] = v;
        data[o + 2] = v;
      }
    }
  });
  return tf.tensor4d(data, [items.length, size, size, channels]);
}

/**
 * One-hot labels `[n, numClasses]`.
 *
 * @returns A new tensor; the caller disposes it.
 */
export function labelsToTensor(labels: readonly number[], numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels as number[], "int32"), numClasses) as tf.Tensor2D);
}
