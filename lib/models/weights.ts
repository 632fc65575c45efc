/**
 * Pretrained weights in TensorFlow.js layers format, matched to a model by
 * layer name.
 *
 * ImageNet weights come from Keras Applications through tensorflowjs_converter
 * (see the README, "Pretrained weights"): `model.json` plus binary shards. Our
 * machines cannot download them, so the tests use weights they save
 * themselves.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Options of {@link loadWeights}. */
export interface LoadWeightsOptions {
  /**
   * Layers left as they are, usually the classifier head, whose class count
   * differs from ImageNet's. Default `["predictions"]`.
   */
  exclude?: string[];
  /**
   * When the model takes 1 channel and the file's first conv takes 3: "sum"
   * adds the colour filters (the response to a gray image copied into RGB,
   * exactly), "average" takes their mean (keeps the weights' scale). Without
   * this option such a mismatch is an error. The alternative is a 3-channel
   * model fed gray images repeated in each channel, as `imagesToTensor` does.
   */
  firstConv?: "sum" | "average";
  /** Model layers that get no weights from the file are an error. Default true. */
  strict?: boolean;
}

/** Raised when weights do not fit a model; the message lists the layers. */
export class WeightsMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WeightsMismatchError";
  }
}

interface WeightsManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

async function readBytes(base: string, path: string): Promise<ArrayBuffer> {
  const url = /^https?:\/\//.test(base) ? new URL(path, base).href : undefined;
  if (url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`Cannot fetch ${url}: HTTP ${res.status}`);
    return await res.arrayBuffer();
  }
  const file = base.endsWith("/") ? base + path : `${base}/${path}`;
  const bytes = await Deno.readFile(file);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Reads weights saved in tfjs layers format (`model.json` with a
 * `weightsManifest`, or a bare manifest list), from a path or an http(s) URL.
 *
 * @returns Tensors by weight name (`layer/weight`); the caller disposes them.
 */
export async function readWeights(pathOrUrl: string): Promise<tf.NamedTensorMap> {
  const remote = /^https?:\/\//.test(pathOrUrl);
  let json: unknown;
  try {
    json = remote ? await (await fetch(pathOrUrl)).json() : JSON.parse(await Deno.readTextFile(pathOrUrl));
  } catch (e) {
    throw new Error(`Cannot read weights manifest ${pathOrUrl}: ${(e as Error).message}`);
  }
  const manifest =
    (Array.isArray(json) ? json : (json as { weightsManifest?: WeightsManifestGroup[] }).weightsManifest) as
      | WeightsManifestGroup[]
      | undefined;
  if (!Array.isArray(manifest)) throw new Error(`${pathOrUrl} has no weightsManifest`);
  const base = remote
    ? pathOrUrl.slice(0, pathOrUrl.lastIndexOf("/") + 1)
    : pathOrUrl.slice(0, pathOrUrl.lastIndexOf("/") + 1) || "./";
  const out: tf.NamedTensorMap = {};
  for (const group of manifest) {
    const buffers = await Promise.all(group.paths.map((p) => readBytes(base, p)));
    Object.assign(out, tf.io.decodeWeights(tf.io.concatenateArrayBuffers(buffers), group.weights));
  }
  return out;
}

/**
 * Loads pretrained weights into a model, matched by layer and weight name
 * (`block1_conv1/kernel`), not by order.
 *
 * @param model The model; its weights are overwritten.
 * @param pathOrUrl `model.json` (or a manifest) in tfjs layers format.
 * @returns The names of the layers that received weights.
 * @throws {WeightsMismatchError} Listing every layer whose weights are missing or of the wrong shape.
 */
export async function loadWeights(
  model: tf.LayersModel,
  pathOrUrl: string,
  options: LoadWeightsOptions = {},
): Promise<string[]> {
  const { exclude = ["predictions"], firstConv, strict = true } = options;
  const file = await readWeights(pathOrUrl);
  try {
    // Names in the file may carry the uniquifying suffix tfjs adds ("kernel_1").
    const byName = new Map<string, tf.Tensor>();
    for (const [name, t] of Object.entries(file)) byName.set(name.replace(/_\d+$/, ""), t);
    const problems: string[] = [];
    const assignments: { variable: tf.LayerVariable; value: tf.Tensor }[] = [];
    const created: tf.Tensor[] = [];
    const loaded: string[] = [];
    let firstConvSeen = false;
    for (const layer of model.layers) {
      if (layer.weights.length === 0 || exclude.includes(layer.name)) continue;
      const isFirstConv = !firstConvSeen && layer.getClassName().startsWith("Conv2D");
      if (layer.getClassName().startsWith("Conv2D")) firstConvSeen = true;
      let ok = true;
      for (const w of layer.weights) {
        const name = w.originalName.replace(/_\d+$/, "");
        let value = byName.get(name);
        if (value == null) {
          if (strict) problems.push(`${layer.name}: ${name} not in the file`);
          ok = false;
          continue;
        }
        const want = w.shape as number[];
        if (
          isFirstConv && firstConv && value.rank === 4 && want.length === 4 && value.shape[2] === 3 && want[2] === 1
        ) {
          const reduced = firstConv === "sum" ? tf.sum(value, 2, true) : tf.mean(value, 2, true);
          created.push(reduced);
          value = reduced;
        }
        if (!tf.util.arraysEqual(value.shape, want)) {
          problems.push(`${layer.name}: ${name} has shape [${value.shape}] in the file, [${want}] in the model`);
          ok = false;
          continue;
        }
        assignments.push({ variable: w, value });
      }
      if (ok) loaded.push(layer.name);
    }
    if (problems.length > 0) {
      tf.dispose(created);
      throw new WeightsMismatchError(
        `Weights in ${pathOrUrl} do not fit model "${model.name}" (${problems.length} problems):\n  ` +
          problems.join("\n  ") +
          (problems.some((p) => p.includes("[") && p.includes(",3,") && p.includes(",1,"))
            ? '\nFor 1-channel input with 3-channel weights, pass firstConv: "sum" or "average"'
            : ""),
      );
    }
    for (const { variable, value } of assignments) variable.write(value);
    tf.dispose(created);
    return loaded;
  } finally {
    tf.dispose(Object.values(file));
  }
}
