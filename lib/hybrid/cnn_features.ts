/**
 * CNN features of a batch source, in batches.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BatchSource } from "../data/batches.ts";

/**
 * Runs a feature model (e.g. from `pooledFeatureModel`) over every image of a
 * source, in batches, and returns plain rows.
 *
 * @param model Image in, `[batch, D]` out.
 * @param source The images; its tensors are disposed here.
 * @param batchSize Images per forward pass. Default 32.
 * @returns One row of D numbers per image, in source order; no tensors escape.
 * @example
 * ```ts
 * const rows = await cnnFeatures(pooledFeatureModel(model).model, data.source(split.test));
 * ```
 */
export async function cnnFeatures(model: tf.LayersModel, source: BatchSource, batchSize = 32): Promise<number[][]> {
  const out: number[][] = [];
  for (let start = 0; start < source.length; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, source.length - start) }, (_, k) => start + k);
    const xb = await source.images(idx);
    const f = tf.tidy(() => model.predict(xb) as tf.Tensor);
    xb.dispose();
    if (f.rank !== 2) {
      const shape = f.shape;
      f.dispose();
      throw new RangeError(`A feature model must output [batch, D]. Received: shape=${JSON.stringify(shape)}`);
    }
    const values = await f.array() as number[][];
    f.dispose();
    out.push(...values);
  }
  return out;
}

/**
 * A batch source over grayscale images held in memory, gray repeated in each
 * channel as `StudyData.source` serves it, so that a model trained on a study
 * sees the same input.
 *
 * @param images `size * size` values in [0, 1] each.
 * @param size Image side.
 * @param channels 1 or 3. Default 3.
 * @returns A source with label 0 for every image (labels are not known here).
 * @throws {RangeError} When an image has the wrong length.
 * @example
 * ```ts
 * const rows = await cnnFeatures(features, graySource([await data.gray(0)], data.size));
 * ```
 */
export function graySource(images: readonly Float32Array[], size: number, channels: 1 | 3 = 3): BatchSource {
  images.forEach((im, i) => {
    if (im.length !== size * size) {
      throw new RangeError(`Image ${i} has ${im.length} values; expected ${size}x${size} = ${size * size}`);
    }
  });
  return {
    length: images.length,
    labels: images.map(() => 0),
    numClasses: 1,
    images: (local) => {
      const px = size * size;
      const data = new Float32Array(local.length * px * channels);
      local.forEach((k, n) => {
        const img = images[k], base = n * px * channels;
        if (channels === 1) data.set(img, base);
        else for (let i = 0; i < px; i++) data[base + 3 * i] = data[base + 3 * i + 1] = data[base + 3 * i + 2] = img[i];
      });
      return Promise.resolve(tf.tensor4d(data, [local.length, size, size, channels]));
    },
  };
}
