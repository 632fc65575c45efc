/**
 * Saving and loading tfjs models as `model.json` + `weights.bin` in a folder,
 * written atomically (temporary file, then rename).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "../cli.ts";

/**
 * Saves a model's topology and weights to `dir`.
 *
 * @param model The model.
 * @param dir Folder; created when missing.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = artifacts.weightData == null ? new Uint8Array() : new Uint8Array(tf.io.concatenateArrayBuffers(
      Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
    ));
    await writeFileAtomic(`${dir}/weights.bin`, weights);
    const json = {
      format: "layers-model",
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
    };
    await writeFileAtomic(`${dir}/model.json`, JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
}

/**
 * Loads a model saved by {@link saveModel}.
 *
 * @param dir Folder holding `model.json` and `weights.bin`.
 * @throws {Error} Naming the file when it is missing or unreadable.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  let json: { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  let weights: Uint8Array;
  try {
    json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
    weights = await Deno.readFile(`${dir}/weights.bin`);
  } catch (e) {
    throw new Error(`Cannot load model from ${dir}: ${(e as Error).message}`);
  }
  return await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((m) => m.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
  }));
}
