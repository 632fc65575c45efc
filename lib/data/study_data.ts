/**
 * One interface over every data source a study can use: the embedded
 * phantom (generated in memory), or a user's data set on disk (class folders,
 * a CSV manifest, DICOM). Every stage (training, the hybrid, Grad-CAM,
 * evaluation) reads images through it, at one size, with labels as class
 * indices, patient ids for the split, and lesion masks where they exist.
 *
 * @module
 */
import type { BatchSource } from "./batches.ts";
import { DatasetError, loadDataset, type SkippedFile } from "./dataset.ts";
import { CLASSES, generatePhantom } from "./phantom.ts";
import { loadKeypointCrops } from "./keypoint_crops.ts";
import { loadKeypointSlices } from "./keypoint_slices.ts";
import { keypointBatchSource as sourceOver, type KeypointDataSpec, sha256Hex } from "./keypoint_source.ts";
import { decodeImage, ImageCache } from "./preprocess.ts";

/** Where a study's images come from. Plain JSON, stored in each run's config. */
export type DataSpec =
  | {
    kind: "phantom";
    /** Images per class. */
    perClass: number;
    /** 0 (easy) to 1 (hard). Default 0.5. */
    difficulty?: number;
    /** Generator seed (the study's seed). */
    seed: number;
  }
  | {
    kind: "folder";
    /** Class folders or a folder holding `manifest.csv` (see loadDataset). */
    path: string;
    /** Extra label mappings, e.g. `{ "disc herniation": "Herniated disk" }`. */
    classMap?: Record<string, string>;
  }
  | KeypointDataSpec;

/** One image of a study. */
export interface StudyItem {
  /** A stable id: the file path, `phantom:<index>`, or `path#level@x,y` for a keypoint crop. */
  id: string;
  label: number;
  patientId?: string;
}

/** A study's data, loaded. */
export interface StudyData {
  spec: DataSpec;
  /** Class names by index. */
  classes: string[];
  items: StudyItem[];
  /** Side of every image as served. */
  size: number;
  /** SHA-256 of the images and labels (hex), for configs: the same hash means the same data. */
  hash: string;
  /** Files left out, with reasons. */
  skipped: SkippedFile[];
  /** A batch source over a subset, with 1 or 3 channels. */
  source(indices: readonly number[], channels?: 1 | 3): BatchSource;
  /** The grayscale image of one item, `size * size` values in [0,1]. */
  gray(index: number): Promise<Float32Array>;
  /** The lesion mask of one item at `size`, or undefined when the data has none. */
  mask(index: number): Promise<Uint8Array | undefined>;
}

/** Options of {@link loadStudyData}. */
export interface LoadStudyDataOptions {
  /** Decoded-image cache folder for on-disk data. Default none (memory only). */
  cacheDir?: string;
}

/**
 * Loads (or generates) a study's data at one image size.
 *
 * @param spec The phantom's settings or a data folder.
 * @param size Side the images are served at.
 * @returns The data; on-disk images are decoded lazily, through a cache.
 * @throws {DatasetError} When a folder has no usable images or only one class.
 */
export async function loadStudyData(
  spec: DataSpec,
  size: number,
  options: LoadStudyDataOptions = {},
): Promise<StudyData> {
  if (spec.kind === "phantom") {
    const images = generatePhantom({ perClass: spec.perClass, size, seed: spec.seed, difficulty: spec.difficulty });
    const items = images.map((im, i) => ({ id: `phantom:${i}`, label: im.label, patientId: im.patientId }));
    const labels = items.map((i) => i.label);
    const hash = await sha256Hex([
      new TextEncoder().encode(JSON.stringify({ labels, patients: items.map((i) => i.patientId) })),
      ...images.map((im) => new Uint8Array(im.image.buffer, im.image.byteOffset, im.image.byteLength)),
    ]);
    const gray = (i: number) => Promise.resolve(images[i].image);
    return {
      spec,
      classes: [...CLASSES],
      items,
      size,
      hash,
      skipped: [],
      source: (indices, channels = 3) => sourceOver(indices, labels, CLASSES.length, channels, size, gray),
      gray,
      mask: (i) => Promise.resolve(images[i].mask),
    };
  }

  if (spec.kind === "keypoints") {
    return spec.mode === "slices"
      ? await loadKeypointSlices(spec, size, options)
      : await loadKeypointCrops(spec, size, options);
  }
  const loaded = await loadDataset(spec.path, { classMap: spec.classMap });
  const classes = loaded.classes;
  if (classes.length < 2) {
    throw new DatasetError(`${spec.path}: a classifier needs at least two classes; found ${classes.join(", ")}`);
  }
  const items = loaded.items.map((it) => ({
    id: it.path,
    label: classes.indexOf(it.label),
    patientId: it.patientId,
  }));
  const labels = items.map((i) => i.label);
  const hashes: Uint8Array[] = [];
  for (const it of loaded.items) {
    const bytes = await Deno.readFile(it.path);
    hashes.push(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
    hashes.push(new TextEncoder().encode(`|${it.label}|${it.patientId ?? ""}\n`));
  }
  const hash = await sha256Hex(hashes);
  const cache = new ImageCache({ size, dir: options.cacheDir });
  const gray = (i: number) => cache.get(items[i].id);
  const masks = loaded.items.map((it) => it.maskPath);
  return {
    spec,
    classes,
    items,
    size,
    hash,
    skipped: loaded.skipped,
    source: (indices, channels = 3) => sourceOver(indices, labels, classes.length, channels, size, gray),
    gray,
    mask: async (i) => {
      const path = masks[i];
      if (path == null) return undefined;
      const m = await decodeImage(path, { size });
      return Uint8Array.from(m, (v) => (v > 0.5 ? 1 : 0));
    },
  };
}
