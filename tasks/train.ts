/**
 * `deno task train`: trains and evaluates one model, writing a
 * self-describing run folder (see lib/train/run.ts). Ctrl-C stops after the
 * current batch and keeps the last epoch's checkpoint; `--resume` continues.
 */
import { fractionOption, intOption, runMain, startTask, UsageError } from "../lib/cli.ts";
import { listModels } from "../lib/models/mod.ts";
import { trainRun } from "../lib/train/run.ts";
import { PROFILE_NAMES, profileSettings } from "../lib/train/profiles.ts";
import { formatEvaluation } from "../lib/train/format_evaluation.ts";
import type { DataSpec } from "../lib/data/study_data.ts";
import { dataSpecFromArgs, keypointArgs } from "../lib/data/data_spec_from_args.ts";

const USAGE = `Usage: deno task train --model NAME [options]

  --model NAME        ${listModels().join(", ")}
  --profile P         ${PROFILE_NAMES.join(" | ")} (default quick; see README "Profiles")
  --data PATH         class folders, a folder with manifest.csv, or DICOM; or a keypoint annotation file
                      (.csv image,x,y,label[,level][,patient_id], or Tianchi .json) for crops around each point
                      (default: the synthetic phantom)
  --crop C            keypoints: crop side as a fraction of the image height (default 0.2) or pixels (48px)
  --levels L          keypoints: discs | vertebrae | a list such as L4-L5,L5-S1 (default all)
  --class-map M       keypoints: JSON file or inline JSON {"raw label": "Class"} merging labels
  --mode M            keypoints: crops (default) or slices (whole slices, positive when a point is Herniated disk)
  --out DIR           run folder (default outputs/runs/<model>-<profile>)
  --resume            continue the run in --out from its last checkpoint
  --seed N            one seed for data, split, initialisation, batches, augmentation (default 42)
  --size N            image side (profile default)
  --epochs N          most epochs (profile default)
  --batch N           batch size (profile default)
  --lr X              Adam's learning rate (profile default)
  --per-class N       phantom images per class (profile default)
  --difficulty D      phantom difficulty, 0 (easy) to 1 (hard) (profile default)
  --patience N        early-stopping patience, 0 for none (profile default)
  --class-weights W   none | balanced (profile default: none)
  --no-augment        train without augmentation
  --pretrained FILE   tfjs layers-format weights (model.json) loaded by layer name
  --backend NAME      tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(USAGE, {
  model: { type: "string" },
  profile: { type: "string" },
  data: { type: "string" },
  out: { type: "string" },
  resume: { type: "boolean" },
  seed: { type: "string" },
  size: { type: "string" },
  epochs: { type: "string" },
  batch: { type: "string" },
  lr: { type: "string" },
  "per-class": { type: "string" },
  difficulty: { type: "string" },
  patience: { type: "string" },
  "class-weights": { type: "string" },
  "no-augment": { type: "boolean" },
  pretrained: { type: "string" },
  crop: { type: "string" },
  levels: { type: "string" },
  "class-map": { type: "string" },
  mode: { type: "string" },
});

await runMain(async () => {
  const model = args.model as string | undefined;
  if (model == null) throw new UsageError(`--model is required. Valid models are: ${listModels().join(", ")}`);
  if (!listModels().includes(model)) {
    throw new UsageError(`unknown model "${model}". Valid models are: ${listModels().join(", ")}`);
  }
  const profile = String(args.profile ?? "quick");
  let settings;
  try {
    settings = profileSettings(profile, model);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  settings.size = intOption("size", args.size, settings.size);
  settings.epochs = intOption("epochs", args.epochs, settings.epochs);
  settings.batchSize = intOption("batch", args.batch, settings.batchSize);
  settings.perClass = intOption("per-class", args["per-class"], settings.perClass);
  settings.difficulty = fractionOption("difficulty", args.difficulty, settings.difficulty);
  if (args.patience != null) {
    const p = Number(args.patience);
    if (!Number.isInteger(p) || p < 0) throw new UsageError(`--patience must be 0 or more. Received: ${args.patience}`);
    settings.patience = p;
  }
  if (args.lr != null) {
    const lr = Number(args.lr);
    if (!(lr > 0 && lr < 1)) throw new UsageError(`--lr must be in (0, 1). Received: ${args.lr}`);
    settings.learningRate = lr;
  }
  if (args["class-weights"] != null) {
    const w = String(args["class-weights"]);
    if (w !== "none" && w !== "balanced") {
      throw new UsageError(`--class-weights must be none or balanced. Received: ${w}`);
    }
    settings.classWeights = w;
  }
  if (args["no-augment"]) settings.augment = false;
  const seed = intOption("seed", args.seed, 42);
  const data: DataSpec = args.data ? await dataSpecFromArgs(String(args.data), keypointArgs(args)) : {
    kind: "phantom",
    perClass: settings.perClass,
    difficulty: settings.difficulty,
    seed,
  };
  const dir = String(args.out ?? `outputs/runs/${model}-${profile}`);

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) Deno.exit(130);
    console.error("\n[train] Ctrl-C: stopping after this batch (press again to quit at once)...");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onSigint);
  try {
    const result = await trainRun(
      { model, profile, settings, data, seed, pretrained: args.pretrained as string | undefined },
      dir,
      { resume: Boolean(args.resume), signal: controller.signal },
    );
    if (result.stopReason === "interrupted") {
      const epoch = result.history.at(-1)?.epoch ?? 0;
      console.error(
        `[train] interrupted: the checkpoint of epoch ${epoch} is in ${dir}/checkpoint. ` +
          `Continue with: deno task train --model ${model} --profile ${profile} --out ${dir} --resume`,
      );
      Deno.exit(130);
    }
    console.log(`\n${formatEvaluation(result.test!, `${model}, test split`)}`);
    console.log(
      `\nTrained ${result.history.length} epochs in ${result.trainSeconds.toFixed(0)} s (${result.stopReason}).`,
    );
    console.log(`Wrote ${dir}/: config.json, split.json, history.json, metrics.json, metrics.csv, plots, model/`);
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
  }
});
