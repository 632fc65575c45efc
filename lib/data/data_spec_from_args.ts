/**
 * Turns a task's `--data` argument into a {@link DataSpec}: a folder is a
 * data set of class folders, a manifest or DICOM; a `.json` or `.csv` file is
 * a keypoint annotation file (crops around each point, or whole slices).
 *
 * @module
 */
import { DatasetError } from "./dataset.ts";
import { readClassMap } from "./keypoint_classes.ts";
import type { DataSpec } from "./study_data.ts";

/** Keypoint options a task may pass along. */
export interface KeypointArgs {
  /** Crop side: a fraction of the image height (`0.2`) or pixels (`48px`). */
  crop?: string;
  /** `discs`, `vertebrae`, or levels such as `L4-L5,L5-S1`. */
  levels?: string;
  /** A JSON class map file or inline JSON: `{"raw label": "Class"}`. */
  classMap?: string;
  /** `crops` (default) or `slices`. */
  mode?: string;
}

/**
 * The data spec for a `--data` path.
 *
 * @param path A folder, or a keypoint annotation file.
 * @param keypoints Keypoint options (ignored for folders).
 * @throws {DatasetError} When the path does not exist or an option is malformed.
 * @example
 * ```ts
 * await dataSpecFromArgs("data/phantom"); // { kind: "folder", path: "data/phantom" }
 * ```
 */
export async function dataSpecFromArgs(path: string, keypoints: KeypointArgs = {}): Promise<DataSpec> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (e) {
    throw new DatasetError(`Cannot read --data ${path}: ${(e as Error).message}`);
  }
  if (stat.isDirectory) return { kind: "folder", path };
  if (!/\.(json|csv)$/i.test(path)) {
    throw new DatasetError(`--data ${path} is a file but not a keypoint annotation file (.json or .csv)`);
  }
  const spec: DataSpec = { kind: "keypoints", annotations: path };
  if (keypoints.crop != null) {
    const px = /^(\d+)px$/.exec(keypoints.crop);
    const fraction = Number(keypoints.crop);
    if (px) spec.crop = { pixels: Number(px[1]) };
    else if (fraction > 0 && fraction <= 1) spec.crop = { fraction };
    else {throw new DatasetError(
        `--crop must be a fraction of the height in (0, 1] or pixels like 48px. Received: ${keypoints.crop}`,
      );}
  }
  if (keypoints.levels != null) {
    spec.levels = keypoints.levels === "discs" || keypoints.levels === "vertebrae"
      ? keypoints.levels
      : keypoints.levels.split(",").map((l) => l.trim()).filter((l) => l.length > 0);
  }
  if (keypoints.classMap != null) spec.classMap = await readClassMap(keypoints.classMap);
  if (keypoints.mode != null) {
    if (keypoints.mode !== "crops" && keypoints.mode !== "slices") {
      throw new DatasetError(`--mode must be crops or slices. Received: ${keypoints.mode}`);
    }
    spec.mode = keypoints.mode;
  }
  return spec;
}

/** The keypoint options of a task's parsed arguments (`--crop`, `--levels`, `--class-map`, `--mode`). */
export function keypointArgs(args: Record<string, string | boolean | undefined>): KeypointArgs {
  const str = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);
  return { crop: str(args.crop), levels: str(args.levels), classMap: str(args["class-map"]), mode: str(args.mode) };
}
