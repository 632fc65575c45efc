/**
 * `deno task gradcam --run DIR`: Grad-CAM (and Grad-CAM++) galleries of a
 * trained run's test images, and how faithful the maps are, measured:
 * pointing game and energy in the lesion mask against random maps, the
 * cascading randomisation sanity check, deletion and insertion AUCs.
 * Writes `<run>/gradcam/` and adds `faithfulness` to the run's `metrics.json`.
 */
import { intOption, runMain, startTask, UsageError } from "../lib/cli.ts";
import { explainRun } from "../lib/explain/explain_run.ts";
import { formatFaithfulness } from "../lib/explain/format_faithfulness.ts";
import type { CamMethod } from "../lib/explain/types.ts";

const USAGE = `Usage: deno task gradcam --run DIR [options]

  --run DIR              a run folder written by deno task train
  --images ID,...        explain these images (ids such as phantom:12, or file paths); default the test split
  --max N                at most N images (default 64)
  --method M             gradcam | gradcam++ | both (default gradcam)
  --save-overlays        also write one overlay PNG per image to <out>/overlays/<method>/
  --layer NAME           the layer to explain (default: the run's Grad-CAM layer, its last spatial map)
  --sanity-images N      images of the cascading randomisation check (default 4)
  --deletion-images N    images of the deletion and insertion curves (default 8)
  --steps N              steps of the deletion and insertion curves (default 16)
  --out DIR              output folder (default <run>/gradcam)
  --no-metrics           do not add the report to the run's metrics.json
  --backend NAME         tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const METHODS: Record<string, CamMethod[]> = {
  "gradcam": ["gradcam"],
  "gradcam++": ["gradcam++"],
  "both": ["gradcam", "gradcam++"],
};

const args = await startTask(USAGE, {
  run: { type: "string" },
  images: { type: "string" },
  max: { type: "string" },
  method: { type: "string" },
  "save-overlays": { type: "boolean" },
  layer: { type: "string" },
  "sanity-images": { type: "string" },
  "deletion-images": { type: "string" },
  steps: { type: "string" },
  out: { type: "string" },
  "no-metrics": { type: "boolean" },
});

await runMain(async () => {
  if (args.run == null) throw new UsageError("--run is required");
  const method = String(args.method ?? "gradcam");
  const methods = METHODS[method];
  if (methods == null) {
    throw new UsageError(`unknown method "${method}". Valid methods are: ${Object.keys(METHODS).join(", ")}`);
  }
  const images = args.images == null ? undefined : String(args.images).split(",").map((s) => s.trim()).filter(Boolean);
  if (images != null && images.length === 0) throw new UsageError("--images needs at least one id or path");
  const dir = String(args.run).replace(/\/+$/, "");
  const result = await explainRun(dir, {
    methods,
    images,
    maxImages: intOption("max", args.max, 64),
    saveOverlays: Boolean(args["save-overlays"]),
    layerName: args.layer == null ? undefined : String(args.layer),
    sanityImages: intOption("sanity-images", args["sanity-images"], 4),
    deletionImages: intOption("deletion-images", args["deletion-images"], 8),
    deletionSteps: intOption("steps", args.steps, 16),
    out: args.out == null ? undefined : String(args.out),
    updateMetrics: !args["no-metrics"],
  }).catch((e) => {
    // A bad image reference is the user's input: exit 2 with the message.
    if (e instanceof RangeError && images != null && e.message.includes("matches")) throw new UsageError(e.message);
    throw e;
  });
  const { report } = result;
  console.log(formatFaithfulness(report));
  const t = report.timings;
  console.log(
    `\nTime: ${t.total.toFixed(1)} s (maps ${t.maps.toFixed(1)} s, ${
      report.methods.map((m) => `${m.msPerMap.toFixed(0)} ms per ${m.method} map`).join(", ")
    }; sanity ${t.sanity.toFixed(1)} s; deletion/insertion ${t.deletionInsertion.toFixed(1)} s; pictures ${
      t.pictures.toFixed(1)
    } s)`,
  );
  const galleries = result.files.filter((f) => f.includes("/gallery_")).length;
  const overlays = result.files.filter((f) => f.includes("/overlays/")).length;
  console.log(
    `Wrote ${result.out}/: ${galleries} galleries, faithfulness.json, deletion_insertion.png${
      overlays > 0 ? `, ${overlays} overlays` : ""
    }${result.files.includes(`${dir}/metrics.json`) ? `; added "faithfulness" to ${dir}/metrics.json` : ""}`,
  );
});
