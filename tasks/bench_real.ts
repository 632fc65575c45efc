/**
 * `deno task bench:real`: the study on real lumbar MRI (the Tianchi slices in
 * `../shared/data/spine-mri-tianchi/`, no data licence: measured here, never
 * copied into the repository). Disc crops in three classes for every CNN,
 * the hybrid and the ensembles; a whole-slice model whose Grad-CAM peak is
 * checked against the herniated discs' points. See docs/real_data.md.
 */
import { formatTable, intOption, runMain, startTask, UsageError } from "../lib/cli.ts";
import { listModels } from "../lib/models/mod.ts";
import {
  BENCH_REAL_DEFAULTS as D,
  BENCH_REAL_STAGES,
  benchReal,
  type BenchRealStage,
  formatBenchReal,
} from "../lib/study/bench_real.ts";
import { PAPER_MODELS } from "../lib/study/run_study.ts";

const USAGE = `Usage: deno task bench:real [options]

Trains and explains on real lumbar MRI: disc crops (Normal, Bulge, Herniated disk) and whole slices.
The data has no licence: it is read where it lies; outputs go under --out (keep them out of the repository).

  --data DIR          folder with labels.json and images/, or the labels file (default ${D.data})
  --models a,b        crop CNNs (default ${D.models.join(",")}: 7 to 15 minutes on 2 shared cores);
                      "paper" for the paper's seven, ${PAPER_MODELS.join(",")}
                      (78 minutes with --epochs 2; see docs/real_data.md)
  --size N            crop side (default ${D.size})
  --epochs N          most epochs per crop CNN (default ${D.epochs}; early stopping and the rest as the quick profile)
  --slice-model NAME  whole-slice model (default ${D.sliceModel})
  --slice-size N      whole-slice side (default ${D.sliceSize})
  --slice-epochs N    most epochs of the whole-slice model (default ${D.sliceEpochs})
  --tolerances a,b    localisation distances as fractions of the slice side (default ${D.tolerances.join(",")})
  --gradcam-images N  test crops per CNN in the Grad-CAM galleries (default ${D.gradcamImages})
  --skip S            stages to skip: ${BENCH_REAL_STAGES.join(",")}
  --seed N            one seed for split, initialisation, batches, augmentation (default ${D.seed})
  --phantom FILE      the phantom demo's summary to compare with (default ${D.phantomSummary})
  --out DIR           output folder (default ${D.out}): runs/, report.html, summary.json
  --resume            keep finished runs and continue an interrupted one
  --backend NAME      tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(USAGE, {
  data: { type: "string" },
  models: { type: "string" },
  size: { type: "string" },
  epochs: { type: "string" },
  "slice-model": { type: "string" },
  "slice-size": { type: "string" },
  "slice-epochs": { type: "string" },
  tolerances: { type: "string" },
  "gradcam-images": { type: "string" },
  skip: { type: "string" },
  seed: { type: "string" },
  phantom: { type: "string" },
  out: { type: "string" },
  resume: { type: "boolean" },
});

await runMain(async () => {
  const models = args.models == null
    ? [...D.models]
    : String(args.models) === "paper"
    ? [...PAPER_MODELS]
    : String(args.models).split(",");
  const sliceModel = String(args["slice-model"] ?? D.sliceModel);
  const unknown = [...models, sliceModel].filter((m) => !listModels().includes(m));
  if (unknown.length > 0) {
    throw new UsageError(`unknown model(s) ${unknown.join(", ")}. Valid models are: ${listModels().join(", ")}`);
  }
  const skip = args.skip ? String(args.skip).split(",") : [];
  const badSkip = skip.filter((s) => !(BENCH_REAL_STAGES as readonly string[]).includes(s));
  if (badSkip.length > 0) {
    throw new UsageError(`--skip takes ${BENCH_REAL_STAGES.join(", ")}. Received: ${badSkip.join(", ")}`);
  }
  const tolerances = args.tolerances ? String(args.tolerances).split(",").map(Number) : [...D.tolerances];
  if (tolerances.some((t) => !(t > 0 && t <= 1))) {
    throw new UsageError(`--tolerances takes fractions of the side in (0, 1]. Received: ${args.tolerances}`);
  }
  const out = String(args.out ?? D.out);

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) Deno.exit(130);
    console.error("\n[bench:real] Ctrl-C: stopping after this batch (press again to quit at once)...");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onSigint);
  const t0 = performance.now();
  console.error("[bench:real] real MRI without a data licence: outputs stay under --out, not in the repository");
  const summary = await benchReal({
    data: args.data == null ? undefined : String(args.data),
    out,
    models,
    size: intOption("size", args.size, D.size),
    epochs: intOption("epochs", args.epochs, D.epochs),
    sliceModel,
    sliceSize: intOption("slice-size", args["slice-size"], D.sliceSize),
    sliceEpochs: intOption("slice-epochs", args["slice-epochs"], D.sliceEpochs),
    tolerances,
    gradcamImages: intOption("gradcam-images", args["gradcam-images"], D.gradcamImages),
    skip: skip as BenchRealStage[],
    seed: intOption("seed", args.seed, D.seed),
    phantomSummary: args.phantom == null ? undefined : String(args.phantom),
    resume: Boolean(args.resume),
    signal: controller.signal,
  }).finally(() => Deno.removeSignalListener("SIGINT", onSigint));
  const minutes = (performance.now() - t0) / 60000;

  console.log(`\n${formatBenchReal(summary)}`);
  const stages = Object.entries(summary.seconds).filter(([k]) => k !== "total");
  console.log(`\nSeconds per stage:\n${formatTable(["stage", "s"], stages.map(([k, v]) => [k, v.toFixed(1)]))}`);
  if (summary.interrupted) {
    console.log(`\nInterrupted. Continue with: deno task bench:real --out ${out} --resume`);
    Deno.exit(130);
  }
  console.log(`\nDone in ${minutes.toFixed(1)} min. Wrote ${out}/report.html, ${out}/summary.json and ${out}/runs/.`);
});
