/**
 * `deno task predict --run DIR IMAGE...`: class probabilities for each image
 * and a Grad-CAM overlay PNG: the decision-support use. Not for clinical use.
 */
import { formatTable, runMain, startTask, taskPositionals, UsageError, writeFileAtomic } from "../lib/cli.ts";
import { predictImages } from "../lib/train/predict_images.ts";

const USAGE = `Usage: deno task predict --run DIR [--out DIR] IMAGE...

  --run DIR       a run folder written by deno task train or deno task svm (the hybrid)
  --out DIR       where the overlays and predictions.json go (default <run>/predictions)
  IMAGE...        PNG, JPEG, TIFF, BMP or DICOM files
  --backend NAME  tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(USAGE, { run: { type: "string" }, out: { type: "string" } }, Deno.args, {
  positionals: true,
});

await runMain(async () => {
  if (args.run == null) throw new UsageError("--run is required");
  const images = taskPositionals();
  if (images.length === 0) throw new UsageError("give at least one image path");
  const dir = String(args.run);
  const out = String(args.out ?? `${dir}/predictions`);
  const result = await predictImages(dir, images, out);
  const short = (c: string) => c.length > 12 ? c.slice(0, 12) : c;
  console.log(formatTable(
    ["image", "predicted", ...result.classes.map(short)],
    result.predictions.map((p) => [
      p.path.split("/").pop() ?? p.path,
      p.predicted,
      ...result.classes.map((c) => p.probabilities[c].toFixed(3)),
    ]),
  ));
  for (const p of result.predictions) console.log(`Grad-CAM overlay: ${p.overlay}`);
  for (const f of result.failed) console.error(`Error: ${f.reason}`);
  await writeFileAtomic(`${out}/predictions.json`, JSON.stringify(result, null, 2) + "\n");
  console.log("Research software: not for clinical use.");
  if (result.failed.length > 0) Deno.exit(1);
});
