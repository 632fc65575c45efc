/**
 * Training checkpoints: the model's weights, Adam's state, the best epoch's
 * weights and the loop's own state, written so that a run killed at any
 * moment resumes from its last complete epoch.
 *
 * Layout of a checkpoint folder:
 * - `checkpoint.json`: the manifest and the loop state; it is written last,
 *   atomically, and names the tensor file it belongs to, so it is the commit
 *   point: a crash before it leaves the previous checkpoint intact;
 * - `tensors-<epoch>.bin`: every tensor, float32 little-endian, one after the
 *   other. Older tensor files are removed after the manifest moves on.
 *
 * Weights are stored in the model's weight order, not by variable name:
 * tfjs gives variables process-unique names (`conv1/kernel_3`), so names
 * differ between the process that saved and the one that resumes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "../cli.ts";

/** One epoch's record in a history. */
export interface EpochLog {
  epoch: number;
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
  /** Learning rate used during the epoch. */
  lr?: number;
  seconds: number;
}

/** The loop's state after an epoch: plain JSON. */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  learningRate: number;
  /** Monitored loss of the best epoch so far (validation loss when there is validation). */
  bestLoss: number | null;
  bestEpoch: number;
  /** Epochs since the best, for early stopping. */
  wait: number;
  /** Epochs since the last improvement or reduction, for reduce-on-plateau. */
  plateauWait: number;
  history: EpochLog[];
  /** Steps taken by each seeded dropout layer (their masks follow the step). */
  dropoutSteps: Record<string, number>;
}

/** Tensors of a checkpoint, as flat arrays with shapes. */
export interface StoredTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** What {@link readCheckpoint} returns. */
export interface Checkpoint {
  state: TrainState;
  weights: StoredTensor[];
  optimizer: StoredTensor[];
  /** Weights of the best epoch, when kept. */
  best?: StoredTensor[];
}

interface ManifestEntry {
  group: "weights" | "optimizer" | "best";
  name: string;
  shape: number[];
  /** Offset in floats. */
  offset: number;
}

interface Manifest {
  format: "lumbar-lab-checkpoint";
  version: 1;
  tensorFile: string;
  entries: ManifestEntry[];
  state: TrainState;
}

/** A checkpoint that cannot be read, or does not fit the model. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions {
  /** The optimizer's state (`optimizer.getWeights()`), iterations first. */
  optimizer: { name: string; tensor: tf.Tensor }[];
  /** Weights of the best epoch, in model weight order. */
  best?: StoredTensor[];
}

/**
 * Writes a checkpoint of `model` and the loop state into `dir`.
 *
 * @param dir Checkpoint folder; created when missing.
 * @param model The model; its weights are read, not changed.
 * @param state The loop state after the epoch.
 * @param options Optimizer state and best weights.
 */
export async function writeCheckpoint(
  dir: string,
  model: tf.LayersModel,
  state: TrainState,
  options: WriteCheckpointOptions,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const groups: { group: ManifestEntry["group"]; tensors: StoredTensor[] }[] = [
    {
      group: "weights",
      tensors: await copyWeights(model),
    },
    {
      group: "optimizer",
      tensors: await Promise.all(
        options.optimizer.map(async ({ name, tensor }) => ({
          name,
          shape: tensor.shape,
          values: Float32Array.from(await tensor.data()),
        })),
      ),
    },
    { group: "best", tensors: options.best ?? [] },
  ];
  const entries: ManifestEntry[] = [];
  let floats = 0;
  for (const { group, tensors } of groups) {
    for (const t of tensors) {
      entries.push({ group, name: t.name, shape: t.shape, offset: floats });
      floats += t.values.length;
    }
  }
  const data = new Float32Array(floats);
  let k = 0;
  for (const { tensors } of groups) {
    for (const t of tensors) {
      data.set(t.values, entries[k++].offset);
    }
  }
  const tensorFile = `tensors-${state.epoch}.bin`;
  await writeFileAtomic(`${dir}/${tensorFile}`, new Uint8Array(data.buffer));
  const manifest: Manifest = { format: "lumbar-lab-checkpoint", version: 1, tensorFile, entries, state };
  await writeFileAtomic(`${dir}/checkpoint.json`, JSON.stringify(manifest));
  for await (const entry of Deno.readDir(dir)) {
    if (/^tensors-\d+\.bin$/.test(entry.name) && entry.name !== tensorFile) {
      await Deno.remove(`${dir}/${entry.name}`).catch(() => {});
    }
  }
}

/**
 * Reads the checkpoint in `dir`, or returns undefined when there is none.
 *
 * @throws {CheckpointError} When the manifest or its tensor file is unreadable or truncated.
 */
export async function readCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/checkpoint.json`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new CheckpointError(`Cannot read ${dir}/checkpoint.json: ${(e as Error).message}`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${dir}/checkpoint.json is not valid JSON: ${(e as Error).message}`);
  }
  if (manifest.format !== "lumbar-lab-checkpoint") {
    throw new CheckpointError(`${dir}/checkpoint.json is not a Lumbar Lab checkpoint`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(`${dir}/${manifest.tensorFile}`);
  } catch (e) {
    throw new CheckpointError(`Cannot read ${dir}/${manifest.tensorFile}: ${(e as Error).message}`);
  }
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
  const out: Checkpoint = { state: manifest.state, weights: [], optimizer: [] };
  for (const e of manifest.entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (e.offset + size > floats.length) {
      throw new CheckpointError(`${dir}/${manifest.tensorFile} is truncated: ${e.group} tensor ${e.name} is missing`);
    }
    const t = { name: e.name, shape: e.shape, values: floats.slice(e.offset, e.offset + size) };
    if (e.group === "best") (out.best ??= []).push(t);
    else out[e.group].push(t);
  }
  return out;
}

/**
 * Sets a model's weights from stored tensors, in weight order.
 *
 * @throws {CheckpointError} When the count or a shape differs (another architecture or size).
 */
export function setStoredWeights(model: tf.LayersModel, stored: readonly StoredTensor[], source: string): void {
  const current = model.weights;
  if (current.length !== stored.length) {
    throw new CheckpointError(
      `${source} holds ${stored.length} weights but the model has ${current.length}: not the same architecture`,
    );
  }
  const bad = current.flatMap((w, i) =>
    w.shape.join("x") === stored[i].shape.join("x")
      ? []
      : [`${w.originalName} (model ${w.shape.join("x")}, stored ${stored[i].shape.join("x")})`]
  );
  if (bad.length > 0) throw new CheckpointError(`${source} does not fit the model: ${bad.join(", ")}`);
  const tensors = stored.map((t) => tf.tensor(t.values, t.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/**
 * Copies a model's weights out of the backend, e.g. to keep the best epoch.
 *
 * @returns Plain arrays; nothing to dispose.
 */
export async function copyWeights(model: tf.LayersModel): Promise<StoredTensor[]> {
  const tensors = model.getWeights();
  return await Promise.all(
    tensors.map(async (t, i) => ({
      name: model.weights[i].originalName,
      shape: t.shape,
      values: Float32Array.from(await t.data()),
    })),
  );
}
