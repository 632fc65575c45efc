/**
 * One optimisation step, optionally accumulated over micro-batches.
 *
 * tfjs keeps every intermediate of the forward pass until the backward pass
 * ends, and the wasm backend has at most 4 GiB of memory. ResNet50 and
 * DenseNet121 at 224x224 exhaust it at 4 images per step (measured: wasm
 * "divide by zero" / "null function" aborts, or a hang at 8). So a batch is
 * split into micro-batches whose gradients are summed before one Adam
 * update: the same step, in less memory. Batch-norm statistics are then
 * per micro-batch ("ghost" batch norm); precise BN after each epoch
 * recomputes the running statistics over whole batches anyway.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Wasm's ceiling is 4 GiB; leave room for weights, Adam's moments and fragmentation. */
const WASM_ACTIVATION_BUDGET = 3.2e9;
/**
 * Peak bytes per image over the sum of layer outputs, measured on wasm:
 * DenseNet121 and ResNet50 at 224 peak near 7x (batch-norm and activation
 * temporaries, gradients, allocator slack).
 */
const PEAK_PER_OUTPUT_BYTE = 7.5;
/** Copies of each parameter during a step: weight, Adam's m and v, gradient, update temporary. */
const PARAMETER_COPIES = 5;

/**
 * Bytes of all layer outputs for one image: a proxy for training memory.
 *
 * @example
 * ```ts
 * activationBytesPerImage(model); // 1.99e8 for DenseNet121 at 224
 * ```
 */
export function activationBytesPerImage(model: tf.LayersModel): number {
  let elements = 0;
  for (const layer of model.layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (
      | number
      | null
    )[][];
    for (const s of shapes) elements += s.slice(1).reduce((a: number, b) => a * (b ?? 1), 1);
  }
  return elements * 4;
}

/**
 * The largest micro-batch that fits the backend's memory, at most `batchSize`.
 * Only wasm has a hard ceiling; other backends train whole batches.
 *
 * @param backend The backend's name (`tf.getBackend()`).
 */
export function autoMicroBatch(model: tf.LayersModel, batchSize: number, backend = tf.getBackend()): number {
  if (backend !== "wasm") return batchSize;
  const perImage = activationBytesPerImage(model) * PEAK_PER_OUTPUT_BYTE;
  // Weights, Adam's two moments, the gradients and their temporaries live beside the activations: VGG16's
  // 138M-parameter top alone takes 2.8 GB of them.
  const fixed = model.countParams() * 4 * PARAMETER_COPIES;
  const budget = Math.max(WASM_ACTIVATION_BUDGET - fixed, perImage);
  return Math.max(1, Math.min(batchSize, Math.floor(budget / perImage)));
}

/** Options of {@link trainStep}. */
export interface TrainStepOptions {
  /** Weight per class, `[classes, 1]`. */
  classWeights?: tf.Tensor2D;
  /** Images per forward/backward pass; the batch's gradients are summed. Default: the whole batch. */
  microBatchSize?: number;
}

/**
 * Mean weighted cross-entropy of a batch, as Keras computes it.
 *
 * @returns The loss and the count of correct predictions; the caller disposes the count.
 */
function batchLoss(
  model: tf.LayersModel,
  xb: tf.Tensor4D,
  yb: tf.Tensor2D,
  classWeights: tf.Tensor2D | undefined,
  scale: number,
): { loss: tf.Scalar; correct: tf.Scalar } {
  const p = model.apply(xb, { training: true }) as tf.Tensor2D;
  const correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(yb, 1)), "float32"))) as tf.Scalar;
  // As Keras: clip to [eps, 1 - eps] before the log.
  const perImage = tf.neg(tf.sum(tf.mul(yb, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), 1));
  const weighted = classWeights ? tf.mul(perImage, tf.reshape(tf.matMul(yb, classWeights), [-1])) : perImage;
  // wasm's clip and relu turn NaN into a bound, which would hide a diverged model or a corrupt image behind a
  // finite loss; adding 0 * (sum(p) + sum(x)) carries any NaN or infinity into the loss and changes nothing else.
  const guard = tf.mul(tf.add(tf.sum(p), tf.sum(xb)), 0);
  return { loss: tf.add(tf.mul(tf.sum(weighted), scale), guard) as tf.Scalar, correct };
}

/**
 * One Adam (or any optimizer) step on a batch: forward, backward, update.
 *
 * @param variables The model's trainable variables, in a fixed order (optimizer state follows it).
 * @returns The batch's mean loss and number of correct predictions; the caller disposes both.
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  xb: tf.Tensor4D,
  yb: tf.Tensor2D,
  options: TrainStepOptions = {},
): { loss: tf.Scalar; correct: tf.Scalar } {
  const n = xb.shape[0];
  const micro = Math.max(1, Math.min(n, options.microBatchSize ?? n));
  if (micro >= n) {
    let correct: tf.Scalar | undefined;
    const loss = optimizer.minimize(
      () => {
        const r = batchLoss(model, xb, yb, options.classWeights, 1 / n);
        correct = r.correct;
        return r.loss;
      },
      true,
      variables,
    ) as tf.Scalar;
    return { loss, correct: correct! };
  }
  const sums: (tf.Tensor | undefined)[] = variables.map(() => undefined);
  let loss: tf.Scalar = tf.scalar(0), correct: tf.Scalar = tf.scalar(0);
  for (let start = 0; start < n; start += micro) {
    const size = Math.min(micro, n - start);
    const xs = tf.slice(xb, [start, 0, 0, 0], [size, -1, -1, -1]);
    const ys = tf.slice(yb, [start, 0], [size, -1]);
    let c: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      // Scaled by the whole batch, so the summed gradients equal the batch's mean-loss gradient.
      const r = batchLoss(model, xs, ys, options.classWeights, 1 / n);
      c = r.correct;
      return r.loss;
    }, variables);
    tf.dispose([xs, ys]);
    variables.forEach((v, i) => {
      const g = grads[v.name];
      if (g == null) return;
      const prev = sums[i];
      sums[i] = prev ? tf.add(prev, g) : g;
      if (prev) tf.dispose([prev, g]);
    });
    const [l, k] = [tf.add(loss, value), tf.add(correct, c!)];
    tf.dispose([loss, correct, value, c!]);
    loss = l as tf.Scalar;
    correct = k as tf.Scalar;
  }
  const named: tf.NamedTensorMap = {};
  variables.forEach((v, i) => {
    if (sums[i]) named[v.name] = sums[i]!;
  });
  optimizer.applyGradients(named);
  tf.dispose(sums.filter((s): s is tf.Tensor => s != null));
  return { loss, correct };
}
