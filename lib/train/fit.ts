/**
 * A seeded training loop: Adam, categorical cross-entropy (optionally class
 * weighted), shuffled batches, validation after every epoch, early stopping
 * with the best weights restored, reduce-on-plateau, per-epoch checkpoints
 * that a killed run resumes from, a clean stop on request, and a stop with a
 * clear error on a NaN or infinite loss.
 *
 * Every epoch draws its batch order and augmentation from a generator seeded
 * by `(seed, epoch)`, so a run resumed at epoch k repeats the uninterrupted
 * run exactly: nothing random carries over from earlier epochs but the
 * weights, Adam's moments and the dropout step counters, all checkpointed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random.ts";
import { recalibrateBatchNorm } from "./precise_bn.ts";
import type { Transform } from "../augment/mod.ts";
import { type BatchSource, labelBatch, tensorBatches } from "../data/batches.ts";
import {
  copyWeights,
  type EpochLog,
  readCheckpoint,
  setStoredWeights,
  type StoredTensor,
  type TrainState,
  writeCheckpoint,
} from "./checkpoint.ts";
import { type ProgressReporter, terminalProgress } from "./progress.ts";
import { autoMicroBatch, trainStep } from "./train_step.ts";
import { leanAdam } from "./lean_adam.ts";

export type { EpochLog, TrainState } from "./checkpoint.ts";

/** Early stopping on the monitored loss (validation loss when there is validation). */
export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Smallest decrease that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Put back the best epoch's weights at the end. Default true. */
  restoreBest?: boolean;
}

/** Reduce the learning rate when the monitored loss stops improving (Keras' ReduceLROnPlateau). */
export interface ReduceLrOptions {
  /** Multiplier. Default 0.5. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 3. */
  patience?: number;
  /** Lower bound. Default 1e-6. */
  minLr?: number;
}

/** Options of {@link fitClassifier}. */
export interface FitOptions {
  /** The most epochs. Default 10. */
  epochs?: number;
  /** Default 16. */
  batchSize?: number;
  /** Adam's initial learning rate. Default 1e-3. */
  learningRate?: number;
  /** Seed of batch order and augmentation. Default 42. */
  seed?: number;
  /** Validation images and one-hot labels, or a batch source. */
  validation?: { x: tf.Tensor4D; y: tf.Tensor2D } | BatchSource;
  /** Called after each epoch (after its checkpoint is written). */
  onEpochEnd?: (log: EpochLog) => void | Promise<void>;
  /**
   * Progress display: true for a bar on stderr (a line per epoch when stderr
   * is not a terminal), false for none, or a reporter (e.g. the notebook's
   * live display). Default true.
   */
  progress?: boolean | ProgressReporter;
  /** Augmentation of each training batch (never of validation). Default none. */
  augment?: Transform;
  /**
   * Recompute batch-norm statistics from up to this many training images
   * after each epoch ("precise BN", see precise_bn.ts); 0 turns it off.
   * Default 512.
   */
  preciseBnSamples?: number;
  /** Stop when the monitored loss stops improving. Default off. */
  earlyStopping?: EarlyStoppingOptions;
  /** Lower the learning rate on a plateau. Default off. */
  reduceLrOnPlateau?: ReduceLrOptions;
  /**
   * Weight of each class in the loss, by class index, as Keras' `class_weight`:
   * each image's loss is multiplied by its class's weight. See {@link balancedClassWeights}.
   */
  classWeights?: readonly number[];
  /** Write a checkpoint here after every epoch. */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when there is one. Default false. */
  resume?: boolean;
  /** Stop after the current batch when aborted (e.g. on Ctrl-C); the last checkpoint stays. */
  signal?: AbortSignal;
  /**
   * Images per forward/backward pass, gradients summed over the batch (see
   * train_step.ts). "auto" (default) picks the largest that fits wasm's memory.
   */
  microBatchSize?: number | "auto";
}

/** Why training stopped. */
export type StopReason = "completed" | "early_stopping" | "interrupted";

/** What {@link fitClassifierOn} returns. */
export interface FitResult {
  history: EpochLog[];
  stopReason: StopReason;
  /** Epoch of the lowest monitored loss (1-based). */
  bestEpoch: number;
  /** Epoch the run resumed after (0 when it started fresh). */
  resumedFrom: number;
}

/** The loss became NaN or infinite. */
export class NonFiniteLossError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NonFiniteLossError";
  }
}

/**
 * Keras/scikit-learn "balanced" class weights: `n / (classes * count[c])`.
 *
 * @param labels Class index per training image.
 * @param numClasses Number of classes.
 * @returns One weight per class; a class with no images gets 0.
 * @example
 * ```ts
 * balancedClassWeights([0, 0, 0, 1], 2); // [0.667, 2]
 * ```
 */
export function balancedClassWeights(labels: readonly number[], numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const l of labels) counts[l]++;
  return counts.map((c) => (c === 0 ? 0 : labels.length / (numClasses * c)));
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

/**
 * Trains a classifier on tensors in memory. See {@link fitClassifierOn}.
 *
 * @param model A model ending in softmax.
 * @param x Images `[n, h, w, c]`.
 * @param y One-hot labels `[n, classes]`.
 * @returns The history and why it stopped.
 */
export function fitClassifier(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  y: tf.Tensor2D,
  options: FitOptions = {},
): Promise<FitResult> {
  return fitClassifierOn(model, tensorBatches(x, y), options);
}

/** Adam's learning rate is a protected field in tfjs; it is read at every step, so setting it works. */
function setLearningRate(optimizer: tf.AdamOptimizer, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}

/** Seeded dropout layers keep a step counter that their masks follow. */
function dropoutLayers(model: tf.LayersModel): (tf.layers.Layer & { step: number })[] {
  return model.layers.filter((l) => l.getClassName() === "SeededDropout") as (tf.layers.Layer & { step: number })[];
}

/** A per-epoch generator seed: independent of what earlier epochs drew, so a resumed run repeats. */
function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch, 0x85ebca6b)) >>> 0;
}

/**
 * Trains a classifier with Adam and categorical cross-entropy on any batch
 * source, e.g. image files streamed through a cache (`fileBatches`).
 *
 * The model need not be compiled. Tensors made per batch are disposed; the
 * optimizer is disposed at the end.
 *
 * @param model A model ending in softmax.
 * @param source Training images and labels.
 * @param options Epochs, batches, callbacks, checkpoints.
 * @returns The history and why it stopped.
 * @throws {NonFiniteLossError} When a batch's loss is NaN or infinite; the last checkpoint is kept.
 */
export async function fitClassifierOn(
  model: tf.LayersModel,
  source: BatchSource,
  options: FitOptions = {},
): Promise<FitResult> {
  const { epochs = 10, batchSize = 16, learningRate = 1e-3, seed = 42, preciseBnSamples = 512 } = options;
  const reporter = options.progress === false
    ? undefined
    : typeof options.progress === "object"
    ? options.progress
    : terminalProgress();
  const optimizer = leanAdam(learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const classWeights = options.classWeights
    ? tf.tensor2d([...options.classWeights], [options.classWeights.length, 1])
    : undefined;
  if (classWeights && options.classWeights!.length !== source.numClasses) {
    classWeights.dispose();
    throw new RangeError(`classWeights has ${options.classWeights!.length} entries for ${source.numClasses} classes`);
  }
  const dropouts = dropoutLayers(model);
  const microBatchSize = options.microBatchSize === "auto" || options.microBatchSize == null
    ? autoMicroBatch(model, batchSize)
    : options.microBatchSize;
  if (microBatchSize < batchSize) {
    reporter?.message(
      `[train] ${microBatchSize} images per pass (gradients summed over batches of ${batchSize}) to fit the ${tf.getBackend()} memory`,
    );
  }
  const monitorName = options.validation ? "val_loss" : "loss";

  let state: TrainState = {
    epoch: 0,
    learningRate,
    bestLoss: null,
    bestEpoch: 0,
    wait: 0,
    plateauWait: 0,
    history: [],
    dropoutSteps: {},
  };
  let best: StoredTensor[] | undefined;
  let resumedFrom = 0;
  if (options.resume && options.checkpointDir) {
    const saved = await readCheckpoint(options.checkpointDir);
    if (saved) {
      setStoredWeights(model, saved.weights, `${options.checkpointDir}/checkpoint.json`);
      // Adam creates its moment variables on the first step: restore them now, by position.
      const restored = saved.optimizer.map((t) => ({ name: t.name, tensor: tf.tensor(t.values, t.shape) }));
      await optimizer.setWeights(restored);
      // The optimizer's variables hold their own references to the data.
      tf.dispose(restored.map((r) => r.tensor));
      state = saved.state;
      best = saved.best;
      for (const d of dropouts) d.step = state.dropoutSteps[d.name] ?? d.step;
      resumedFrom = state.epoch;
    }
  }
  setLearningRate(optimizer, state.learningRate);

  const n = source.length;
  const batches = Math.ceil(n / batchSize);
  let stopReason: StopReason = "completed";
  try {
    for (let epoch = state.epoch + 1; epoch <= epochs; epoch++) {
      const rng = createRng(epochSeed(seed, epoch));
      const order = rng.shuffle([...Array(n).keys()]);
      const t0 = performance.now();
      let lossSum = 0, correctSum = 0, seen = 0;
      for (let b = 0; b < batches; b++) {
        if (options.signal?.aborted) break;
        const idx = order.slice(b * batchSize, (b + 1) * batchSize);
        const raw = await source.images(idx), yb = labelBatch(source, idx);
        const xb = options.augment ? options.augment.apply(raw, rng.fork()) : raw;
        const step = trainStep(model, optimizer, variables, xb, yb, { classWeights, microBatchSize });
        const [loss, correct] = [(await step.loss.data())[0], (await step.correct.data())[0]];
        tf.dispose([step.loss, step.correct]);
        const badInput = Number.isFinite(loss) ? false : !Number.isFinite((await tf.tidy(() => tf.sum(xb)).data())[0]);
        tf.dispose([raw, xb, yb]);
        if (!Number.isFinite(loss)) {
          const kept = state.epoch > 0 && options.checkpointDir
            ? `; the checkpoint of epoch ${state.epoch} in ${options.checkpointDir} is kept`
            : "";
          throw new NonFiniteLossError(
            `Loss became ${loss} at epoch ${epoch}, batch ${
              b + 1
            }/${batches} (learning rate ${state.learningRate})${kept}. ` +
              (badInput
                ? "The batch's images hold NaN or infinite values: check the data"
                : "Lower the learning rate, or check the inputs"),
          );
        }
        lossSum += loss * idx.length;
        correctSum += correct;
        seen += idx.length;
        reporter?.batch({
          epoch,
          epochs,
          batch: b + 1,
          batches,
          loss: lossSum / seen,
          acc: correctSum / seen,
          seconds: (performance.now() - t0) / 1000,
        });
      }
      if (options.signal?.aborted) {
        stopReason = "interrupted";
        break;
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
        acc: correctSum / seen,
        lr: state.learningRate,
        seconds: 0,
      };
      if (options.validation) {
        const v = await evaluateClassifier(model, options.validation);
        log.valLoss = v.loss;
        log.valAcc = v.acc;
      }
      log.seconds = (performance.now() - t0) / 1000;
      const monitored = log.valLoss ?? log.loss;

      const minDelta = options.earlyStopping?.minDelta ?? 0;
      const improved = state.bestLoss == null || monitored < state.bestLoss - minDelta;
      const history = [...state.history, log];
      const next: TrainState = {
        ...state,
        epoch,
        history,
        dropoutSteps: Object.fromEntries(dropouts.map((d) => [d.name, d.step])),
      };
      if (improved) {
        next.bestLoss = monitored;
        next.bestEpoch = epoch;
        next.wait = 0;
        next.plateauWait = 0;
        if (options.earlyStopping?.restoreBest !== false && options.earlyStopping) best = await copyWeights(model);
      } else {
        next.wait = state.wait + 1;
        next.plateauWait = state.plateauWait + 1;
      }
      let note = "";
      const plateau = options.reduceLrOnPlateau;
      if (plateau && !improved && next.plateauWait >= (plateau.patience ?? 3)) {
        const lowered = Math.max(state.learningRate * (plateau.factor ?? 0.5), plateau.minLr ?? 1e-6);
        if (lowered < state.learningRate) {
          note = `; ${monitorName} has not improved for ${next.plateauWait} epochs: learning rate ${
            state.learningRate.toExponential(2)
          } -> ${lowered.toExponential(2)}`;
          next.learningRate = lowered;
          setLearningRate(optimizer, lowered);
        }
        next.plateauWait = 0;
      }
      state = next;
      if (options.checkpointDir) {
        const optimizerWeights = await optimizer.getWeights();
        try {
          await writeCheckpoint(options.checkpointDir, model, state, { optimizer: optimizerWeights, best });
        } finally {
          // The first entry, the iteration count, is a new tensor; the rest are the optimizer's own variables.
          optimizerWeights[0]?.tensor.dispose();
        }
      }
      reporter?.epoch(log, note);
      await options.onEpochEnd?.(log);
      if (options.earlyStopping && state.wait >= options.earlyStopping.patience) {
        stopReason = "early_stopping";
        reporter?.message(
          `early stopping: ${monitorName} has not improved for ${state.wait} epochs; best was epoch ${state.bestEpoch}`,
        );
        break;
      }
    }
    const restore = options.earlyStopping && options.earlyStopping.restoreBest !== false;
    if (restore && stopReason !== "interrupted" && best && state.bestEpoch > 0) {
      if (state.bestEpoch !== state.epoch) {
        setStoredWeights(model, best, "the best epoch's weights");
        reporter?.message(
          `restored the weights of epoch ${state.bestEpoch} (${monitorName} ${state.bestLoss?.toFixed(4)})`,
        );
      }
    }
  } finally {
    reporter?.done();
    optimizer.dispose();
    classWeights?.dispose();
  }
  return { history: state.history, stopReason, bestEpoch: state.bestEpoch, resumedFrom };
}
