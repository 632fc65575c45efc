/**
 * A study's data made of crops around annotated points (discs, vertebrae):
 * the way strong lumbar MRI models are trained on per-level labels. It is a
 * {@link StudyData} like any other, so every model, the hybrid and Grad-CAM
 * use it unchanged.
 *
 * @module
 */
import { DatasetError } from "./dataset.ts";
import { cropGray, cropSide, type GrayImage } from "./keypoint_crop.ts";
import {
  checkClasses,
  groupByImage,
  keypointBatchSource,
  type KeypointDataSpec,
  LruCache,
  pointInImage,
  readSourceImage,
  type SelectedKeypoint,
  selectKeypoints,
  sha256Hex,
} from "./keypoint_source.ts";
import { resizeGray } from "./preprocess.ts";
import type { StudyData, StudyItem } from "./study_data.ts";

/** One crop of a keypoint data set. */
export interface KeypointCropItem extends StudyItem {
  /** `image#level@x,y`. */
  id: string;
  /** Always set: the annotation's, else the image path (one slice, one patient). */
  patientId: string;
  /** The source image. */
  image: string;
  /** The point, in pixels of the source image. */
  x: number;
  y: number;
  level?: string;
  /** The label as annotated, before the class map. */
  rawLabel: string;
}

/** A keypoint data set: a {@link StudyData} whose spec is a {@link KeypointDataSpec}, with richer items. */
export type KeypointStudyData<Item extends StudyItem> = Omit<StudyData, "spec" | "items"> & {
  spec: KeypointDataSpec;
  items: Item[];
  /** Facts about the annotations worth reporting (e.g. how Tianchi levels were named). */
  notes: string[];
};

/** Options of {@link loadKeypointCrops} and loadKeypointSlices. */
export interface LoadKeypointOptions {
  /** Most bytes of served images kept in memory; others are cut again from their source on demand. Default 1 GiB. */
  maxMemoryBytes?: number;
  /** Accepted for LoadStudyDataOptions compatibility; crops are kept in memory, not on disk. */
  cacheDir?: string;
}

/**
 * Loads crops around annotated points at one size.
 *
 * Each source image is read and decoded once, at full resolution, in
 * grayscale; each crop is cut exactly from it (see cropGray: a square of
 * `crop.pixels`, or `crop.fraction` of the image height, centred on the
 * point, zero or edge padded) and resized to `size` (area mean when
 * shrinking, bilinear when enlarging). Crops are kept in memory (up to
 * `maxMemoryBytes`, then cut again on demand).
 *
 * Skipped with a reason: unreadable or missing images, points outside their
 * image, labels the class map does not cover, points without a level when
 * `levels` asks for discs or vertebrae, duplicates, and rows the annotation
 * reader rejects.
 *
 * @param spec Annotations, class map, crop and level filter.
 * @param size Side of the served crops.
 * @param options Memory bound.
 * @returns The data: items `image#level@x,y` with their patient, and `gray(i)` the crop; `mask(i)` is undefined.
 * @throws {DatasetError} When the spec is invalid, the annotations cannot be read, or fewer than two classes remain.
 * @example
 * ```ts
 * const data = await loadKeypointCrops(
 *   { kind: "keypoints", annotations: "../shared/data/spine-mri-tianchi/labels.json", levels: "discs" },
 *   64,
 * );
 * console.log(data.classes, data.items.length, data.skipped.length);
 * ```
 */
export async function loadKeypointCrops(
  spec: KeypointDataSpec,
  size: number,
  options: LoadKeypointOptions = {},
): Promise<KeypointStudyData<KeypointCropItem>> {
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new DatasetError(`size must be a positive integer. Received: ${size}`);
  }
  const selection = await selectKeypoints(spec);
  const skipped = [...selection.skipped];
  const padding = spec.crop?.padding ?? "zero";
  const kept: SelectedKeypoint[] = [];
  const crops = new LruCache<Float32Array>(options.maxMemoryBytes ?? 1 << 30, (v) => v.byteLength);
  const cut = (image: GrayImage, p: SelectedKeypoint) => {
    const side = cropSide(spec.crop, image.height);
    const square = cropGray(image, p.x, p.y, side, padding);
    return side === size ? square : resizeGray(square, side, side, size);
  };
  const hashParts: Uint8Array[] = [
    new TextEncoder().encode(JSON.stringify({ crop: spec.crop ?? {}, format: selection.format }) + "\n"),
  ];
  for (const [path, points] of groupByImage(selection.points)) {
    const read = await readSourceImage(path);
    if ("reason" in read) {
      for (const p of points) skipped.push({ path: p.id, reason: read.reason });
      continue;
    }
    const { image, digest } = read;
    hashParts.push(digest);
    for (const p of points) {
      if (!pointInImage(p, image)) {
        skipped.push({
          path: p.id,
          reason: `point (${p.x}, ${p.y}) is outside the image (${image.width}x${image.height})`,
        });
        continue;
      }
      kept.push(p);
      crops.set(p.id, cut(image, p));
      hashParts.push(new TextEncoder().encode(`${p.id}|${p.className}|${p.patientId}\n`));
    }
  }
  const present = new Set(kept.map((p) => p.className));
  const classes = selection.classes.filter((c) => present.has(c));
  checkClasses(`crops in ${spec.annotations}`, classes, kept.length, skipped);
  const items: KeypointCropItem[] = kept.map((p) => {
    const item: KeypointCropItem = {
      id: p.id,
      label: classes.indexOf(p.className),
      patientId: p.patientId!,
      image: p.image,
      x: p.x,
      y: p.y,
      rawLabel: p.label,
    };
    if (p.level != null) item.level = p.level;
    return item;
  });
  const labels = items.map((i) => i.label);
  const hash = await sha256Hex(hashParts);

  // Crops dropped from memory are cut again, from a source decoded once per miss run.
  let last: { path: string; image: GrayImage } | undefined;
  const gray = async (i: number): Promise<Float32Array> => {
    const p = kept[i];
    if (p == null) throw new RangeError(`No crop ${i}: the data has ${kept.length}`);
    const hit = crops.get(p.id);
    if (hit) return hit;
    if (last?.path !== p.image) {
      const read = await readSourceImage(p.image);
      if ("reason" in read) throw new DatasetError(`${p.image}: ${read.reason} (it was readable when loaded)`);
      last = { path: p.image, image: read.image };
    }
    const crop = cut(last.image, p);
    crops.set(p.id, crop);
    return crop;
  };
  return {
    spec,
    classes,
    items,
    size,
    hash,
    skipped,
    notes: selection.notes,
    source: (indices, channels = 3) => keypointBatchSource(indices, labels, classes.length, channels, size, gray),
    gray,
    mask: () => Promise.resolve(undefined),
  };
}
