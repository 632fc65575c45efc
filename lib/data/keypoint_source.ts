/**
 * What the keypoint data sets share: their spec, the selection of points
 * (annotations read, class map applied, levels filtered), and full-resolution
 * decoding of the source images.
 *
 * @module
 */
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import type { BatchSource } from "./batches.ts";
import { DatasetError, hasDicomPreamble, type SkippedFile } from "./dataset.ts";
import { decodeDicom } from "./dicom.ts";
import type { GrayImage, KeypointCrop } from "./keypoint_crop.ts";
import { checkCrop } from "./keypoint_crop.ts";
import { compileClassMap, keypointClass, TIANCHI_CLASS_MAP } from "./keypoint_classes.ts";
import {
  type Keypoint,
  type KeypointFormat,
  keypointId,
  levelKind,
  normalizeLevel,
  readKeypoints,
} from "./keypoints.ts";
import { ImageDecodeError } from "./preprocess.ts";

/** A data set of point annotations on slices. Plain JSON, stored in each run's config. */
export interface KeypointDataSpec {
  kind: "keypoints";
  /** The annotations: a CSV `image,x,y,label[,level][,patient_id]` or a Tianchi JSON file. */
  annotations: string;
  /** Default: by extension (`.csv`, `.json`), else by content. */
  format?: KeypointFormat;
  /** Folder of the images. Default: the CSV's folder; Tianchi: `images/` beside the JSON, else its folder. */
  imageRoot?: string;
  /**
   * `{"raw label": "Class"}` (see keypoint_classes.ts). Default: none for a
   * CSV (every label is a class); {@link TIANCHI_CLASS_MAP} for Tianchi.
   * Points whose label the map does not cover are skipped.
   */
  classMap?: Record<string, string>;
  /** Crop size and padding (crops only). Default 20% of each image's height, zero padding. */
  crop?: KeypointCrop;
  /** Only discs, only vertebrae, or the levels listed (e.g. `["L4-L5", "L5-S1"]`). Default all. */
  levels?: "discs" | "vertebrae" | string[];
  /** "crops" (default): one item per point; "slices": one item per image, positive when a point has a positive class. */
  mode?: "crops" | "slices";
  /** Slices only: the classes that make a slice positive. Default `["Herniated disk"]`. */
  positive?: string[];
}

/** A point chosen for a data set, with its class. */
export interface SelectedKeypoint extends Keypoint {
  /** `image#level@x,y`. */
  id: string;
  /** The class after the class map. */
  className: string;
}

/** What {@link selectKeypoints} returns. */
export interface KeypointSelection {
  points: SelectedKeypoint[];
  skipped: SkippedFile[];
  /** Classes present, in the class map's order (without a map: sorted). */
  classes: string[];
  format: KeypointFormat;
  notes: string[];
}

/**
 * Checks a spec's fields, so that a bad config fails before any image is read.
 *
 * @param spec The data spec.
 * @throws {DatasetError} Naming the bad field and the valid values.
 */
export function checkKeypointSpec(spec: KeypointDataSpec): void {
  if (spec.kind !== "keypoints") throw new DatasetError(`Not a keypoint data spec. Received: kind=${spec.kind}`);
  if (typeof spec.annotations !== "string" || spec.annotations === "") {
    throw new DatasetError("A keypoint data spec needs `annotations`: the path of a CSV or Tianchi JSON file");
  }
  const { levels, mode } = spec;
  if (levels != null && levels !== "discs" && levels !== "vertebrae" && !Array.isArray(levels)) {
    throw new DatasetError(`Unknown levels "${levels}". Valid values are: discs, vertebrae, or a list of levels`);
  }
  if (mode != null && mode !== "crops" && mode !== "slices") {
    throw new DatasetError(`Unknown keypoint mode "${mode}". Valid modes are: crops, slices`);
  }
  try {
    checkCrop(spec.crop);
  } catch (e) {
    throw new DatasetError((e as Error).message);
  }
}

/**
 * Reads a spec's annotations and keeps the points it asks for: level filter,
 * class map, duplicates dropped. Images are not read here.
 *
 * @param spec The data spec.
 * @returns The points with their classes, and what was skipped and why.
 * @throws {DatasetError} When the annotations cannot be read or the spec is invalid.
 * @example
 * ```ts
 * const { points, classes } = await selectKeypoints({ kind: "keypoints", annotations: "labels.json", levels: "discs" });
 * ```
 */
export async function selectKeypoints(spec: KeypointDataSpec): Promise<KeypointSelection> {
  checkKeypointSpec(spec);
  const read = await readKeypoints(spec.annotations, { format: spec.format, imageRoot: spec.imageRoot });
  const skipped = [...read.skipped];
  const given = spec.classMap ?? (read.format === "tianchi" ? TIANCHI_CLASS_MAP : undefined);
  const map = given != null ? compileClassMap(given) : undefined;
  const wanted = Array.isArray(spec.levels) ? new Set(spec.levels.map(normalizeLevel)) : undefined;
  const seen = new Set<string>();
  const points: SelectedKeypoint[] = [];
  for (const p of read.points) {
    const id = keypointId(p);
    if (spec.levels === "discs" || spec.levels === "vertebrae") {
      const kind = levelKind(p.level);
      const want = spec.levels === "discs" ? "disc" : "vertebra";
      if (kind !== want) {
        if (kind == null) {
          skipped.push({ path: id, reason: `no disc or vertebra level, and levels is "${spec.levels}"` });
        }
        continue; // The other kind: filtered out, not a bad point.
      }
    } else if (wanted != null && (p.level == null || !wanted.has(p.level))) continue;
    let className = p.label.trim();
    if (map != null) {
      const c = keypointClass(p, map);
      if ("reason" in c) {
        skipped.push({ path: id, reason: c.reason });
        continue;
      }
      className = c.className;
    }
    if (seen.has(id)) {
      skipped.push({ path: id, reason: "duplicate point (same image, level and coordinates)" });
      continue;
    }
    seen.add(id);
    // Without a patient id, crops of one slice still share one, so they stay in one split.
    points.push({ ...p, id, className, patientId: p.patientId ?? p.image });
  }
  const present = new Set(points.map((p) => p.className));
  const classes = map != null ? map.classes.filter((c) => present.has(c)) : [...present].sort();
  return { points, skipped, classes, format: read.format, notes: read.notes };
}

/**
 * Decodes an image file at full resolution to grayscale in [0, 1], like
 * decodeImage but without resizing: PNG/JPEG/TIFF/BMP via sharp (16-bit kept,
 * alpha over black), DICOM via decodeDicom.
 *
 * @param bytes The file's contents.
 * @param path The file's name, for messages.
 * @returns The image.
 * @throws {ImageDecodeError} Naming the file and the reason.
 */
export async function decodeGrayFull(bytes: Uint8Array, path: string): Promise<GrayImage> {
  if (bytes.length === 0) throw new ImageDecodeError(`Cannot decode ${path}: empty file (0 bytes)`);
  if (hasDicomPreamble(bytes) || path.toLowerCase().endsWith(".dcm")) {
    try {
      const img = decodeDicom(bytes, path);
      return { pixels: img.pixels, width: img.width, height: img.height };
    } catch (e) {
      throw new ImageDecodeError((e as Error).message);
    }
  }
  try {
    const meta = await sharp(bytes).metadata();
    const sixteen = meta.depth === "ushort" || meta.depth === "short";
    let pipeline = sharp(bytes, { failOn: "error" });
    if (meta.hasAlpha) pipeline = pipeline.flatten({ background: "#000000" });
    pipeline = sixteen ? pipeline.toColourspace("grey16") : pipeline.greyscale();
    const { data, info } = await pipeline.raw({ depth: sixteen ? "ushort" : "uchar" }).toBuffer({
      resolveWithObject: true,
    });
    const n = info.width * info.height;
    const values = sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : data;
    const step = values.length / n; // 1, or more when sharp kept channels
    const scale = sixteen ? 65535 : 255;
    const pixels = new Float32Array(n);
    for (let i = 0; i < n; i++) pixels[i] = values[i * step] / scale;
    return { pixels, width: info.width, height: info.height };
  } catch (e) {
    throw new ImageDecodeError(`Cannot decode ${path}: ${(e as Error).message}`);
  }
}

/**
 * Reads and decodes an image at full resolution, with the SHA-256 of its bytes.
 *
 * @param path The image file.
 * @returns The image and digest, or the reason it cannot be used ("image not found", "unreadable image: ...").
 */
export async function readSourceImage(
  path: string,
): Promise<{ image: GrayImage; digest: Uint8Array } | { reason: string }> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    return {
      reason: e instanceof Deno.errors.NotFound ? "image not found" : `cannot read image: ${(e as Error).message}`,
    };
  }
  try {
    const image = await decodeGrayFull(bytes, path);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return { image, digest };
  } catch (e) {
    return { reason: `unreadable image: ${(e as Error).message}` };
  }
}

/**
 * Whether a point lies on the image: pixel centres are 0..width-1, so `-0.5 <= x < width - 0.5` (rows likewise).
 *
 * @param p The point.
 * @param image The image.
 * @returns True when the point is on it.
 */
export function pointInImage(p: { x: number; y: number }, image: GrayImage): boolean {
  return p.x >= -0.5 && p.x < image.width - 0.5 && p.y >= -0.5 && p.y < image.height - 0.5;
}

/**
 * Groups points by image, in the order images first appear.
 *
 * @param points Points with an `image`.
 * @returns Image path to its points, in order.
 */
export function groupByImage<T extends { image: string }>(points: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const p of points) {
    const list = groups.get(p.image) ?? [];
    list.push(p);
    groups.set(p.image, list);
  }
  return groups;
}

/**
 * Checks that a data set has items and at least two classes.
 *
 * @param what What the items are, for messages (`crops in labels.json`).
 * @param classes Classes present.
 * @param count Number of items.
 * @param skipped What was skipped, the first reason quoted when nothing is left.
 * @throws {DatasetError} Naming what is missing, with the first skip reason.
 */
export function checkClasses(
  what: string,
  classes: readonly string[],
  count: number,
  skipped: readonly SkippedFile[],
): void {
  if (count === 0) {
    throw new DatasetError(
      `No usable ${what}` + (skipped.length > 0 ? ` (${skipped.length} skipped: ${skipped[0].reason}, ...)` : ""),
    );
  }
  if (classes.length < 2) {
    throw new DatasetError(`${what}: a classifier needs at least two classes; found ${classes.join(", ")}`);
  }
}

/**
 * SHA-256 of the parts, concatenated in order.
 *
 * @param parts Byte arrays.
 * @returns The digest in hex.
 */
export async function sha256Hex(parts: readonly Uint8Array[]): Promise<string> {
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A batch source over some items, as StudyData.source gives: gray repeated over 3 channels when asked.
 *
 * @param indices Items of the data set in the source, in order.
 * @param labels Class index of every item of the data set.
 * @param numClasses Number of classes.
 * @param channels 1 or 3.
 * @param size Side of the images.
 * @param gray The image of an item of the data set.
 * @returns The source; each `images()` tensor is new and the caller disposes it.
 */
export function keypointBatchSource(
  indices: readonly number[],
  labels: readonly number[],
  numClasses: number,
  channels: 1 | 3,
  size: number,
  gray: (i: number) => Promise<Float32Array>,
): BatchSource {
  return {
    length: indices.length,
    labels: indices.map((i) => labels[i]),
    numClasses,
    images: async (local) => {
      const px = size * size;
      const data = new Float32Array(local.length * px * channels);
      for (let n = 0; n < local.length; n++) {
        const img = await gray(indices[local[n]]);
        const base = n * px * channels;
        if (channels === 1) data.set(img, base);
        else {
          for (let i = 0; i < px; i++) data[base + i * 3] = data[base + i * 3 + 1] = data[base + i * 3 + 2] = img[i];
        }
      }
      return tf.tensor4d(data, [local.length, size, size, channels]);
    },
  };
}

/** A map bounded in bytes, least recently used entries dropped first. */
export class LruCache<V> {
  #map = new Map<string, V>();
  #bytes = 0;
  readonly maxBytes: number;
  readonly #sizeOf: (value: V) => number;

  /**
   * @param maxBytes Most bytes kept (the entry just set is always kept).
   * @param sizeOf Bytes of a value.
   */
  constructor(maxBytes: number, sizeOf: (value: V) => number) {
    this.maxBytes = maxBytes;
    this.#sizeOf = sizeOf;
  }

  /** The value of `key`, now the most recently used; undefined when absent. */
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  /** Stores a value, dropping the least recently used ones beyond the bound. */
  set(key: string, value: V): void {
    const old = this.#map.get(key);
    if (old !== undefined) this.#bytes -= this.#sizeOf(old);
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#bytes += this.#sizeOf(value);
    for (const [k, v] of this.#map) {
      if (this.#bytes <= this.maxBytes || k === key) break;
      this.#map.delete(k);
      this.#bytes -= this.#sizeOf(v);
    }
  }
}
