/**
 * Loading a labelled image data set from class folders or a CSV manifest,
 * with every bad file skipped and reported, never fatal.
 *
 * Sources, tried in this order when `source` is "auto":
 * - a CSV manifest: `root` itself when it ends in `.csv`, else
 *   `root/manifest.csv`. Columns `path,label[,patient_id][,slice][,mask_path]`
 *   by name (a header row is required); paths are relative to the CSV.
 * - class folders: `root/<class>/**\/*.{png,jpg,jpeg,bmp,tif,tiff,dcm}`.
 *
 * Class names are normalised to the four canonical classes
 * (`Herniated_disk`, `herniated disc` and `Herniated Disc` are one class).
 * Unknown names are kept as given and listed in `unknownClasses`.
 *
 * @module
 */
import sharp from "sharp";
import { CLASSES } from "./phantom.ts";
import { decodeDicom } from "./dicom.ts";

/** One labelled image. */
export interface DatasetItem {
  /** Absolute or root-relative path of the image. */
  path: string;
  /** Canonical class name (or the name as given, when unknown). */
  label: string;
  patientId?: string;
  slice?: number;
  /** Lesion mask, when the data set has one. */
  maskPath?: string;
}

/** A file or folder left out, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** What {@link loadDataset} returns. */
export interface LoadedDataset {
  items: DatasetItem[];
  skipped: SkippedFile[];
  /** Classes that have at least one item: canonical ones in their order, then unknown ones sorted. */
  classes: string[];
  /** Class names that matched none of the canonical classes. */
  unknownClasses: string[];
  source: "csv" | "folders";
}

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** Default "auto". */
  source?: "auto" | "csv" | "folders";
  /**
   * Check each file's header (size, decodability of the header, DICOM
   * preamble) and skip bad ones. Default true.
   */
  validate?: boolean;
  /** Images with a side below this are skipped. Default 8. */
  minSide?: number;
  /** Extra label mappings applied before normalisation, e.g. `{ bulge: "Bulge" }`. */
  classMap?: Record<string, string>;
}

/** Raised when a data set cannot be used at all (no images, one class, unreadable root). */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatasetError";
  }
}

/** Image extensions read from class folders. */
export const IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "bmp", "tif", "tiff", "dcm"] as const;

const SYNONYMS: Record<string, string> = {
  "healthy": "Healthy",
  "normal": "Healthy",
  "herniated disk": "Herniated disk",
  "herniated disc": "Herniated disk",
  "disk herniation": "Herniated disk",
  "disc herniation": "Herniated disk",
  "herniation": "Herniated disk",
  "spinal stenosis": "Spinal stenosis",
  "stenosis": "Spinal stenosis",
  "spondylosis": "Spondylosis",
};

/**
 * Maps a class name to its canonical form, ignoring case, underscores,
 * hyphens and repeated spaces.
 *
 * @returns The canonical class, or the trimmed name when unknown.
 * @example
 * ```ts
 * normalizeClassName("Herniated_disc"); // "Herniated disk"
 * ```
 */
export function normalizeClassName(name: string, classMap: Record<string, string> = {}): string {
  const trimmed = name.trim();
  const key = trimmed.toLowerCase().replace(/[_\-\s]+/g, " ");
  const mapped = Object.entries(classMap).find(([k]) => k.toLowerCase().replace(/[_\-\s]+/g, " ") === key)?.[1];
  if (mapped != null) return mapped;
  return SYNONYMS[key] ?? trimmed;
}

function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot < 0 ? "" : base.slice(dot + 1).toLowerCase();
}

function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : path.slice(0, i) || "/";
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      if (row.some((f) => f !== "")) rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== "")) rows.push(row);
  return rows;
}

async function fromCsv(csvPath: string, skipped: SkippedFile[]): Promise<DatasetItem[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(csvPath);
  } catch (e) {
    throw new DatasetError(`Cannot read manifest ${csvPath}: ${(e as Error).message}`);
  }
  const rows = parseCsv(text.replace(/^\uFEFF/, ""));
  if (rows.length === 0) throw new DatasetError(`Manifest ${csvPath} is empty`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col("path") < 0 || col("label") < 0) {
    throw new DatasetError(
      `Manifest ${csvPath} needs a header with "path" and "label" columns. Found: ${rows[0].join(",")}`,
    );
  }
  const base = dirname(csvPath);
  const items: DatasetItem[] = [];
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    const path = (r[col("path")] ?? "").trim();
    const label = (r[col("label")] ?? "").trim();
    if (path === "" || label === "") {
      skipped.push({ path: `${csvPath}:${line}`, reason: `row without ${path === "" ? "path" : "label"}` });
      return;
    }
    const item: DatasetItem = { path: path.startsWith("/") ? path : join(base, path), label };
    const pid = col("patient_id") >= 0 ? (r[col("patient_id")] ?? "").trim() : "";
    if (pid !== "") item.patientId = pid;
    const slice = col("slice") >= 0 ? Number(r[col("slice")]) : NaN;
    if (Number.isFinite(slice)) item.slice = slice;
    const mask = col("mask_path") >= 0 ? (r[col("mask_path")] ?? "").trim() : "";
    if (mask !== "") item.maskPath = mask.startsWith("/") ? mask : join(base, mask);
    items.push(item);
  });
  return items;
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory) await walk(p, out);
    else if (e.isFile) out.push(p);
  }
}

async function fromFolders(root: string, skipped: SkippedFile[]): Promise<DatasetItem[]> {
  const items: DatasetItem[] = [];
  const classDirs: string[] = [];
  try {
    for await (const e of Deno.readDir(root)) if (e.isDirectory && !e.name.startsWith(".")) classDirs.push(e.name);
  } catch (e) {
    throw new DatasetError(`Cannot read data set folder ${root}: ${(e as Error).message}`);
  }
  classDirs.sort();
  for (const cls of classDirs) {
    const files: string[] = [];
    await walk(join(root, cls), files);
    const images = files.filter((f) => (IMAGE_EXTENSIONS as readonly string[]).includes(extensionOf(f)));
    for (const f of files) {
      if (!images.includes(f)) skipped.push({ path: f, reason: `not an image extension (.${extensionOf(f)})` });
    }
    if (images.length === 0) {
      skipped.push({ path: join(root, cls), reason: "empty class folder: no images" });
      continue;
    }
    for (const path of images) items.push({ path, label: cls });
  }
  return items;
}

const PNG = [0x89, 0x50, 0x4e, 0x47];
const JPEG = [0xff, 0xd8, 0xff];

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const file = await Deno.open(path, { read: true });
  try {
    const buf = new Uint8Array(bytes);
    let n = 0;
    while (n < bytes) {
      const r = await file.read(buf.subarray(n));
      if (r === null) break;
      n += r;
    }
    return buf.subarray(0, n);
  } finally {
    file.close();
  }
}

/**
 * A DICOM file's Patient ID (0010,0020), so that class folders of DICOM
 * slices split and bootstrap by patient without a manifest. Undefined for
 * other files, files without the tag, and files that do not decode (the
 * file check reports those).
 */
async function dicomPatientId(path: string): Promise<string | undefined> {
  if (extensionOf(path) !== "dcm" && !hasDicomPreamble(await readHead(path, 132).catch(() => new Uint8Array()))) {
    return undefined;
  }
  try {
    return decodeDicom(await Deno.readFile(path), path).patientId;
  } catch {
    return undefined;
  }
}

/** True when the bytes carry the DICOM preamble ("DICM" at offset 128). */
export function hasDicomPreamble(head: Uint8Array): boolean {
  return head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d;
}

/**
 * Checks that a file can be used: not empty, content matching its
 * extension, a readable header, and a usable size.
 *
 * @returns The reason to skip it, or undefined when it looks fine.
 */
export async function checkImageFile(path: string, minSide = 8): Promise<string | undefined> {
  let size: number;
  try {
    size = (await Deno.stat(path)).size;
  } catch {
    return "file not found";
  }
  if (size === 0) return "empty file (0 bytes)";
  const head = await readHead(path, 132);
  const ext = extensionOf(path);
  if (ext === "dcm" || hasDicomPreamble(head)) {
    if (!hasDicomPreamble(head)) return "not a DICOM file (no DICM preamble)";
    try {
      const img = decodeDicom(await Deno.readFile(path), path);
      if (img.width < minSide || img.height < minSide) {
        return `image too small (${img.width}x${img.height}; at least ${minSide}x${minSide})`;
      }
    } catch (e) {
      return (e as Error).message.replace(/^Cannot decode DICOM file [^:]*: /, "");
    }
    return undefined;
  }
  if (ext === "png" && !PNG.every((b, i) => head[i] === b)) return "not a PNG file (bad signature)";
  if ((ext === "jpg" || ext === "jpeg") && !JPEG.every((b, i) => head[i] === b)) {
    return "not a JPEG file (bad signature)";
  }
  try {
    const meta = await sharp(path).metadata();
    const w = meta.width ?? 0, h = meta.height ?? 0;
    if (w < minSide || h < minSide) return `image too small (${w}x${h}; at least ${minSide}x${minSide})`;
    // A header can be intact over truncated data: decode it all, shrunk (cheap), so
    // training never meets a bad file later.
    await sharp(path, { failOn: "error" }).resize(8, 8, { fit: "fill" }).raw().toBuffer();
  } catch (e) {
    return `unreadable image: ${(e as Error).message}`;
  }
  return undefined;
}

/**
 * Loads a labelled data set.
 *
 * @param root A folder of class folders, a folder holding `manifest.csv`, or a CSV file.
 * @param options Source, validation and class mapping.
 * @returns Items, skipped files with reasons, and the classes found.
 * @throws {DatasetError} When nothing usable is found, or only one class.
 * @example
 * ```ts
 * const { items, skipped, classes } = await loadDataset("data/phantom");
 * ```
 */
export async function loadDataset(root: string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const { source = "auto", validate = true, minSide = 8, classMap = {} } = options;
  const skipped: SkippedFile[] = [];
  let raw: DatasetItem[];
  let used: "csv" | "folders";
  const csvPath = root.toLowerCase().endsWith(".csv") ? root : join(root, "manifest.csv");
  if (source === "csv" || (source === "auto" && await exists(csvPath))) {
    raw = await fromCsv(csvPath, skipped);
    used = "csv";
  } else {
    raw = await fromFolders(root, skipped);
    used = "folders";
  }
  const items: DatasetItem[] = [];
  for (const item of raw) {
    if (validate) {
      const reason = await checkImageFile(item.path, minSide);
      if (reason != null) {
        skipped.push({ path: item.path, reason });
        continue;
      }
    }
    const patientId = item.patientId ?? await dicomPatientId(item.path);
    items.push({ ...item, label: normalizeClassName(item.label, classMap), ...(patientId ? { patientId } : {}) });
  }
  const canonical = CLASSES as readonly string[];
  const present = new Set(items.map((i) => i.label));
  const unknownClasses = [...present].filter((c) => !canonical.includes(c)).sort();
  const classes = [...canonical.filter((c) => present.has(c)), ...unknownClasses];
  if (items.length === 0) {
    throw new DatasetError(
      `No usable images in ${root}` +
        (skipped.length > 0 ? ` (${skipped.length} skipped: ${skipped[0].reason}, ...)` : ""),
    );
  }
  if (classes.length < 2) {
    throw new DatasetError(`Only one class (${classes[0]}) in ${root}: a classifier needs at least two`);
  }
  return { items, skipped, classes, unknownClasses, source: used };
}
