/**
 * `deno task svm --backbone RUN`: the CNN-SVM hybrid on a trained run's
 * features (or a fresh or pretrained backbone's), with handcrafted features,
 * optional PCA, an SVM chosen by cross-validation on the training split, and
 * the feature ablation, written as a run folder (see lib/hybrid/hybrid_run.ts).
 */
import { intOption, runMain, startTask, UsageError } from "../lib/cli.ts";
import type { DataSpec } from "../lib/data/study_data.ts";
import { HYBRID_FEATURE_SETS, type HybridFeatureSet, trainHybridRun } from "../lib/hybrid/mod.ts";
import { listModels } from "../lib/models/mod.ts";
import { type KernelType } from "../lib/svm/mod.ts";
import { formatEvaluation } from "../lib/train/format_evaluation.ts";

const KERNELS: readonly KernelType[] = ["rbf", "linear", "poly"];

const USAGE = `Usage: deno task svm --backbone RUN [options]

  --backbone RUN        a finished run folder (config.json, split.json, model/): its data, split and weights
  --model NAME          instead of --backbone, a freshly initialised backbone: ${listModels().join(", ")}
  --pretrained FILE     with --model: tfjs layers-format weights (model.json) loaded by layer name
  --data DIR            with --model: class folders or a manifest (default: the synthetic phantom)
  --size N              with --model: image side (default 64)
  --per-class N         with --model: phantom images per class (default 60)
  --seed N              with --model: the study's seed (default 42; a run keeps its own)
  --features F          ${HYBRID_FEATURE_SETS.join(" | ")} (default both)
  --pca X               PCA after standardising: a variance fraction in (0, 1), e.g. 0.95, or a
                        component count, e.g. 50 (default: none)
  --kernel K            ${KERNELS.join(" | ")} (default rbf)
  --C LIST              values of C to try, comma-separated (default 0.1,1,10,100; linear 0.01,0.1,1,10)
  --gamma LIST          multiples of gamma="scale" to try, comma-separated (default 0.1,1,10)
  --folds N             stratified cross-validation folds on the training split, each patient in one
                        fold when the data has patient ids (default 5)
  --scoring S           accuracy | macro_f1: what the grid search maximises (default accuracy)
  --ablation-pca X      PCA of the ablation's PCA variants (default --pca, else 0.95)
  --no-ablation         skip the ablation (CNN / handcrafted / both, with and without PCA)
  --out DIR             the hybrid's run folder (default outputs/runs/<backbone>-svm)
  --backend NAME        tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(USAGE, {
  backbone: { type: "string" },
  model: { type: "string" },
  pretrained: { type: "string" },
  data: { type: "string" },
  size: { type: "string" },
  "per-class": { type: "string" },
  seed: { type: "string" },
  features: { type: "string" },
  pca: { type: "string" },
  kernel: { type: "string" },
  C: { type: "string" },
  gamma: { type: "string" },
  folds: { type: "string" },
  scoring: { type: "string" },
  "ablation-pca": { type: "string" },
  "no-ablation": { type: "boolean" },
  out: { type: "string" },
});

/** A PCA request: a fraction in (0, 1) or a count >= 1. */
function pcaOption(name: string, value: unknown): number | undefined {
  if (value == null) return undefined;
  const n = Number(value);
  if (!((n > 0 && n < 1) || (Number.isInteger(n) && n >= 1))) {
    throw new UsageError(
      `--${name} must be a variance fraction in (0, 1) or a component count >= 1. Received: ${value}`,
    );
  }
  return n;
}

function listOption(name: string, value: unknown): number[] | undefined {
  if (value == null) return undefined;
  const values = String(value).split(",").map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !(v > 0 && Number.isFinite(v)))) {
    throw new UsageError(`--${name} must be positive numbers, comma-separated. Received: ${value}`);
  }
  return values;
}

await runMain(async () => {
  const backboneRun = args.backbone as string | undefined;
  const model = args.model as string | undefined;
  if ((backboneRun == null) === (model == null)) {
    throw new UsageError("give either --backbone RUN (a trained run folder) or --model NAME (a fresh backbone)");
  }
  if (backboneRun != null) {
    for (const k of ["pretrained", "data", "size", "per-class", "seed"]) {
      if (args[k] != null) throw new UsageError(`--${k} goes with --model; --backbone ${backboneRun} keeps its own`);
    }
  }
  if (model != null && !listModels().includes(model)) {
    throw new UsageError(`unknown model "${model}". Valid models are: ${listModels().join(", ")}`);
  }
  const features = String(args.features ?? "both") as HybridFeatureSet;
  if (!HYBRID_FEATURE_SETS.includes(features)) {
    throw new UsageError(`--features must be one of ${HYBRID_FEATURE_SETS.join(", ")}. Received: ${features}`);
  }
  const kernel = String(args.kernel ?? "rbf") as KernelType;
  if (!KERNELS.includes(kernel)) {
    throw new UsageError(`--kernel must be one of ${KERNELS.join(", ")}. Received: ${kernel}`);
  }
  const scoring = String(args.scoring ?? "accuracy");
  if (scoring !== "accuracy" && scoring !== "macro_f1") {
    throw new UsageError(`--scoring must be accuracy or macro_f1. Received: ${scoring}`);
  }
  const folds = intOption("folds", args.folds, 5);
  if (folds < 2) throw new UsageError(`--folds must be at least 2. Received: ${folds}`);
  const seed = intOption("seed", args.seed, 42);
  const size = intOption("size", args.size, 64);
  const data: DataSpec = args.data
    ? { kind: "folder", path: String(args.data) }
    : { kind: "phantom", perClass: intOption("per-class", args["per-class"], 60), seed };
  const name = backboneRun != null
    ? (backboneRun.replace(/\/+$/, "").split("/").pop() ?? "run")
    : `${model}-${args.pretrained ? "pretrained" : "fresh"}`;
  const dir = String(args.out ?? `outputs/runs/${name}-svm`);
  const pca = pcaOption("pca", args.pca);

  const result = await trainHybridRun({
    backbone: backboneRun != null
      ? { run: backboneRun }
      : { model: model!, pretrained: args.pretrained as string | undefined, data, size },
    features,
    pca,
    kernel,
    Cs: listOption("C", args.C),
    gammaFactors: listOption("gamma", args.gamma),
    folds,
    scoring,
    ablation: !args["no-ablation"],
    ablationPca: pcaOption("ablation-pca", args["ablation-pca"]),
    seed,
  }, dir);
  const h = result.record.hybrid;
  console.log(`\n${formatEvaluation(result.test, `${result.record.model} (${features}), test split`)}`);
  console.log(
    `\nSVM ${h.kernel}, C=${h.bestParams.C}, gamma=${
      typeof h.bestParams.gamma === "number" ? h.bestParams.gamma.toPrecision(3) : h.bestParams.gamma
    } (cross-validated ${scoring} ${(100 * h.cvScore).toFixed(1)}% on the training split, ${h.folds} folds${
      h.grouped ? " by patient" : ""
    }); ` +
      `${h.nFeatures} features` + (h.pcaComponents != null ? `, PCA to ${h.pcaComponents} components` : ""),
  );
  const t = result.timings;
  console.log(
    `Timings: CNN features ${t.cnnFeatures.toFixed(1)} s, handcrafted ${t.handcraftedFeatures.toFixed(1)} s, ` +
      `hybrid fit ${t.fit.toFixed(1)} s, ablation ${t.ablation.toFixed(1)} s, total ${t.total.toFixed(1)} s`,
  );
  console.log(
    `Wrote ${dir}/: config.json, split.json, hybrid.json${features === "handcrafted" ? "" : ", backbone/"}, ` +
      "metrics.json, metrics.csv, plots" +
      (result.ablation ? ", ablation.json, ablation.csv, ablation_*.svg|png" : "") +
      (h.pcaComponents != null ? ", pca_variance.svg|png" : ""),
  );
});
