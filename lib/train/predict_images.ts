/**
 * Decision support: class probabilities for single images from a trained
 * run, each with a Grad-CAM overlay showing what the decision rests on.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { decodeImage } from "../data/preprocess.ts";
import { gradCam } from "../explain/mod.ts";
import { heatmapOverlayPng } from "../explain/heatmap_overlay_png.ts";
import { createModel } from "../models/mod.ts";
import { captionedGridPng, grayPng } from "../report/captioned_grid.ts";
import { writeFileAtomic } from "../cli.ts";
import { readRunRecord } from "./evaluate_run.ts";
import { loadModel } from "./save.ts";

/** One image's prediction. */
export interface ImagePrediction {
  path: string;
  /** Probability per class, in the run's class order. */
  probabilities: Record<string, number>;
  predicted: string;
  /** The Grad-CAM overlay written for it. */
  overlay: string;
}

/** What {@link predictImages} returns. */
export interface PredictImagesResult {
  classes: string[];
  predictions: ImagePrediction[];
  /** Images that could not be read, with the reason. */
  failed: { path: string; reason: string }[];
}

/** The Grad-CAM target layer of a run's model: recorded at training, else the registry's. */
async function targetLayer(dir: string, model: string): Promise<string> {
  const metrics = await Deno.readTextFile(`${dir}/metrics.json`).then(JSON.parse).catch(() => ({}));
  if (typeof metrics.gradCamLayer === "string") return metrics.gradCamLayer;
  const probe = createModel(model, { inputShape: [64, 64, 3], numClasses: 2 });
  probe.model.dispose();
  return probe.gradCamLayer;
}

function safeName(path: string): string {
  return (path.split("/").pop() ?? path).replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * Predicts each image with a run's model and writes a Grad-CAM overlay for
 * it (`<out>/<image name>.gradcam.png`: the image and the heatmap of the
 * predicted class side by side). A bad image is reported, not fatal.
 *
 * @param dir The run folder.
 * @param paths Image files (PNG, JPEG, TIFF, BMP, DICOM).
 * @param out Folder for the overlays.
 */
export async function predictImages(dir: string, paths: readonly string[], out: string): Promise<PredictImagesResult> {
  const record = await readRunRecord(dir);
  const size = record.settings.size;
  const model = await loadModel(`${dir}/model`);
  const layerName = await targetLayer(dir, record.model);
  const predictions: ImagePrediction[] = [];
  const failed: PredictImagesResult["failed"] = [];
  try {
    for (const path of paths) {
      let gray: Float32Array;
      try {
        gray = await decodeImage(path, { size });
      } catch (e) {
        failed.push({ path, reason: (e as Error).message });
        continue;
      }
      const image = tf.tidy(() => tf.tile(tf.tensor3d(gray, [size, size, 1]), [1, 1, 3]) as tf.Tensor3D);
      const cam = await gradCam(model, image, { layerName }).finally(() => image.dispose());
      const probabilities = Object.fromEntries(record.classes.map((c, k) => [c, cam.probabilities[k]]));
      const predicted = record.classes[cam.classIndex];
      const overlay = `${out}/${safeName(path)}.gradcam.png`;
      const tiles = [
        { png: await grayPng(gray, size), caption: ["input", ""] },
        {
          png: await heatmapOverlayPng({ width: size, height: size, data: gray }, cam.heatmap),
          caption: [`Grad-CAM: ${predicted}`, `p = ${cam.probabilities[cam.classIndex].toFixed(3)}`],
        },
      ];
      await writeFileAtomic(overlay, await captionedGridPng(tiles, { columns: 2, tileSize: 224 }));
      predictions.push({ path, probabilities, predicted, overlay });
    }
  } finally {
    model.dispose();
  }
  return { classes: record.classes, predictions, failed };
}
