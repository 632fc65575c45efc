/**
 * Explaining a trained run: Grad-CAM (and Grad-CAM++) maps of its test
 * images as galleries, and how faithful the maps are, measured: pointing
 * game and energy in the lesion mask against random maps, Adebayo et al.'s
 * cascading randomisation, deletion and insertion.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "../cli.ts";
import { loadStudyData } from "../data/study_data.ts";
import { createModel } from "../models/mod.ts"; // also registers the custom layers a saved model needs
import { lineChart, type LineSeries, svgToPng } from "../report/charts/mod.ts";
import type { CaptionedTile } from "../report/captioned_grid.ts";
import { createRng } from "../random.ts";
import { readRunRecord } from "../train/evaluate_run.ts";
import { loadModel } from "../train/save.ts";
import { annotatedOverlayPng } from "./annotated_overlay_png.ts";
import { cascadeLayers } from "./cascade_layers.ts";
import { classGalleryPng } from "./class_gallery_png.ts";
import { deletionInsertion, type DeletionInsertionResult } from "./deletion_insertion.ts";
import { energyInMask } from "./energy_in_mask.ts";
import type {
  DeletionInsertionSummary,
  ExplainedImage,
  FaithfulnessReport,
  ImageLocalisation,
  MethodFaithfulness,
  RandomLocalisation,
} from "./faithfulness_types.ts";
import { gradCam } from "./grad_cam.ts";
import { gradCamPlusPlus } from "./grad_cam_plus_plus.ts";
import { heatmapArgmax, pointingGame } from "./pointing_game.ts";
import { randomMapBaseline } from "./random_map_baseline.ts";
import { resizeBilinear } from "./resize_bilinear.ts";
import { resolveImageIds } from "./resolve_image_ids.ts";
import { roundRobinByClass } from "./round_robin_by_class.ts";
import { sanityCheckCascade, type SanityCheckCascadeResult } from "./sanity_check_cascade.ts";
import { summarizeCascade } from "./summarize_cascade.ts";
import { summarizeDeletionInsertion } from "./summarize_deletion_insertion.ts";
import { type LocalisationRecord, summarizeLocalisation } from "./summarize_localisation.ts";
import { CAM_METHODS, type CamMethod, type GradCamResult } from "./types.ts";

/** Options of {@link explainRun}. */
export interface ExplainRunOptions {
  /** Methods to run. Default `["gradcam"]`. */
  methods?: readonly CamMethod[];
  /** Images to explain, by id (`phantom:12`) or file path; default the run's test split. */
  images?: readonly string[];
  /** At most this many images (a test split is taken class by class in turn). Default 64. */
  maxImages?: number;
  /** Also write one overlay PNG per image and method to `<out>/overlays/<method>/`. Default false. */
  saveOverlays?: boolean;
  /** Output folder. Default `<run>/gradcam`. */
  out?: string;
  /** The layer to explain. Default: the run's recorded `gradCamLayer`, else the registry's. */
  layerName?: string;
  /** Pointing-game tolerance in pixels. Default `3 * size / 64` (3 px at 64 px, 10.5 px at 224 px). */
  tolerancePx?: number;
  /** Images of the cascading randomisation test. Default 4. */
  sanityImages?: number;
  /** The most layers the cascade randomises (evenly spaced, top and bottom kept). Default 16. */
  sanityMaxLayers?: number;
  /** The cascade passes when the final mean rank correlation is below this. Default 0.5. */
  sanityThreshold?: number;
  /** Images of the deletion and insertion curves. Default 8. */
  deletionImages?: number;
  /** Steps of the deletion and insertion curves. Default 16. */
  deletionSteps?: number;
  /** What deleted pixels become: `zero` (default) or `blur`. */
  deletionBaseline?: "zero" | "blur";
  /** Seed of the random maps and weights. Default: the run's seed. */
  seed?: number;
  /** Merge the report into the run's `metrics.json` under `faithfulness`. Default true. */
  updateMetrics?: boolean;
  /** Decoded-image cache for on-disk data. Default `outputs/cache`. */
  cacheDir?: string;
  /** Progress lines. Default: stderr. */
  log?: (line: string) => void;
}

/** What {@link explainRun} returns. */
export interface ExplainRunResult {
  /** The output folder. */
  out: string;
  /** The summary, as merged into `metrics.json`. */
  report: FaithfulnessReport;
  /** Every explained image, as listed in `faithfulness.json`. */
  perImage: ExplainedImage[];
  /** Every file written, the run's `metrics.json` included when updated. */
  files: string[];
}

const METHOD_NAMES: Record<CamMethod, string> = { "gradcam": "Grad-CAM", "gradcam++": "Grad-CAM++" };
const METHOD_FILES: Record<CamMethod, string> = { "gradcam": "gradcam", "gradcam++": "gradcam_pp" };
const CAMS = { "gradcam": gradCam, "gradcam++": gradCamPlusPlus };

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "") || "class";
}

function positiveInt(name: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`${name} must be a positive integer. Received: ${v}`);
  return v;
}

/** The Grad-CAM target layer of a run's model: recorded at training, else the registry's. */
function recordedLayer(metrics: Record<string, unknown>, model: string): string {
  if (typeof metrics.gradCamLayer === "string") return metrics.gradCamLayer;
  const probe = createModel(model, { inputShape: [64, 64, 3], numClasses: 2 });
  probe.model.dispose();
  return probe.gradCamLayer;
}

/**
 * Explains a trained run on its test split (or chosen images) and measures
 * how faithful the explanations are. Writes to `<run>/gradcam/`:
 *
 * - `gallery_<method>_<class>.png`: per true class and method, the
 *   predicted class's heatmap over each image, correct predictions on the
 *   left and wrong ones on the right, captioned with the true and predicted
 *   class and the probability; the lesion mask's outline in white and the
 *   heatmap's peak as a magenta cross;
 * - `deletion_insertion.png` / `.svg`: the mean curves per method and for
 *   random maps as coarse as the CAMs;
 * - `faithfulness.json`: the report and every image's scores;
 * - with `saveOverlays`, `overlays/<method>/<image>.png`;
 *
 * and merges the report into the run's `metrics.json` under `faithfulness`
 * (read, modified, written atomically; every other key kept).
 *
 * What is measured, per method: on images with a non-empty lesion mask,
 * the pointing game (exact and within `tolerancePx`) and the energy share
 * in the mask, with the true class's map, each beside a random map's
 * analytic expectation on the same masks; Adebayo's cascade on
 * `sanityImages` images; deletion and insertion AUCs on `deletionImages`
 * images (with the predicted class's map, beside a random map made at the
 * feature map's size and upsampled as the CAMs are, so that it deletes
 * blobs of the same size rather than salt-and-pepper noise).
 * The subsets are taken class by class in turn.
 *
 * @param dir The run folder (`config.json`, `split.json`, `model/`).
 * @param options Methods, images, limits, outputs; see {@link ExplainRunOptions}.
 * @returns The report, every image's record and the files written. No tensor is left behind.
 * @throws {RangeError} For an unknown method, an image that matches nothing, or bad limits.
 * @throws {Error} When the folder is not a trained run.
 * @example
 * ```ts
 * const { report } = await explainRun("outputs/runs/cnn-quick", { methods: ["gradcam", "gradcam++"] });
 * console.log(formatFaithfulness(report));
 * ```
 */
export async function explainRun(dir: string, options: ExplainRunOptions = {}): Promise<ExplainRunResult> {
  const t0 = performance.now();
  const log = options.log ?? ((line: string) => console.error(line));
  const methods: CamMethod[] = [...new Set<CamMethod>(options.methods ?? ["gradcam"])];
  const badMethod = methods.find((m) => !CAM_METHODS.includes(m));
  if (badMethod != null || methods.length === 0) {
    throw new RangeError(`Unknown method "${badMethod}". Valid methods are: ${CAM_METHODS.join(", ")}`);
  }
  const maxImages = positiveInt("maxImages", options.maxImages ?? 64);
  const sanityImages = positiveInt("sanityImages", options.sanityImages ?? 4);
  const deletionImages = positiveInt("deletionImages", options.deletionImages ?? 8);
  const deletionSteps = positiveInt("deletionSteps", options.deletionSteps ?? 16);
  const sanityThreshold = options.sanityThreshold ?? 0.5;
  const deletionBaseline = options.deletionBaseline ?? "zero";

  const record = await readRunRecord(dir);
  const size = record.settings.size;
  const seed = options.seed ?? record.seed;
  const tolerancePx = options.tolerancePx ?? (3 * size) / 64;
  if (!(tolerancePx >= 0)) throw new RangeError(`tolerancePx must be >= 0. Received: ${tolerancePx}`);
  const out = options.out ?? `${dir}/gradcam`;
  const warnings: string[] = [];
  const warn = (w: string) => {
    warnings.push(w);
    log(`[gradcam] warning: ${w}`);
  };
  const metricsBefore = await Deno.readTextFile(`${dir}/metrics.json`).then(JSON.parse).catch(() => ({}));
  const layerName = options.layerName ?? recordedLayer(metricsBefore, record.model);

  const data = await loadStudyData(record.data, size, { cacheDir: options.cacheDir ?? "outputs/cache" });
  if (data.hash !== record.dataHash) warn(`the data changed since ${dir} was trained (hash differs)`);
  const split = JSON.parse(await Deno.readTextFile(`${dir}/split.json`)) as Record<string, string[]>;
  const splitOf = new Map<string, ExplainedImage["split"]>();
  for (const s of ["train", "val", "test"] as const) for (const id of split[s] ?? []) splitOf.set(id, s);
  const ids = data.items.map((it) => it.id);

  let selected: number[];
  if (options.images != null && options.images.length > 0) {
    selected = resolveImageIds(ids, options.images);
  } else {
    const test = resolveImageIds(ids, split.test ?? []);
    selected = roundRobinByClass(test.map((i) => data.items[i].label)).map((k) => test[k]);
  }
  if (selected.length === 0) throw new RangeError(`${dir}: no image to explain (the test split is empty)`);
  if (selected.length > maxImages) {
    warn(`${selected.length} images; explaining the first ${maxImages} (raise the limit with maxImages / --max)`);
    selected = selected.slice(0, maxImages);
  }
  const notInTest = selected.filter((i) => splitOf.get(ids[i]) !== "test").length;
  if (notInTest > 0) {
    warn(`${notInTest} of the images are not in the run's test split: the model may have trained on them`);
  }

  const model = await loadModel(`${dir}/model`);
  const files: string[] = [];
  try {
    const channels = (model.inputs[0].shape[3] ?? 3) as number;
    const tensorOf = (gray: Float32Array): tf.Tensor3D =>
      tf.tidy(() => {
        const x = tf.tensor3d(gray, [size, size, 1]);
        return (channels === 1 ? x : tf.tile(x, [1, 1, channels])) as tf.Tensor3D;
      });
    const tLoad = performance.now();
    log(
      `[gradcam] ${record.model} at ${size}x${size}, layer ${layerName}: ${selected.length} images, ${
        methods.join(" and ")
      }`,
    );

    // 1. Maps: the predicted class's for every image; the true class's where it differs, for localisation.
    const grays: Float32Array[] = [], masks: (Uint8Array | undefined)[] = [];
    const predicted: GradCamResult[] = [];
    const maps = new Map<CamMethod, Float32Array[]>(methods.map((m) => [m, []]));
    const mapMs = new Map<CamMethod, number>(methods.map((m) => [m, 0]));
    const localisation = new Map<CamMethod, LocalisationRecord[]>(methods.map((m) => [m, []]));
    const perImage: ExplainedImage[] = [];
    let featureMap = { width: 0, height: 0 };
    for (const index of selected) {
      const item = data.items[index];
      const gray = await data.gray(index);
      const mask = await data.mask(index);
      grays.push(gray);
      masks.push(mask);
      const abnormal = mask != null && mask.some((v) => v > 0);
      let random: RandomLocalisation | undefined;
      if (abnormal) {
        const b = randomMapBaseline(mask, { trials: 1, tolerance: tolerancePx, width: size, seed });
        random = { pointing: b.energy.analytic, pointingTolerant: b.pointing.analytic, energy: b.energy.analytic };
      }
      const x = tensorOf(gray);
      const entry: ExplainedImage = {
        id: item.id,
        split: splitOf.get(item.id) ?? "none",
        trueClass: data.classes[item.label],
        predictedClass: "",
        probability: 0,
        correct: false,
        abnormal,
      };
      try {
        for (const method of methods) {
          const t = performance.now();
          const cam = await CAMS[method](model, x, { layerName });
          mapMs.set(method, mapMs.get(method)! + performance.now() - t);
          featureMap = { width: cam.camWidth, height: cam.camHeight };
          maps.get(method)!.push(cam.heatmap);
          if (method === methods[0]) predicted.push(cam);
          if (abnormal && mask != null && random != null) {
            const truth = cam.classIndex === item.label
              ? cam
              : await CAMS[method](model, x, { layerName, classIndex: item.label });
            const h = truth.heatmap;
            const empty = !h.some((v) => v > 0);
            const best = heatmapArgmax(h);
            const r: ImageLocalisation = {
              peak: empty ? null : [best % size, Math.floor(best / size)],
              hit: pointingGame(h, mask, size),
              hitTolerant: pointingGame(h, mask, size, { tolerance: tolerancePx }),
              energy: empty ? null : energyInMask(h, mask),
            };
            localisation.get(method)!.push({
              label: item.label,
              hit: r.hit,
              hitTolerant: r.hitTolerant,
              energy: r.energy ?? NaN,
              random,
            });
            entry.localisation = { ...entry.localisation, [method]: r };
          }
        }
      } finally {
        x.dispose();
      }
      const p = predicted[predicted.length - 1];
      entry.predictedClass = data.classes[p.classIndex];
      entry.probability = p.probabilities[p.classIndex];
      entry.correct = p.classIndex === item.label;
      perImage.push(entry);
    }
    const tMaps = performance.now();
    const abnormalCount = perImage.filter((e) => e.abnormal).length;
    if (!masks.some((m) => m != null)) warn("the data has no lesion masks: pointing game and energy not measured");
    else if (abnormalCount === 0) warn("no explained image has a lesion: pointing game and energy not measured");
    if (featureMap.width * featureMap.height <= 4) {
      warn(
        `${layerName} is ${featureMap.width}x${featureMap.height} at ${size}x${size}: each heatmap is upsampled from ` +
          `${featureMap.width * featureMap.height} value(s)${
            featureMap.width * featureMap.height === 1 ? ", so it is constant" : ""
          }; localisation needs a larger input (docs/explain.md)`,
      );
    }

    // 2. The cascade, on a few images spread over the classes.
    const spread = roundRobinByClass(selected.map((i) => data.items[i].label));
    const { layers, total } = cascadeLayers(model, options.sanityMaxLayers ?? 16);
    const sanity = new Map<CamMethod, SanityCheckCascadeResult[]>(methods.map((m) => [m, []]));
    for (const k of spread.slice(0, sanityImages)) {
      const x = tensorOf(grays[k]);
      try {
        for (const method of methods) {
          sanity.get(method)!.push(await sanityCheckCascade(model, x, { layerName, method, layers, seed }));
        }
      } finally {
        x.dispose();
      }
    }
    const tSanity = performance.now();
    log(`[gradcam] cascade: ${layers.length} of ${total} layers on ${Math.min(sanityImages, spread.length)} images`);

    // 3. Deletion and insertion, with the predicted class's map and with a random map of the same coarseness.
    const di = new Map<CamMethod, DeletionInsertionResult[]>(methods.map((m) => [m, []]));
    const randomDi: DeletionInsertionResult[] = [];
    const diOptions = { steps: deletionSteps, baseline: deletionBaseline };
    for (const k of spread.slice(0, deletionImages)) {
      const x = tensorOf(grays[k]);
      try {
        const classIndex = predicted[k].classIndex;
        const rng = createRng(seed * 7919 + selected[k]);
        // A random map as smooth as the CAMs: random values at the feature map's size, upsampled the same way.
        const coarse = Float32Array.from({ length: featureMap.width * featureMap.height }, () => rng.next());
        const noise = resizeBilinear(coarse, featureMap.width, featureMap.height, size, size);
        randomDi.push(await deletionInsertion(model, x, noise, { ...diOptions, classIndex }));
        for (const method of methods) {
          di.get(method)!.push(await deletionInsertion(model, x, maps.get(method)![k], { ...diOptions, classIndex }));
        }
      } finally {
        x.dispose();
      }
    }
    const tDeletion = performance.now();

    // 4. Pictures.
    await Deno.mkdir(out, { recursive: true });
    for await (const e of Deno.readDir(out)) {
      if (e.isFile && /^gallery_.*\.png$/.test(e.name)) await Deno.remove(`${out}/${e.name}`);
    }
    const tileSize = 144;
    const shortId = (id: string) => id.split("/").pop() ?? id;
    for (const method of methods) {
      for (const [label, className] of data.classes.entries()) {
        const ks = selected.flatMap((i, k) => (data.items[i].label === label ? [k] : []));
        if (ks.length === 0) continue;
        const correct: CaptionedTile[] = [], wrong: CaptionedTile[] = [];
        for (const k of ks) {
          const e = perImage[k];
          const png = await annotatedOverlayPng({ width: size, height: size, data: grays[k] }, maps.get(method)![k], {
            mask: masks[k],
            size: tileSize,
          });
          const tile = {
            png,
            caption: [
              `true: ${e.trueClass}`,
              `pred: ${e.predictedClass}`,
              `p=${e.probability.toFixed(2)} ${shortId(e.id)}`,
            ],
            color: e.correct ? "#1b5e20" : "#b71c1c",
          };
          (e.correct ? correct : wrong).push(tile);
        }
        const path = `${out}/gallery_${METHOD_FILES[method]}_${slug(className)}.png`;
        await writeFileAtomic(
          path,
          await classGalleryPng(correct, wrong, {
            title: `${METHOD_NAMES[method]}: ${className} (${record.model}, ${layerName})`,
            legend: "heatmap of the predicted class; white outline: lesion mask; magenta cross: heatmap peak",
          }),
        );
        files.push(path);
      }
      if (options.saveOverlays) {
        const side = Math.max(size, 256);
        for (const [k, e] of perImage.entries()) {
          const path = `${out}/overlays/${METHOD_FILES[method]}/${e.id.replace(/[^A-Za-z0-9._-]/g, "_")}.png`;
          const png = await annotatedOverlayPng({ width: size, height: size, data: grays[k] }, maps.get(method)![k], {
            mask: masks[k],
            size: side,
          });
          await writeFileAtomic(path, png);
          files.push(path);
        }
      }
    }
    const randomSummary = summarizeDeletionInsertion(randomDi);
    const series: LineSeries[] = [];
    const curves = (name: string, s: DeletionInsertionSummary) => {
      series.push({ name: `${name} deletion`, x: s.fractions, y: s.deletionCurve });
      series.push({ name: `${name} insertion`, x: s.fractions, y: s.insertionCurve });
    };
    const summaries = new Map(methods.map((m) => [m, summarizeDeletionInsertion(di.get(m)!)]));
    for (const m of methods) curves(METHOD_NAMES[m], summaries.get(m)!);
    curves("random", randomSummary);
    if (randomSummary.images > 0) {
      const chart = lineChart(series, {
        title: `Deletion and insertion: ${record.model}, mean of ${randomSummary.images} images`,
        xTitle: "fraction of pixels deleted / inserted (most salient first)",
        yTitle: "probability of the predicted class",
        includeZero: true,
      });
      await writeFileAtomic(`${out}/deletion_insertion.svg`, chart.svg);
      await writeFileAtomic(`${out}/deletion_insertion.png`, await svgToPng(chart.svg));
      files.push(`${out}/deletion_insertion.svg`, `${out}/deletion_insertion.png`);
    }
    const tPictures = performance.now();

    // 5. The report.
    const methodReports: MethodFaithfulness[] = methods.map((method) => {
      const records = localisation.get(method)!;
      return {
        method,
        localisation: records.length > 0 ? summarizeLocalisation(records, data.classes) : null,
        deletionInsertion: summaries.get(method)!,
        sanity: summarizeCascade(sanity.get(method)!, { threshold: sanityThreshold, layersWithWeights: total }),
        msPerMap: mapMs.get(method)! / selected.length,
      };
    });
    const s = (a: number, b: number) => Number(((b - a) / 1000).toFixed(3));
    const report: FaithfulnessReport = {
      run: dir,
      model: record.model,
      size,
      layerName,
      featureMap,
      classes: data.classes,
      images: {
        explained: selected.length,
        abnormal: abnormalCount,
        correct: perImage.filter((e) => e.correct).length,
        notInTest,
      },
      localisationClass: "true",
      tolerancePx,
      settings: {
        sanityImages: Math.min(sanityImages, selected.length),
        sanityThreshold,
        deletionImages: Math.min(deletionImages, selected.length),
        deletionSteps,
        deletionBaseline,
        seed,
      },
      randomBaseline: {
        localisation: methodReports[0].localisation?.random ?? null,
        deletionInsertion: randomSummary,
      },
      methods: methodReports,
      warnings,
      timings: {
        load: s(t0, tLoad),
        maps: s(tLoad, tMaps),
        sanity: s(tMaps, tSanity),
        deletionInsertion: s(tSanity, tDeletion),
        pictures: s(tDeletion, tPictures),
        total: s(t0, performance.now()),
      },
      createdAt: new Date().toISOString(),
    };
    const faithfulnessPath = `${out}/faithfulness.json`;
    await writeFileAtomic(faithfulnessPath, JSON.stringify({ ...report, perImage }, null, 2) + "\n");
    files.push(faithfulnessPath);
    if (options.updateMetrics ?? true) {
      if (await mergeIntoMetrics(`${dir}/metrics.json`, report)) files.push(`${dir}/metrics.json`);
      else warn(`${dir}/metrics.json does not exist (an unfinished run?): the report is only in ${faithfulnessPath}`);
    }
    report.timings.total = s(t0, performance.now());
    return { out, report, perImage, files };
  } finally {
    model.dispose();
  }
}

/** Sets `faithfulness` in a metrics file, keeping every other key; false when the file does not exist. */
async function mergeIntoMetrics(path: string, report: FaithfulnessReport): Promise<boolean> {
  let metrics: Record<string, unknown>;
  try {
    metrics = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw new Error(`Cannot update ${path}: ${(e as Error).message}`);
  }
  metrics.faithfulness = report;
  await writeFileAtomic(path, JSON.stringify(metrics, null, 2) + "\n");
  return true;
}
