/**
 * Batches for training and evaluation, from tensors already in memory or
 * from image files decoded on demand through an {@link ImageCache}, so a
 * data set larger than memory streams from disk.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ImageCache } from "./preprocess.ts";

/** Where training batches come from. */
export interface BatchSource {
  /** Number of items. */
  readonly length: number;
  /** Class index of each item. */
  readonly labels: readonly number[];
  readonly numClasses: number;
  /**
   * Images at these indices, `[n, h, w, c]` in [0,1].
   *
   * @returns A new tensor; the caller disposes it.
   */
  images(indices: readonly number[]): Promise<tf.Tensor4D>;
}

/**
 * One-hot labels of some items of a source.
 *
 * @returns A new tensor; the caller disposes it.
 */
export function labelBatch(source: BatchSource, indices: readonly number[]): tf.Tensor2D {
  return tf.tidy(() =>
    tf.oneHot(tf.tensor1d(indices.map((i) => source.labels[i]), "int32"), source.numClasses) as tf.Tensor2D
  );
}

/** A source over tensors in memory: `x` images, `y` one-hot labels. The tensors stay the caller's. */
export function tensorBatches(x: tf.Tensor4D, y: tf.Tensor2D): BatchSource {
  const classIdx = tf.argMax(y, 1);
  const labels = Array.from(classIdx.dataSync());
  classIdx.dispose();
  return {
    length: x.shape[0],
    labels,
    numClasses: y.shape[1],
    images: (indices) => Promise.resolve(tf.tidy(() => tf.gather(x, tf.tensor1d(indices as number[], "int32")))),
  };
}

/** Options of {@link fileBatches}. */
export interface FileBatchesOptions {
  /** Decoded-image cache (its size sets the image side). */
  cache: ImageCache;
  /** 1 or 3 (gray repeated). Default 3. */
  channels?: 1 | 3;
}

/**
 * A source over image files, decoded on demand. Only the cache's memory bound
 * and one batch are held in memory.
 *
 * @param items Paths and class indices.
 * @param numClasses Number of classes.
 */
export function fileBatches(
  items: readonly { path: string; label: number }[],
  numClasses: number,
  options: FileBatchesOptions,
): BatchSource {
  const { cache, channels = 3 } = options;
  const side = cache.size;
  return {
    length: items.length,
    labels: items.map((i) => i.label),
    numClasses,
    images: async (indices) => {
      const px = side * side;
      const data = new Float32Array(indices.length * px * channels);
      for (let n = 0; n < indices.length; n++) {
        const img = await cache.get(items[indices[n]].path);
        const base = n * px * channels;
        if (channels === 1) data.set(img, base);
        else {
          for (let i = 0; i < px; i++) {
            const o = base + i * 3;
            data[o] = data[o + 1] = data[o + 2] = img[i];
          }
        }
      }
      return tf.tensor4d(data, [indices.length, side, side, channels]);
    },
  };
}
