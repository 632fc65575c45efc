/**
 * Readers of point annotations: one labelled point per disc or vertebra of a
 * slice, the way public lumbar MRI sets are labelled (RSNA 2024's
 * `train_label_coordinates.csv`, the Tianchi 2020 spine set). Every reader
 * returns the same {@link Keypoint} shape; bad rows and points are skipped
 * with a reason, never fatal.
 *
 * Formats:
 * - CSV `image,x,y,label[,level][,patient_id]` (a header row is required;
 *   `path` may stand for `image`, `class` for `label`, `patient` for
 *   `patient_id`); image paths are relative to the CSV's folder.
 * - Tianchi JSON, in either of its two layouts:
 *   - numbered, as in `spine-mri-tianchi/labels.json`:
 *     `[{"id": "041-000", "point": [{"identification": 0..10, "class": 0..6, "coord": [x, y]}]}]`,
 *     images `<imageRoot>/<id>.jpg` (or .png, .dcm, ...);
 *   - the competition's own: `[{"studyUid", "data": [{"seriesUid", "instanceUid",
 *     "annotation": [{"data": {"point": [{"coord": [x, y], "tag": {"identification": "L4-L5", "disc": "v3"}}]}}]}]}]`,
 *     images found by SOP Instance UID among the DICOM files under `imageRoot`.
 *
 * See `docs/keypoint_crops.md` for label meanings and the data's quirks.
 *
 * @module
 */
import dicomParserModule from "dicom-parser";
import { DatasetError, parseCsv, type SkippedFile } from "./dataset.ts";

/** One labelled point on an image. */
export interface Keypoint {
  /** Path of the image: absolute, or relative to the working directory. */
  image: string;
  /** Column in pixels of the original image; 0 is the centre of the left pixel column. */
  x: number;
  /** Row in pixels of the original image; 0 is the centre of the top pixel row. */
  y: number;
  /** The label as annotated, e.g. `protrusion` (Tianchi codes are turned into names). */
  label: string;
  /** Level, normalised by {@link normalizeLevel}: `L4-L5` for a disc, `L4` for a vertebra. */
  level?: string;
  /** Patient (Tianchi: the study); crops of one patient stay in one split. */
  patientId?: string;
}

/** Annotation formats {@link readKeypoints} reads. */
export type KeypointFormat = "csv" | "tianchi";

/** Options of {@link readKeypoints}. */
export interface ReadKeypointsOptions {
  /** Default: by extension (`.csv`, `.json`), else by content. */
  format?: KeypointFormat;
  /**
   * Folder the image names are relative to. Default: the CSV's folder; for
   * Tianchi, `<json folder>/images` when it exists, else the JSON's folder.
   */
  imageRoot?: string;
}

/** What {@link readKeypoints} returns. */
export interface KeypointAnnotations {
  points: Keypoint[];
  /** Rows, studies and points left out, with reasons. */
  skipped: SkippedFile[];
  format: KeypointFormat;
  /** Facts about the file worth reporting, e.g. how levels were named. */
  notes: string[];
}

/** Image extensions tried for a numbered Tianchi study id, in order. */
const STUDY_IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "dcm", "bmp", "tif", "tiff"] as const;

/** Tianchi disc codes (`v1`..`v5`, numbered classes 2..6) as names. */
const TIANCHI_DISC = ["normal", "bulge", "protrusion", "extrusion", "schmorl node"] as const;
/** Tianchi vertebra codes (`v1`, `v2`, numbered classes 0, 1) as names. */
const TIANCHI_VERTEBRA = ["normal", "degeneration"] as const;

/**
 * Normalises a spinal level name: upper case, `/`, `_` and spaces between
 * two vertebrae become one `-`.
 *
 * @param name A level as written, e.g. `l4/l5`, `L4_L5`, `L4 - L5`.
 * @returns The normalised name, e.g. `L4-L5`.
 * @example
 * ```ts
 * normalizeLevel("l5/s1"); // "L5-S1"
 * ```
 */
export function normalizeLevel(name: string): string {
  return name.trim().toUpperCase().replace(/\s*[-/_\s]\s*/g, "-");
}

/**
 * Whether a level names a disc (`L4-L5`, between two vertebrae) or a
 * vertebra (`L4`).
 *
 * @param level A normalised level (see {@link normalizeLevel}).
 * @returns "disc", "vertebra", or undefined for a name that is neither.
 * @example
 * ```ts
 * levelKind("L4-L5"); // "disc"
 * levelKind("S1"); // "vertebra"
 * ```
 */
export function levelKind(level: string | undefined): "disc" | "vertebra" | undefined {
  if (level == null) return undefined;
  if (/^[CTLS]\d+-[CTLS]\d+$/.test(level)) return "disc";
  if (/^[CTLS]\d+$/.test(level)) return "vertebra";
  return undefined;
}

/** Levels from the sacrum up: L5-S1, L5, L4-L5, L4, ..., T1-T2, T1. */
const LEVELS_UP: readonly string[] = (() => {
  const vertebrae = [
    ...Array.from({ length: 5 }, (_, i) => `L${5 - i}`),
    ...Array.from({ length: 12 }, (_, i) => `T${12 - i}`),
  ];
  const out: string[] = [];
  let below = "S1";
  for (const v of vertebrae) {
    out.push(`${v}-${below}`, v);
    below = v;
  }
  return out;
})();

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : path.slice(0, i) || "/";
}

function resolve(base: string, name: string): string {
  if (name.startsWith("/") || base === ".") return name;
  return base.endsWith("/") ? base + name : `${base}/${name}`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The id that names a point everywhere: `image#level@x,y`, or `image@x,y` without a level.
 *
 * @param point The point.
 * @returns Its id.
 * @example
 * ```ts
 * keypointId({ image: "a.png", x: 3, y: 4, label: "bulge", level: "L4-L5" }); // "a.png#L4-L5@3,4"
 * ```
 */
export function keypointId(point: Keypoint): string {
  return `${point.image}${point.level != null ? `#${point.level}` : ""}@${point.x},${point.y}`;
}

/**
 * Reads point annotations from a CSV or a Tianchi JSON file.
 *
 * @param path The CSV or JSON file.
 * @param options Format and image folder.
 * @returns The points, what was skipped and why, and notes on the file.
 * @throws {DatasetError} When the file cannot be read, a CSV has no usable
 *   header or a row has the wrong number of fields (naming the file and
 *   line), or a JSON file is not a Tianchi layout.
 * @example
 * ```ts
 * const { points, skipped } = await readKeypoints("data/points.csv");
 * console.log(points[0]); // { image: "data/a.png", x: 120, y: 88, label: "bulge", level: "L4-L5" }
 * ```
 */
export async function readKeypoints(path: string, options: ReadKeypointsOptions = {}): Promise<KeypointAnnotations> {
  let text: string;
  try {
    text = (await Deno.readTextFile(path)).replace(/^\uFEFF/, "");
  } catch (e) {
    throw new DatasetError(`Cannot read annotations ${path}: ${(e as Error).message}`);
  }
  const format = options.format ?? detectFormat(path, text);
  if (format !== "csv" && format !== "tianchi") {
    throw new DatasetError(`Unknown annotation format "${format}". Valid formats are: csv, tianchi`);
  }
  if (format === "csv") return readCsv(path, text, options.imageRoot ?? dirname(path));
  let root = options.imageRoot;
  if (root == null) {
    const images = resolve(dirname(path), "images");
    root = await isDirectory(images) ? images : dirname(path);
  }
  return await readTianchi(path, text, root);
}

function detectFormat(path: string, text: string): KeypointFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".json")) return "tianchi";
  return /^\s*[[{]/.test(text) ? "tianchi" : "csv";
}

const CSV_COLUMNS: Record<string, readonly string[]> = {
  image: ["image", "path"],
  x: ["x"],
  y: ["y"],
  label: ["label", "class"],
  level: ["level"],
  patient_id: ["patient_id", "patient"],
};

function readCsv(path: string, text: string, base: string): KeypointAnnotations {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new DatasetError(`${path}:1: empty file; expected a header image,x,y,label`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.findIndex((h) => CSV_COLUMNS[name].includes(h));
  const missing = ["image", "x", "y", "label"].filter((c) => col(c) < 0);
  if (missing.length > 0) {
    throw new DatasetError(
      `${path}:1: the header needs the columns image,x,y,label[,level][,patient_id]; missing ${
        missing.join(", ")
      }. Found: ${rows[0].join(",")}`,
    );
  }
  // parseCsv drops blank lines, so count lines to name them right.
  const lineOf = csvLineNumbers(text);
  const points: Keypoint[] = [];
  const skipped: SkippedFile[] = [];
  rows.slice(1).forEach((r, i) => {
    const line = lineOf[i + 1] ?? i + 2;
    const where = `${path}:${line}`;
    if (r.length !== header.length) {
      throw new DatasetError(
        `${where}: expected ${header.length} fields (${header.join(",")}), found ${r.length}: ${r.join(",")}`,
      );
    }
    const field = (name: string) => col(name) < 0 ? "" : r[col(name)].trim();
    const image = field("image"), label = field("label");
    if (image === "" || label === "") {
      skipped.push({ path: where, reason: `row without ${image === "" ? "image" : "label"}` });
      return;
    }
    const x = Number(field("x")), y = Number(field("y"));
    if (field("x") === "" || field("y") === "" || !Number.isFinite(x) || !Number.isFinite(y)) {
      skipped.push({ path: where, reason: `coordinates are not numbers: x="${field("x")}", y="${field("y")}"` });
      return;
    }
    const point: Keypoint = { image: resolve(base, image), x, y, label };
    if (field("level") !== "") point.level = normalizeLevel(field("level"));
    if (field("patient_id") !== "") point.patientId = field("patient_id");
    points.push(point);
  });
  return { points, skipped, format: "csv", notes: [] };
}

/** Line number (1-based) of each non-blank CSV record, following parseCsv's rules for quotes. */
function csvLineNumbers(text: string): number[] {
  const lines: number[] = [];
  let line = 1, start = 1, quoted = false, blank = true;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (i === text.length || (!quoted && (ch === "\n" || ch === "\r"))) {
      if (!blank) lines.push(start);
      if (ch === "\r" && text[i + 1] === "\n") i++;
      line++;
      start = line;
      blank = true;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (ch === "\n") line++;
    if (ch !== ",") blank = false;
  }
  return lines;
}

// ---------------------------------------------------------------------------
// Tianchi

interface NumberedPoint {
  identification: number;
  class: number;
  coord: [number, number];
}

function isCoord(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length >= 2 && Number.isFinite(v[0]) && Number.isFinite(v[1]);
}

async function readTianchi(path: string, text: string, root: string): Promise<KeypointAnnotations> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const layoutError = () =>
    new DatasetError(
      `${path}: not a Tianchi layout: expected a list of studies, each {"id", "point": [...]} ` +
        `or {"studyUid", "data": [...]}`,
    );
  if (!Array.isArray(data)) throw layoutError();
  const first = data.find((s) => s != null && typeof s === "object") as Record<string, unknown> | undefined;
  if (first == null) throw layoutError();
  if ("point" in first) return await readNumbered(path, data, root);
  if ("studyUid" in first || "data" in first) return await readCompetition(path, data, root);
  throw layoutError();
}

/** The numbered layout: levels named from the image, since the numbering runs either way (see the docs). */
async function readNumbered(path: string, studies: unknown[], root: string): Promise<KeypointAnnotations> {
  const points: Keypoint[] = [];
  const skipped: SkippedFile[] = [];
  let bottomUp = 0, topDown = 0, reordered = 0;
  for (const [n, raw] of studies.entries()) {
    const study = raw as { id?: unknown; point?: unknown };
    const id = typeof study?.id === "string" || typeof study?.id === "number" ? String(study.id) : undefined;
    const where = `${path}#${id ?? n}`;
    if (id == null || !Array.isArray(study.point)) {
      skipped.push({ path: where, reason: `study ${n} has no "id" or no "point" list` });
      continue;
    }
    let image: string | undefined;
    for (const ext of STUDY_IMAGE_EXTENSIONS) {
      if (await isFile(resolve(root, `${id}.${ext}`))) {
        image = resolve(root, `${id}.${ext}`);
        break;
      }
    }
    if (image == null) {
      skipped.push({ path: where, reason: `no image ${resolve(root, id)}.{${STUDY_IMAGE_EXTENSIONS.join(",")}}` });
      continue;
    }
    const good: NumberedPoint[] = [];
    for (const p of study.point as Partial<NumberedPoint>[]) {
      const ident = p?.identification, cls = p?.class;
      const at = isCoord(p?.coord) ? `${p.coord[0]},${p.coord[1]}` : "?";
      if (!Number.isInteger(ident) || !Number.isInteger(cls) || !isCoord(p?.coord)) {
        skipped.push({ path: `${image}@${at}`, reason: `point without an integer identification, class or coord` });
        continue;
      }
      const disc = ident! % 2 === 0;
      const codes = disc ? TIANCHI_DISC : TIANCHI_VERTEBRA;
      const index = disc ? cls! - 2 : cls!;
      if (index < 0 || index >= codes.length) {
        skipped.push({
          path: `${image}@${at}`,
          reason: `class ${cls} is not a ${disc ? "disc (2..6)" : "vertebra (0, 1)"} class, ` +
            `yet identification ${ident} is a ${disc ? "disc" : "vertebra"}`,
        });
        continue;
      }
      good.push(p as NumberedPoint);
    }
    // Name levels from the image (head up): the points, sorted from the
    // bottom, must alternate disc and vertebra; the lowest is L5-S1 when it
    // is a disc, L5 when it is a vertebra.
    const up = [...good].sort((a, b) => b.coord[1] - a.coord[1]);
    const alternates = up.every((p, i) => i === 0 || p.identification % 2 !== up[i - 1].identification % 2);
    if (!alternates || up.length > LEVELS_UP.length) {
      for (const p of good) {
        skipped.push({
          path: `${image}@${p.coord[0]},${p.coord[1]}`,
          reason: `study ${id}: disc and vertebra points do not alternate from top to bottom, so levels are unknown`,
        });
      }
      continue;
    }
    const ids = up.map((p) => p.identification);
    if (ids.every((v, i) => i === 0 || v > ids[i - 1])) bottomUp++;
    else if (ids.every((v, i) => i === 0 || v < ids[i - 1])) topDown++;
    else reordered++;
    const offset = up.length > 0 && up[0].identification % 2 === 1 ? 1 : 0;
    const patientId = id.includes("-") ? id.slice(0, id.lastIndexOf("-")) : id;
    up.forEach((p, i) => {
      const disc = p.identification % 2 === 0;
      points.push({
        image,
        x: p.coord[0],
        y: p.coord[1],
        label: disc ? TIANCHI_DISC[p.class - 2] : TIANCHI_VERTEBRA[p.class],
        level: LEVELS_UP[i + offset],
        patientId,
      });
    });
  }
  const notes = [
    `levels named from the image, bottom disc = L5-S1: identification counted from the bottom in ${bottomUp} ` +
    `studies, from the top in ${topDown}, in another order in ${reordered}`,
  ];
  return { points, skipped, format: "tianchi", notes };
}

interface CompetitionPoint {
  coord?: unknown;
  tag?: { identification?: unknown; disc?: unknown; vertebra?: unknown };
}

interface UidReader {
  parseDicom(bytes: Uint8Array, options?: { untilTag?: string }): { string(tag: string): string | undefined };
}

/** SOP Instance UID (0008,0018) of every DICOM file under `root`. */
async function instanceIndex(root: string): Promise<Map<string, string>> {
  const parser = dicomParserModule as unknown as UidReader;
  const index = new Map<string, string>();
  const walk = async (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = resolve(dir, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile && e.name.toLowerCase().endsWith(".dcm")) {
        try {
          const uid = parser.parseDicom(await Deno.readFile(p), { untilTag: "x7fe00010" }).string("x00080018");
          if (uid && !index.has(uid.trim())) index.set(uid.trim(), p);
        } catch {
          // Not readable as DICOM: it cannot be an annotated image.
        }
      }
    }
  };
  await walk(root);
  return index;
}

function codeName(code: string, names: readonly string[]): string {
  const m = /^v(\d+)$/i.exec(code.trim());
  const i = m ? Number(m[1]) - 1 : -1;
  return i >= 0 && i < names.length ? names[i] : code.trim();
}

/** The competition's layout: string levels, `v1..v5` codes, DICOM images found by instance UID. */
async function readCompetition(path: string, studies: unknown[], root: string): Promise<KeypointAnnotations> {
  const index = await instanceIndex(root);
  const points: Keypoint[] = [];
  const skipped: SkippedFile[] = [];
  for (const [n, raw] of studies.entries()) {
    const study = raw as { studyUid?: unknown; data?: unknown };
    const studyUid = typeof study?.studyUid === "string" ? study.studyUid : undefined;
    const where = `${path}#${studyUid ?? n}`;
    const series = Array.isArray(study?.data) ? study.data as Record<string, unknown>[] : undefined;
    if (studyUid == null || series == null) {
      skipped.push({ path: where, reason: `study ${n} has no "studyUid" or no "data" list` });
      continue;
    }
    for (const s of series) {
      const instanceUid = typeof s?.instanceUid === "string" ? s.instanceUid : "";
      const annotation = (s?.annotation as { data?: { point?: unknown } }[] | undefined)?.[0];
      const list = annotation?.data?.point;
      if (!Array.isArray(list)) {
        skipped.push({ path: where, reason: `series ${s?.seriesUid ?? "?"} has no annotation points` });
        continue;
      }
      const image = index.get(instanceUid);
      if (image == null) {
        skipped.push({ path: where, reason: `no DICOM file under ${root} has SOP Instance UID ${instanceUid}` });
        continue;
      }
      for (const p of list as CompetitionPoint[]) {
        const ident = typeof p?.tag?.identification === "string" ? normalizeLevel(p.tag.identification) : undefined;
        if (!isCoord(p?.coord) || ident == null) {
          skipped.push({ path: `${image}@?`, reason: "point without coord or identification" });
          continue;
        }
        const id = `${image}#${ident}@${p.coord[0]},${p.coord[1]}`;
        const kind = levelKind(ident);
        const code = kind === "disc" ? p.tag?.disc : kind === "vertebra" ? p.tag?.vertebra : undefined;
        if (typeof code !== "string" || code.trim() === "") {
          skipped.push({ path: id, reason: `no ${kind ?? "disc or vertebra"} code for level ${ident}` });
          continue;
        }
        const names = kind === "disc" ? TIANCHI_DISC : TIANCHI_VERTEBRA;
        points.push({
          image,
          x: p.coord[0],
          y: p.coord[1],
          label: code.split(",").map((c) => codeName(c, names)).join(","),
          level: ident,
          patientId: studyUid,
        });
      }
    }
  }
  return { points, skipped, format: "tianchi", notes: [`${index.size} DICOM files indexed under ${root}`] };
}
