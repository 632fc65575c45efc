/**
 * A finished run's data and split, reloaded and checked: what the hybrid and
 * the ensembles build on.
 *
 * @module
 */
import { loadStudyData, type StudyData } from "../data/study_data.ts";
import type { RunRecord } from "../train/run.ts";

/** `split.json` as `trainRun` writes it. */
export interface RunSplitIds {
  seed: number;
  by: string;
  train: string[];
  val: string[];
  test: string[];
}

/** A run's record, its split by id and by data index, and (optionally) its data. */
export interface RunData {
  /** The run folder. */
  dir: string;
  /** `config.json`. */
  record: RunRecord;
  /** `split.json`. */
  splitIds: RunSplitIds;
  /** The data, loaded at the run's image size. */
  data: StudyData;
  /** Item indices of each split, in `split.json`'s order. */
  split: { train: number[]; val: number[]; test: number[] };
}

/**
 * A run folder that cannot be used: missing files, changed data, or a split that no longer matches.
 *
 * @example
 * ```ts
 * try {
 *   await loadRunData("outputs/runs/missing");
 * } catch (e) {
 *   e instanceof RunDataError; // true: "... is not a finished run: cannot read config.json ..."
 * }
 * ```
 */
export class RunDataError extends Error {
  /**
   * @param message What is wrong, naming the run.
   */
  constructor(message: string) {
    super(message);
    this.name = "RunDataError";
  }
}

/**
 * Reads a run's `config.json` and `split.json`.
 *
 * @param dir The run folder.
 * @returns The record and the split ids.
 * @throws {RunDataError} When either file is missing or unreadable.
 * @example
 * ```ts
 * const { record, splitIds } = await readRunRecord("outputs/runs/cnn-quick");
 * ```
 */
export async function readRunRecord(dir: string): Promise<{ record: RunRecord; splitIds: RunSplitIds }> {
  const read = async (name: string) => {
    try {
      return JSON.parse(await Deno.readTextFile(`${dir}/${name}`));
    } catch (e) {
      throw new RunDataError(`${dir} is not a finished run: cannot read ${name} (${(e as Error).message})`);
    }
  };
  const record = await read("config.json") as RunRecord;
  const splitIds = await read("split.json") as RunSplitIds;
  if (record.data == null || record.settings?.size == null || !Array.isArray(record.classes)) {
    throw new RunDataError(`${dir}/config.json lacks data, settings.size or classes: not a run's config`);
  }
  if (![splitIds.train, splitIds.val, splitIds.test].every(Array.isArray)) {
    throw new RunDataError(`${dir}/split.json lacks the train, val or test ids`);
  }
  return { record, splitIds };
}

/**
 * Reloads a run's data at its image size (regenerating the phantom, or
 * reading the folder through the cache), checks that it is the data the run
 * was trained on (same hash and classes), and maps `split.json`'s ids back to
 * item indices.
 *
 * @param dir The run folder.
 * @param options `cacheDir` for on-disk data (default `outputs/cache`); `data` to reuse data already loaded
 *   (it must have the run's hash and size).
 * @returns The run's record, split and data.
 * @throws {RunDataError} When files are missing, the data changed, or a split id is not in the data.
 * @example
 * ```ts
 * const { data, split } = await loadRunData("outputs/runs/cnn-quick");
 * const test = data.source(split.test);
 * ```
 */
export async function loadRunData(
  dir: string,
  options: { cacheDir?: string; data?: StudyData } = {},
): Promise<RunData> {
  const { record, splitIds } = await readRunRecord(dir);
  const size = record.settings.size;
  const data = options.data && options.data.size === size && options.data.hash === record.dataHash
    ? options.data
    : await loadStudyData(record.data, size, { cacheDir: options.cacheDir ?? "outputs/cache" });
  if (data.hash !== record.dataHash) {
    throw new RunDataError(
      `The data of ${dir} changed since it was trained: hash ${record.dataHash.slice(0, 12)} then, ` +
        `${data.hash.slice(0, 12)} now`,
    );
  }
  if (JSON.stringify(data.classes) !== JSON.stringify(record.classes)) {
    throw new RunDataError(
      `The classes of ${dir} differ from its data's: ${record.classes.join(", ")} vs ${data.classes.join(", ")}`,
    );
  }
  const index = new Map(data.items.map((it, i) => [it.id, i]));
  const toIndex = (ids: string[], name: string) =>
    ids.map((id) => {
      const i = index.get(id);
      if (i == null) throw new RunDataError(`${dir}/split.json: ${name} id "${id}" is not in the run's data`);
      return i;
    });
  return {
    dir,
    record,
    splitIds,
    data,
    split: {
      train: toIndex(splitIds.train, "train"),
      val: toIndex(splitIds.val, "val"),
      test: toIndex(splitIds.test, "test"),
    },
  };
}
