/**
 * A seeded training loop: Adam, categorical cross-entropy, shuffled batches,
 * a progress bar, validation after every epoch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random.ts";
import { recalibrateBatchNorm } from "./precise_bn.ts";
import type { Transform } from "../augment/mod.ts";
import { type BatchSource, labelBatch, tensorBatches } from "../data/batches.ts";

/** What one epoch did. */
export interface EpochLog {
  epoch: number;
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
  seconds: number;
}

/** Options of {@link fitClassifier}. */
export interface FitOptions {
  /** Default 10. */
  epochs?: number;
  /** Default 16. */
  batchSize?: number;
  /** Adam's learning rate. Default 1e-3. */
  learningRate?: number;
  /** Seed of the batch order. Default 42. */
  seed?: number;
  /** Validation images and one-hot labels, or a batch source. */
  validation?: { x: tf.Tensor4D; y: tf.Tensor2D } | BatchSource;
  /** Called after each epoch. */
  onEpochEnd?: (log: EpochLog) => void | Promise<void>;
  /** Draw a progress bar on stderr. Default true. */
  progress?: boolean;
  /**
   * Augmentation applied to each training batch (never to validation), seeded
   * from the run's seed so a run repeats exactly. Default none.
   */
  augment?: Transform;
  /**
   * Recompute batch-norm statistics from up to this many training images
   * after each epoch ("precise BN", see precise_bn.ts); 0 turns it off.
   * Default 512.
   */
  preciseBnSamples?: number;
}

/**
 * Mean categorical cross-entropy and accuracy of a model on a data set,
 * predicted in batches. Reads results asynchronously: tfjs' webgpu backend
 * under Deno cannot read synchronously.
 *
 * @param data Images and one-hot labels, or a batch source.
 * @returns Plain numbers; no tensors escape.
 */
export async function evaluateClassifier(
  model: tf.LayersModel,
  data: { x: tf.Tensor4D; y: tf.Tensor2D } | BatchSource,
  batchSize = 32,
): Promise<{ loss: number; acc: number }> {
  const source = "images" in data ? data : tensorBatches(data.x, data.y);
  const n = source.length;
  let lossSum = 0, correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const idx = [...Array(Math.min(batchSize, n - start)).keys()].map((k) => start + k);
    const xb = await source.images(idx);
    const yb = labelBatch(source, idx);
    const sums = tf.tidy(() => {
      const p = (model.predict(xb) as tf.Tensor2D).clipByValue(1e-7, 1);
      const loss = tf.neg(tf.sum(tf.mul(yb, tf.log(p))));
      const hit = tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(yb, 1)), "float32"));
      return tf.stack([loss, hit]);
    });
    tf.dispose([xb, yb]);
    const [l, c] = await sums.data();
    sums.dispose();
    lossSum += l;
    correct += c;
  }
  return { loss: lossSum / n, acc: correct / n };
}

function bar(done: number, total: number, width = 24): string {
  const filled = Math.round((done / total) * width);
  return "[" + "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(width - filled) + "]";
}

function formatSeconds(s: number): string {
  if (!isFinite(s)) return "?";
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(0)}s`;
}

/**
 * Trains a classifier with Adam and categorical cross-entropy.
 *
 * Batches are drawn in a seeded order, so the same seed gives the same run.
 * The model is compiled here. Tensors made per batch are disposed.
 *
 * @param model A model ending in softmax.
 * @param x Images `[n, h, w, c]`.
 * @param y One-hot labels `[n, classes]`.
 * @param options Epochs, batch size, learning rate, seed, validation.
 * @returns One log per epoch.
 */
export function fitClassifier(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  y: tf.Tensor2D,
  options: FitOptions = {},
): Promise<EpochLog[]> {
  return fitClassifierOn(model, tensorBatches(x, y), options);
}

/**
 * {@link fitClassifier} on any batch source, e.g. image files streamed
 * through a cache (`fileBatches`).
 *
 * @returns One log per epoch.
 */
export async function fitClassifierOn(
  model: tf.LayersModel,
  source: BatchSource,
  options: FitOptions = {},
): Promise<EpochLog[]> {
  const { epochs = 10, batchSize = 16, learningRate = 1e-3, seed = 42, progress = true, preciseBnSamples = 512 } =
    options;
  model.compile({
    optimizer: tf.train.adam(learningRate),
    loss: "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  const rng = createRng(seed);
  const n = source.length;
  const batches = Math.ceil(n / batchSize);
  const tty = progress && Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  const history: EpochLog[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = rng.shuffle([...Array(n).keys()]);
    const t0 = performance.now();
    let lossSum = 0, accSum = 0, seen = 0;
    for (let b = 0; b < batches; b++) {
      const idx = order.slice(b * batchSize, (b + 1) * batchSize);
      const raw = await source.images(idx), yb = labelBatch(source, idx);
      const xb = options.augment ? options.augment.apply(raw, rng.fork()) : raw;
      const [loss, acc] = (await model.trainOnBatch(xb, yb)) as number[];
      tf.dispose([raw, xb, yb]);
      lossSum += loss * idx.length;
      accSum += acc * idx.length;
      seen += idx.length;
      if (tty) {
        const elapsed = (performance.now() - t0) / 1000;
        const eta = (elapsed / (b + 1)) * (batches - b - 1);
        const line = `epoch ${epoch}/${epochs} ${bar(b + 1, batches)} ${b + 1}/${batches} ` +
          `loss ${(lossSum / seen).toFixed(4)} acc ${(accSum / seen).toFixed(3)} ETA ${formatSeconds(eta)}`;
        Deno.stderr.writeSync(encoder.encode(`\r${line}\x1b[K`));
      }
    }
    if (preciseBnSamples > 0) {
      // Mixed classes in every batch: the first images in this epoch's order.
      await recalibrateBatchNorm(model, (idx) => source.images(idx), {
        indices: order,
        samples: preciseBnSamples,
        batchSize: Math.max(batchSize, 32),
      });
    }
    const log: EpochLog = {
      epoch,
      loss: lossSum / seen,
      acc: accSum / seen,
      seconds: (performance.now() - t0) / 1000,
    };
    if (options.validation) {
      const v = await evaluateClassifier(model, options.validation);
      log.valLoss = v.loss;
      log.valAcc = v.acc;
    }
    if (progress) {
      const val = log.valLoss != null ? ` val_loss ${log.valLoss.toFixed(4)} val_acc ${log.valAcc!.toFixed(3)}` : "";
      const line = `epoch ${epoch}/${epochs} loss ${log.loss.toFixed(4)} acc ${log.acc.toFixed(3)}${val} (${
        formatSeconds(log.seconds)
      })`;
      Deno.stderr.writeSync(encoder.encode(`${tty ? "\r" : ""}${line}${tty ? "\x1b[K" : ""}\n`));
    }
    history.push(log);
    await options.onEpochEnd?.(log);
  }
  return history;
}
