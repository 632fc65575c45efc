/**
 * Precise batch norm: recompute every BatchNormalization layer's moving mean
 * and variance from many training images with the final weights.
 *
 * The running averages drift behind the weights while they train. Measured on
 * the phantom (96x96, 12 epochs): accuracy on the training set was 95% with
 * batch statistics and 84% with the running averages. As in Wu & Johnson,
 * "Rethinking 'Batch' in BatchNorm" (2021) and fvcore's `update_bn_stats`,
 * the images go through the network once, in training mode (each layer
 * normalised by its batch's statistics, as in training), and every layer's
 * input statistics are pooled over all images. One pass for all layers:
 * recalibrating layer by layer in inference mode cost one partial forward
 * pass per layer, and ResNet50's 53 layers made an epoch at 64x64 take 3 min.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Options of {@link recalibrateBatchNorm}. */
export interface PreciseBnOptions {
  /** Images used: the first of `indices`, or of `x`. Default 512. */
  samples?: number;
  /** Which images of `x` to use, in order. Default all, in order. */
  indices?: readonly number[];
  /** Default 32. */
  batchSize?: number;
}

/**
 * Recomputes the moving statistics of every BatchNormalization layer, in
 * order, from up to `samples` images of `x`.
 *
 * @param model The model; its BN layers' moving mean and variance are replaced.
 * @param x Training images, or a function that returns the images at some indices (then `indices` is required);
 *   pick `indices` that mix the classes.
 * @returns The number of layers recalibrated.
 */
export async function recalibrateBatchNorm(
  model: tf.LayersModel,
  x: tf.Tensor4D | ((indices: number[]) => Promise<tf.Tensor4D>),
  options: PreciseBnOptions = {},
): Promise<number> {
  const { samples = 512, batchSize = 32 } = options;
  const getImages = typeof x === "function"
    ? x
    : (idx: number[]) => Promise.resolve(tf.tidy(() => tf.gather(x, tf.tensor1d(idx, "int32")) as tf.Tensor4D));
  if (options.indices == null && typeof x === "function") {
    throw new RangeError("recalibrateBatchNorm() needs indices when images come from a function");
  }
  const indices = (options.indices ?? [...Array((x as tf.Tensor4D).shape[0]).keys()]).slice(0, samples);
  const n = indices.length;
  const layers = model.layers.filter((l) => l.getClassName() === "BatchNormalization");
  if (layers.length === 0 || n === 0) return layers.length;
  const probe = tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.input as tf.SymbolicTensor) });
  const sums: Float64Array[] = [], squares: Float64Array[] = [];
  let count = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const batch = await getImages(indices.slice(start, start + size) as number[]);
    const stats = tf.tidy(() => {
      // Training mode: each layer sees its inputs normalised by batch statistics, as during training.
      const outs = probe.apply(batch, { training: true }) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(outs) ? outs : [outs]).map((f) => {
        const flat = f.reshape([-1, f.shape[f.rank - 1]!]);
        return tf.stack([tf.sum(flat, 0), tf.sum(tf.square(flat), 0)]);
      });
    });
    batch.dispose();
    for (let k = 0; k < stats.length; k++) {
      const values = await stats[k].data();
      const rows = stats[k].shape[1]!;
      sums[k] ??= new Float64Array(rows);
      squares[k] ??= new Float64Array(rows);
      for (let c = 0; c < rows; c++) {
        sums[k][c] += values[c];
        squares[k][c] += values[rows + c];
      }
    }
    tf.dispose(stats);
    count += size;
  }
  layers.forEach((layer, k) => {
    const shape = (layer.input as tf.SymbolicTensor).shape;
    const perImage = shape.slice(1, -1).reduce((a: number, b) => a * (b ?? 1), 1);
    const total = count * perImage;
    const mean = Float32Array.from(sums[k], (v) => v / total);
    const variance = Float32Array.from(squares[k], (v, c) => Math.max(0, v / total - mean[c] * mean[c]));
    // Weight order of tfjs BatchNormalization: [gamma?, beta?, movingMean, movingVariance].
    const weights = layer.getWeights();
    const movingMean = tf.tensor1d(mean), movingVariance = tf.tensor1d(variance);
    layer.setWeights([...weights.slice(0, weights.length - 2), movingMean, movingVariance]);
    tf.dispose([movingMean, movingVariance]);
  });
  return layers.length;
}
