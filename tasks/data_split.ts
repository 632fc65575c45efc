/**
 * `deno task data:split`: splits a data set 80:10:10 (by patient, stratified
 * by class), checks it for leakage and writes `split.json`.
 */
import { intOption, runMain, startTask, UsageError } from "../lib/cli.ts";
import { loadDataset } from "../lib/data/dataset.ts";
import { dHash, findNearDuplicates, type Hash } from "../lib/data/phash.ts";
import { ImageCache } from "../lib/data/preprocess.ts";
import { findPatientLeaks, splitByPatient, splitWarnings, writeSplit } from "../lib/data/split.ts";

const USAGE = `Usage: deno task data:split [options]

  --data DIR          class folders, a folder with manifest.csv, or a CSV (default data/phantom)
  --out FILE          where the split goes (default: split.json in the data folder)
  --seed K            seed (default 42)
  --split-by WHAT     patient (default) or image: the naive image-level split, for comparison
  --max-distance N    near-duplicate threshold in dHash bits, of 256 (default 12)`;

const args = await startTask(
  USAGE,
  {
    data: { type: "string" },
    out: { type: "string" },
    seed: { type: "string" },
    "split-by": { type: "string" },
    "max-distance": { type: "string" },
  },
  Deno.args,
  { backend: false },
);

await runMain(async () => {
  const root = String(args.data ?? "data/phantom");
  const seed = intOption("seed", args.seed, 42);
  const by = String(args["split-by"] ?? "patient");
  if (by !== "patient" && by !== "image") {
    throw new UsageError(`--split-by must be patient or image. Received: ${by}`);
  }
  const maxDistance = Number(args["max-distance"] ?? 12);
  const out = String(args.out ?? (root.endsWith(".csv") ? root.replace(/[^/]*$/, "split.json") : `${root}/split.json`));
  const { items, skipped } = await loadDataset(root);
  if (skipped.length > 0) console.error(`[split] ${skipped.length} files skipped while loading (see data:explore)`);
  const noIds = items.filter((i) => i.patientId == null).length;
  if (by === "patient" && noIds > 0) {
    console.error(`[split] ${noIds} images have no patient id: each is split as its own patient`);
  }
  const split = splitByPatient(items, { seed, by });
  for (const w of splitWarnings(items, split)) console.error(`[split] warning: ${w}`);
  const leaks = findPatientLeaks(items, split);
  if (leaks.length > 0) {
    console.error(
      `[split] warning: ${leaks.length} patients appear in more than one split` +
        (by === "image" ? " (expected with --split-by image)" : ""),
    );
  }
  const cache = new ImageCache({ size: 64 });
  const hashes: Hash[] = [];
  for (const it of items) {
    try {
      hashes.push(dHash(await cache.get(it.path), 64, 64));
    } catch {
      hashes.push(new Uint32Array(8));
    }
  }
  const dups = findNearDuplicates(hashes, split, maxDistance);
  if (dups.length > 0) {
    console.error(`[split] leakage warning: ${dups.length} near-duplicate pairs across splits, e.g.`);
    for (const d of dups.slice(0, 5)) {
      console.error(`  ${items[d.a].path} (${d.splits[0]}) ~ ${items[d.b].path} (${d.splits[1]}), ${d.distance} bits`);
    }
  }
  await writeSplit(out, items.map((i) => i.path), split, { seed, by });
  console.log(
    `Split ${items.length} images by ${by}: train ${split.train.length}, val ${split.val.length}, ` +
      `test ${split.test.length}; ${leaks.length} patients in two splits, ${dups.length} near-duplicate pairs. Wrote ${out}`,
  );
});
