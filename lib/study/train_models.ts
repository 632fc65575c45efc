/**
 * The steps that `deno task demo` and `deno task bench:real` share: time
 * stages, train each CNN into its own run folder (keeping finished ones on
 * resume), and pick the hybrid's backbone.
 *
 * @module
 */
import type { DataSpec } from "../data/study_data.ts";
import type { TrainSettings } from "../train/profiles.ts";
import { trainRun } from "../train/run.ts";

/** A JSON file's content, or undefined when it is missing or not JSON. */
export async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  return await Deno.readTextFile(path).then(JSON.parse).catch(() => undefined);
}

/**
 * Wall seconds per named stage (to 0.1 s), filled by `timed`, which runs a
 * stage and records its time even when it throws.
 */
export function stageTimer(): {
  seconds: Record<string, number>;
  timed: <T>(stage: string, f: () => Promise<T>) => Promise<T>;
} {
  const seconds: Record<string, number> = {};
  const timed = async <T>(stage: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      seconds[stage] = Math.round((performance.now() - t0) / 100) / 10;
    }
  };
  return { seconds, timed };
}

/** Whether a run folder holds a finished run (`status.json` says `completed`). */
export async function runCompleted(dir: string): Promise<boolean> {
  return (await readJson(`${dir}/status.json`))?.state === "completed";
}

/** Options of {@link trainModels}. */
export interface TrainModelsOptions {
  /** Parent of the run folders, one per model. */
  runsDir: string;
  /** Log prefix, e.g. `study`. */
  tag: string;
  /** The profile named in each run's record. */
  profile: string;
  /** Each model's settings. */
  settingsFor: (model: string) => TrainSettings;
  data: DataSpec;
  seed: number;
  /** Keep finished runs and continue interrupted ones. */
  resume?: boolean;
  signal?: AbortSignal;
  log: (line: string) => void;
  /** Times a stage (`train MODEL`). */
  timed: <T>(stage: string, f: () => Promise<T>) => Promise<T>;
}

/**
 * Trains the models in turn, each into `runsDir/MODEL`, logging its test
 * accuracy with its interval. Stops at the first interrupted run.
 *
 * @returns The finished run folders, and whether a run was interrupted.
 */
export async function trainModels(
  models: readonly string[],
  o: TrainModelsOptions,
): Promise<{ runs: string[]; interrupted: boolean }> {
  const runs: string[] = [];
  const pct = (v: number) => (100 * v).toFixed(1);
  for (const model of models) {
    const dir = `${o.runsDir}/${model}`;
    if (o.resume && await runCompleted(dir)) {
      o.log(`[${o.tag}] ${model}: finished earlier, kept`);
      runs.push(dir);
      continue;
    }
    const result = await o.timed(
      `train ${model}`,
      () =>
        trainRun(
          { model, profile: o.profile, settings: o.settingsFor(model), data: o.data, seed: o.seed },
          dir,
          { resume: o.resume, signal: o.signal, log: o.log },
        ),
    );
    if (result.stopReason === "interrupted") return { runs, interrupted: true };
    runs.push(dir);
    const t = result.test!;
    o.log(
      `[${o.tag}] ${model}: test accuracy ${pct(t.accuracy)}% [${pct(t.ci.accuracy.low)}, ${
        pct(t.ci.accuracy.high)
      }], macro-F1 ${pct(t.macroF1)}% in ${result.trainSeconds.toFixed(0)} s`,
    );
  }
  return { runs, interrupted: false };
}

/**
 * The run with the best validation macro-F1, as a user would pick the
 * hybrid's backbone (the first on ties; -1 where no run has one).
 */
export async function bestByValidationF1(runs: readonly string[]): Promise<{ run: string; valMacroF1: number }> {
  let run = runs[0], valMacroF1 = -1;
  for (const dir of runs) {
    const f1 = ((await readJson(`${dir}/metrics.json`))?.val as { macroF1?: number } | undefined)?.macroF1 ?? -1;
    if (f1 > valMacroF1) [run, valMacroF1] = [dir, f1];
  }
  return { run, valMacroF1 };
}
