/**
 * `deno task evaluate`: evaluates a trained run again, on its own test split
 * or on another data set (an external test).
 */
import { runMain, startTask, UsageError } from "../lib/cli.ts";
import { evaluateRun } from "../lib/train/evaluate_run.ts";
import { formatEvaluation } from "../lib/train/format_evaluation.ts";
import { dataSpecFromArgs, keypointArgs } from "../lib/data/data_spec_from_args.ts";

const USAGE = `Usage: deno task evaluate --run DIR [--data OTHER] [--out DIR]

  --run DIR       a run folder written by deno task train or deno task svm (the hybrid)
  --data OTHER    evaluate on another data set (class folders, manifest.csv, DICOM, or a keypoint annotation
                  file as in deno task train); classes are matched by name and images of classes the model
                  does not know are left out
  --crop, --levels, --class-map, --mode   keypoint options, as in deno task train (use the training run's)
  --out DIR       where to write (default: the run folder itself, or <run>-external with --data)
  --backend NAME  tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(
  USAGE,
  { run: { type: "string" }, data: { type: "string" }, out: { type: "string" } },
  Deno.args,
  {
    backend: true,
  },
);

await runMain(async () => {
  if (args.run == null) throw new UsageError("--run is required");
  const dir = String(args.run);
  const result = await evaluateRun(dir, {
    data: args.data ? await dataSpecFromArgs(String(args.data), keypointArgs(args)) : undefined,
    out: args.out as string | undefined,
  });
  const title = args.data ? `${dir} on ${args.data}` : `${dir}, test split`;
  console.log(formatEvaluation(result.evaluation, title));
  console.log(`\nWrote ${result.out}/: metrics.json, metrics.csv, confusion_matrix, roc, top_losses`);
});
