/**
 * `deno task data:phantom`: writes the synthetic lumbar MRI phantom as PNG
 * images and lesion masks with `manifest.csv` (synthetic, not for clinical use).
 */
import { fractionOption, intOption, runMain, startTask, UsageError } from "../lib/cli.ts";
import { CLASSES, generatePhantom } from "../lib/data/phantom.ts";
import { writePhantomDataset } from "../lib/data/phantom_writer.ts";

const USAGE = `Usage: deno task data:phantom [options]

Writes the synthetic lumbar MRI phantom (not for clinical use): images/<class>/*.png,
masks/<class>/*.png and manifest.csv (path,label,patient_id,slice,mask_path).

  --out DIR          output folder (default data/phantom)
  --per-class N      images per class (default 100)
  --size S           image side in pixels (default 224)
  --slices N         slices per patient (default 3)
  --seed K           seed (default 42)
  --difficulty D     0 (easy) to 1 (hard) (default 0.5)
  --imbalance W,...  relative class shares, e.g. 4,1,1,1 (default equal)`;

const args = await startTask(
  USAGE,
  {
    out: { type: "string" },
    "per-class": { type: "string" },
    size: { type: "string" },
    slices: { type: "string" },
    seed: { type: "string" },
    difficulty: { type: "string" },
    imbalance: { type: "string" },
  },
  Deno.args,
  { backend: false },
);

await runMain(async () => {
  const outDir = String(args.out ?? "data/phantom");
  const perClass = intOption("per-class", args["per-class"], 100);
  const size = intOption("size", args.size, 224);
  const slicesPerPatient = intOption("slices", args.slices, 3);
  const seed = intOption("seed", args.seed, 42);
  const difficulty = fractionOption("difficulty", args.difficulty, 0.5);
  const classWeights = args.imbalance ? String(args.imbalance).split(",").map(Number) : undefined;
  if (classWeights && (classWeights.length !== CLASSES.length || classWeights.some((w) => !(w >= 0)))) {
    throw new UsageError(`--imbalance needs ${CLASSES.length} non-negative numbers. Received: ${args.imbalance}`);
  }
  const t0 = performance.now();
  const items = generatePhantom({ perClass, size, slicesPerPatient, seed, difficulty, classWeights });
  const generated = performance.now();
  const tty = Deno.stderr.isTerminal();
  const rows = await writePhantomDataset(items, outDir, (n) => {
    if (tty && (n % 20 === 0 || n === items.length)) {
      Deno.stderr.writeSync(new TextEncoder().encode(`\r[phantom] wrote ${n}/${items.length}`));
    }
  });
  if (tty) console.error("");
  const counts = CLASSES.map((c) => `${c} ${rows.filter((r) => r[1] === c).length}`).join(", ");
  console.log(
    `Wrote ${rows.length} images of ${new Set(rows.map((r) => r[2])).size} patients (${counts}) to ${outDir}/ ` +
      `in ${((performance.now() - t0) / 1000).toFixed(1)} s (generation ${((generated - t0) / 1000).toFixed(1)} s). ` +
      `Synthetic, not for clinical use.`,
  );
});
