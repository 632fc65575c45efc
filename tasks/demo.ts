/**
 * `deno task demo`: the main job. Runs the whole study on the embedded
 * synthetic phantom (not real anatomy, not for clinical use): data and
 * leakage checks, the seven CNNs on the quick profile, the CNN-SVM hybrid,
 * the ensembles, evaluation with confidence intervals, Grad-CAM galleries
 * and faithfulness scores. Writes `<out>/report.html`, `<out>/summary.json`
 * and one run folder per stage under `<out>/runs/`.
 */
import { formatTable, fractionOption, intOption, runMain, startTask, UsageError } from "../lib/cli.ts";
import { listModels } from "../lib/models/mod.ts";
import { PAPER_MODELS, runStudy } from "../lib/study/run_study.ts";
import { comparisonCells } from "../lib/train/compare_runs.ts";
import { PROFILE_NAMES } from "../lib/train/profiles.ts";
import { dataSpecFromArgs, keypointArgs } from "../lib/data/data_spec_from_args.ts";
import type { FaithfulnessReport } from "../lib/explain/faithfulness_types.ts";

const USAGE = `Usage: deno task demo [options]

Runs the whole study on the synthetic phantom (synthetic images, not for clinical use).

  --profile P       ${PROFILE_NAMES.join(" | ")} (default quick: about 10 minutes on 2 cores)
  --models a,b      models to train (default the paper's seven: ${PAPER_MODELS.join(",")})
  --out DIR         output folder (default outputs): report.html, summary.json, runs/
  --data PATH       your data instead of the phantom: class folders, manifest.csv, DICOM, or keypoint annotations
                    (as deno task train; with --crop, --levels, --class-map, --mode)
  --resume          keep finished runs and continue an interrupted one
  --seed N          one seed for data, split, initialisation, batches and augmentation (default 42)
  --per-class N     phantom images per class (profile default)
  --difficulty D    phantom difficulty, 0 (easy) to 1 (hard) (profile default)
  --size N          image side (profile default)
  --epochs N        most epochs per CNN (profile default)
  --skip S          stages to skip: hybrid,ensemble,gradcam
  --gradcam-images N  test images per model for Grad-CAM (default 24)
  --backend NAME    tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(USAGE, {
  profile: { type: "string" },
  models: { type: "string" },
  out: { type: "string" },
  resume: { type: "boolean" },
  seed: { type: "string" },
  "per-class": { type: "string" },
  difficulty: { type: "string" },
  size: { type: "string" },
  epochs: { type: "string" },
  skip: { type: "string" },
  "gradcam-images": { type: "string" },
  data: { type: "string" },
  crop: { type: "string" },
  levels: { type: "string" },
  "class-map": { type: "string" },
  mode: { type: "string" },
});

await runMain(async () => {
  const models = args.models ? String(args.models).split(",") : [...PAPER_MODELS];
  const unknown = models.filter((m) => !listModels().includes(m));
  if (unknown.length > 0) {
    throw new UsageError(`unknown model(s) ${unknown.join(", ")}. Valid models are: ${listModels().join(", ")}`);
  }
  const profile = String(args.profile ?? "quick");
  if (!(PROFILE_NAMES as readonly string[]).includes(profile)) {
    throw new UsageError(`unknown profile "${profile}". Valid profiles are: ${PROFILE_NAMES.join(", ")}`);
  }
  const skip = args.skip ? String(args.skip).split(",") : [];
  const badSkip = skip.filter((s) => !["hybrid", "ensemble", "gradcam"].includes(s));
  if (badSkip.length > 0) {
    throw new UsageError(`--skip takes hybrid, ensemble, gradcam. Received: ${badSkip.join(", ")}`);
  }
  const settings: Record<string, number> = {};
  if (args["per-class"] != null) settings.perClass = intOption("per-class", args["per-class"], 0);
  if (args.size != null) settings.size = intOption("size", args.size, 0);
  if (args.epochs != null) settings.epochs = intOption("epochs", args.epochs, 0);
  if (args.difficulty != null) settings.difficulty = fractionOption("difficulty", args.difficulty, 0.5);
  const out = String(args.out ?? "outputs");

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) Deno.exit(130);
    console.error("\n[demo] Ctrl-C: stopping after this batch (press again to quit at once)...");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onSigint);
  const t0 = performance.now();
  const data = args.data ? await dataSpecFromArgs(String(args.data), keypointArgs(args)) : undefined;
  if (data == null) console.error("[demo] the data is a synthetic phantom: not real anatomy, not for clinical use");
  const summary = await runStudy({
    out,
    data,
    profile,
    settings,
    models,
    seed: intOption("seed", args.seed, 42),
    resume: Boolean(args.resume),
    skip: skip as ("hybrid" | "ensemble" | "gradcam")[],
    gradcamImages: intOption("gradcam-images", args["gradcam-images"], 24),
    signal: controller.signal,
  }).finally(() => Deno.removeSignalListener("SIGINT", onSigint));
  const minutes = (performance.now() - t0) / 60000;

  const { header, rows } = comparisonCells(summary.comparison);
  console.log(`\n${formatTable(header, rows)}`);
  console.log("Test split; % with 95% bootstrap intervals; precision, recall, F1 and AUC are macro averages.");
  const faith = Object.entries(summary.faithfulness) as [string, FaithfulnessReport][];
  if (faith.length > 0) {
    const pct = (v: number | null | undefined) => (v == null ? "n/a" : `${(100 * v).toFixed(0)}%`);
    const num = (v: number | null | undefined) => (v == null ? "n/a" : v.toFixed(2));
    console.log("\nGrad-CAM faithfulness on the test split (random-map baseline in brackets):");
    console.log(formatTable(
      ["run", "map", "pointing game", "+-tolerance", "energy in lesion", "deletion AUC", "insertion AUC", "sanity"],
      faith.map(([run, r]) => {
        const m = r.methods[0], loc = m.localisation, rnd = r.randomBaseline;
        return [
          run,
          `${r.featureMap.width}x${r.featureMap.height}`,
          `${pct(loc?.pointing)} (${pct(rnd.localisation?.pointing)})`,
          `${pct(loc?.pointingTolerant)} (${pct(rnd.localisation?.pointingTolerant)})`,
          `${pct(loc?.energy)} (${pct(rnd.localisation?.energy)})`,
          `${num(m.deletionInsertion.deletionAuc)} (${num(rnd.deletionInsertion.deletionAuc)})`,
          `${num(m.deletionInsertion.insertionAuc)} (${num(rnd.deletionInsertion.insertionAuc)})`,
          m.sanity.passed == null ? "n/a" : m.sanity.passed ? "pass" : "FAIL",
        ];
      }),
    ));
  }
  if (summary.interrupted) {
    console.log(`\nInterrupted. Continue with: deno task demo --out ${out} --resume`);
    Deno.exit(130);
  }
  console.log(`\nDone in ${minutes.toFixed(1)} min. Wrote ${out}/report.html, ${out}/summary.json and ${out}/runs/.`);
});
