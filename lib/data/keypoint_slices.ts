/**
 * Whole slices labelled from their points: positive when any point of the
 * slice has a positive class (by default, "herniated disk anywhere vs not"),
 * with the points kept, scaled to the served size, so that a Grad-CAM peak
 * can be compared with where the herniated discs are.
 *
 * @module
 */
import { DatasetError } from "./dataset.ts";
import type { KeypointStudyData, LoadKeypointOptions } from "./keypoint_crops.ts";
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
import type { StudyItem } from "./study_data.ts";

/** One slice of a keypoint slice data set. */
export interface KeypointSliceItem extends StudyItem {
  /** The image path. */
  id: string;
  /** 0 negative, 1 positive. */
  label: number;
  patientId: string;
  /** Points of the slice with a positive class. */
  positives: number;
}

/** A point of a slice, in the coordinates of the served image. */
export interface KeypointSlicePoint {
  /**
   * Column in pixels of the `size x size` image: `(x + 0.5) * size / width - 0.5`
   * for a point at `x` of a `width`-wide source (pixel centres kept aligned).
   */
  x: number;
  /** Row, likewise. */
  y: number;
  /** The point in pixels of the source image. */
  sourceX: number;
  sourceY: number;
  level?: string;
  /** The label as annotated. */
  label: string;
  /** The class after the class map. */
  className: string;
  /** Whether its class is one of the positive classes. */
  positive: boolean;
}

/** A keypoint slice data set: a StudyData with each slice's points. */
export type KeypointSliceData = KeypointStudyData<KeypointSliceItem> & {
  /** The classes that make a slice positive. */
  positive: string[];
  /** The points of slice `index`, scaled to `size`, in annotation order. */
  points(index: number): KeypointSlicePoint[];
};

/**
 * Loads whole slices labelled from their points, at one size.
 *
 * Classes are `["No herniated disk", "Herniated disk"]` for the default
 * positive set (in general `No <positive>` and `<positive>`, the positive
 * classes joined by " or "). A slice is positive when any of its points
 * (after the level filter and the class map) has a positive class. Points
 * outside their image are skipped and do not count; a slice with no usable
 * point is skipped. Each image is decoded once at full resolution and resized
 * to `size x size` (stretched, area mean), as the crops are.
 *
 * `mask(i)` of a positive slice marks the pixels of its positive points (one
 * pixel each, rounded), so `pointingGame(cam, mask, size, { tolerance: d })`
 * says whether the Grad-CAM peak lies within `d` pixels of a herniated disc's
 * point; negative slices have no mask.
 *
 * @param spec Annotations, class map, level filter, and `positive`.
 * @param size Side of the served slices.
 * @param options Memory bound.
 * @returns The data, with `points(i)`.
 * @throws {DatasetError} When a positive class is not a class of the data, or only one label remains.
 * @example
 * ```ts
 * const data = await loadKeypointSlices(
 *   { kind: "keypoints", annotations: "labels.json", levels: "discs", mode: "slices" },
 *   128,
 * );
 * const herniated = data.points(0).filter((p) => p.positive); // where to look
 * ```
 */
export async function loadKeypointSlices(
  spec: KeypointDataSpec,
  size: number,
  options: LoadKeypointOptions = {},
): Promise<KeypointSliceData> {
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new DatasetError(`size must be a positive integer. Received: ${size}`);
  }
  const selection = await selectKeypoints(spec);
  const positive = spec.positive ?? ["Herniated disk"];
  const unknown = positive.filter((c) => !selection.classes.includes(c));
  if (positive.length === 0 || unknown.length > 0) {
    throw new DatasetError(
      `Positive class${unknown.length === 1 ? "" : "es"} ${unknown.map((c) => `"${c}"`).join(", ") || "(none)"} ` +
        `not among the classes of ${spec.annotations}. Valid classes are: ${selection.classes.join(", ")}`,
    );
  }
  const positiveName = positive.join(" or ");
  const classes = [`No ${positiveName.charAt(0).toLowerCase()}${positiveName.slice(1)}`, positiveName];
  const skipped = [...selection.skipped];
  const slices: { path: string; width: number; height: number; points: SelectedKeypoint[] }[] = [];
  const images = new LruCache<Float32Array>(options.maxMemoryBytes ?? 1 << 30, (v) => v.byteLength);
  const hashParts: Uint8Array[] = [
    new TextEncoder().encode(JSON.stringify({ positive, format: selection.format }) + "\n"),
  ];
  for (const [path, points] of groupByImage(selection.points)) {
    const read = await readSourceImage(path);
    if ("reason" in read) {
      skipped.push({ path, reason: read.reason });
      continue;
    }
    const { image, digest } = read;
    const inside = points.filter((p) => {
      if (pointInImage(p, image)) return true;
      skipped.push({
        path: p.id,
        reason: `point (${p.x}, ${p.y}) is outside the image (${image.width}x${image.height})`,
      });
      return false;
    });
    if (inside.length === 0) {
      skipped.push({ path, reason: "no usable point on the slice" });
      continue;
    }
    slices.push({ path, width: image.width, height: image.height, points: inside });
    images.set(path, resizeGray(image.pixels, image.width, image.height, size));
    hashParts.push(digest);
    for (const p of inside) hashParts.push(new TextEncoder().encode(`${p.id}|${p.className}|${p.patientId}\n`));
  }
  const items: KeypointSliceItem[] = slices.map((s) => {
    const positives = s.points.filter((p) => positive.includes(p.className)).length;
    return { id: s.path, label: positives > 0 ? 1 : 0, patientId: s.points[0].patientId!, positives };
  });
  const present = classes.filter((_, c) => items.some((i) => i.label === c));
  checkClasses(`slices in ${spec.annotations}`, present, items.length, skipped);
  const labels = items.map((i) => i.label);
  const hash = await sha256Hex(hashParts);

  const points = (index: number): KeypointSlicePoint[] => {
    const s = slices[index];
    if (s == null) throw new RangeError(`No slice ${index}: the data has ${slices.length}`);
    return s.points.map((p) => {
      const out: KeypointSlicePoint = {
        x: (p.x + 0.5) * size / s.width - 0.5,
        y: (p.y + 0.5) * size / s.height - 0.5,
        sourceX: p.x,
        sourceY: p.y,
        label: p.label,
        className: p.className,
        positive: positive.includes(p.className),
      };
      if (p.level != null) out.level = p.level;
      return out;
    });
  };
  const gray = async (i: number): Promise<Float32Array> => {
    const s = slices[i];
    if (s == null) throw new RangeError(`No slice ${i}: the data has ${slices.length}`);
    const hit = images.get(s.path);
    if (hit) return hit;
    const read = await readSourceImage(s.path);
    if ("reason" in read) throw new DatasetError(`${s.path}: ${read.reason} (it was readable when loaded)`);
    const img = resizeGray(read.image.pixels, read.image.width, read.image.height, size);
    images.set(s.path, img);
    return img;
  };
  const mask = (i: number): Promise<Uint8Array | undefined> => {
    if (items[i]?.label !== 1) return Promise.resolve(undefined);
    const m = new Uint8Array(size * size);
    for (const p of points(i)) {
      if (!p.positive) continue;
      const x = Math.min(size - 1, Math.max(0, Math.round(p.x)));
      const y = Math.min(size - 1, Math.max(0, Math.round(p.y)));
      m[y * size + x] = 1;
    }
    return Promise.resolve(m);
  };
  return {
    spec,
    classes,
    items,
    size,
    hash,
    skipped,
    notes: selection.notes,
    positive,
    points,
    source: (indices, channels = 3) => keypointBatchSource(indices, labels, classes.length, channels, size, gray),
    gray,
    mask,
  };
}
