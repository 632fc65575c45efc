/**
 * Decision support: class probabilities for single images from a trained
 * run (a CNN run, or a CNN-SVM hybrid from `deno task svm`), each with a
 * Grad-CAM overlay showing what the decision rests on.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { decodeImage } from "../data/preprocess.ts";
import { gradCam } from "../explain/mod.ts";
import { heatmapOverlayPng } from "../explain/heatmap_overlay_png.ts";
import { HybridClassifier } from "../hybrid/hybrid_classifier.ts";
import { hybridGradCam } from "../hybrid/hybrid_grad_cam.ts";
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

/** One image's probabilities, class and heatmap, from a CNN or a hybrid. */
interface Explained {
  probabilities: readonly number[];
  classIndex: number;
  /** The heatmap of `classIndex`; none for a hybrid without CNN features. */
  heatmap?: Float32Array;
}

/** Decodes each image, explains it, writes its overlay; a bad image is reported, not fatal. */
async function predictEach(
  paths: readonly string[],
  out: string,
  size: number,
  classes: readonly string[],
  explain: (gray: Float32Array) => Promise<Explained>,
  method: string,
): Promise<PredictImagesResult> {
  const predictions: ImagePrediction[] = [];
  const failed: PredictImagesResult["failed"] = [];
  for (const path of paths) {
    let gray: Float32Array;
    try {
      gray = await decodeImage(path, { size });
    } catch (e) {
      failed.push({ path, reason: (e as Error).message });
      continue;
    }
    const r = await explain(gray);
    const probabilities = Object.fromEntries(classes.map((c, k) => [c, r.probabilities[k]]));
    const predicted = classes[r.classIndex];
    const overlay = `${out}/${safeName(path)}.gradcam.png`;
    const p = `p = ${r.probabilities[r.classIndex].toFixed(3)}`;
    const tiles = [
      { png: await grayPng(gray, size), caption: ["input", ""] },
      r.heatmap
        ? {
          png: await heatmapOverlayPng({ width: size, height: size, data: gray }, r.heatmap),
          caption: [`${method}: ${predicted}`, p],
        }
        : { png: await grayPng(gray, size), caption: [`${predicted}: ${p}`, "no CNN, no Grad-CAM"] },
    ];
    await writeFileAtomic(overlay, await captionedGridPng(tiles, { columns: 2, tileSize: 224 }));
    predictions.push({ path, probabilities, predicted, overlay });
  }
  return { classes: [...classes], predictions, failed };
}

/** {@link predictImages} for a CNN-SVM hybrid run folder. */
async function predictWithHybrid(dir: string, paths: readonly string[], out: string): Promise<PredictImagesResult> {
  const hybrid = await HybridClassifier.load(dir);
  try {
    const explain = async (gray: Float32Array): Promise<Explained> => {
      if (!hybrid.features.cnn) {
        const [probabilities] = await hybrid.predictProba([gray]);
        return { probabilities, classIndex: probabilities.indexOf(Math.max(...probabilities)) };
      }
      const cam = await hybridGradCam(hybrid, gray);
      return { probabilities: Array.from(cam.probabilities), classIndex: cam.classIndex, heatmap: cam.heatmap };
    };
    return await predictEach(paths, out, hybrid.size, hybrid.classes, explain, "Grad-CAM (SVM)");
  } finally {
    hybrid.dispose();
  }
}

/**
 * Predicts each image with a run's model and writes a Grad-CAM overlay for
 * it (`<out>/<image name>.gradcam.png`: the image and the heatmap of the
 * predicted class side by side). A bad image is reported, not fatal.
 *
 * A CNN-SVM hybrid's folder (with `hybrid.json`, from `deno task svm`) is
 * predicted by the hybrid ({@link HybridClassifier}: its probabilities), and
 * explained through its backbone with the gradient of the SVM's class score
 * (`hybridGradCam`); a hybrid on handcrafted features alone has no backbone,
 * so its overlay shows the image without a heatmap.
 *
 * @param dir The run folder: a training run (`model/`) or a hybrid (`hybrid.json`, `backbone/`).
 * @param paths Image files (PNG, JPEG, TIFF, BMP, DICOM).
 * @param out Folder for the overlays.
 * @returns The classes, one prediction per readable image, and the images that failed.
 * @example
 * ```ts
 * const r = await predictImages("outputs/runs/cnn-quick-svm", ["scan.png"], "outputs/predictions");
 * r.predictions[0].predicted; // e.g. "stenosis"
 * ```
 */
export async function predictImages(dir: string, paths: readonly string[], out: string): Promise<PredictImagesResult> {
  if (await HybridClassifier.existsIn(dir)) return await predictWithHybrid(dir, paths, out);
  const record = await readRunRecord(dir);
  const size = record.settings.size;
  const model = await loadModel(`${dir}/model`);
  const layerName = await targetLayer(dir, record.model);
  try {
    const explain = async (gray: Float32Array): Promise<Explained> => {
      const image = tf.tidy(() => tf.tile(tf.tensor3d(gray, [size, size, 1]), [1, 1, 3]) as tf.Tensor3D);
      const cam = await gradCam(model, image, { layerName }).finally(() => image.dispose());
      return { probabilities: Array.from(cam.probabilities), classIndex: cam.classIndex, heatmap: cam.heatmap };
    };
    return await predictEach(paths, out, size, record.classes, explain, "Grad-CAM");
  } finally {
    model.dispose();
  }
}
