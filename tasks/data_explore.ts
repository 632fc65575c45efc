/**
 * `deno task data:explore`: class counts, images per patient, image sizes and
 * a sample grid per class for a data set (default: the phantom).
 */
import { runMain, startTask, writeFileAtomic } from "../lib/cli.ts";
import { loadDataset } from "../lib/data/dataset.ts";
import { summarizeDataset, textHistogram } from "../lib/data/explore.ts";
import { ImageCache } from "../lib/data/preprocess.ts";
import { writeGrayGridPng } from "../lib/report/png.ts";

const USAGE = `Usage: deno task data:explore [--data DIR] [--out DIR]

  --data DIR   class folders, a folder with manifest.csv, or a CSV (default data/phantom;
               make it with deno task data:phantom)
  --out DIR    where summary.json and samples.png go (default outputs/explore)`;

const args = await startTask(USAGE, { data: { type: "string" }, out: { type: "string" } }, Deno.args, {
  backend: false,
});

await runMain(async () => {
  const root = String(args.data ?? "data/phantom");
  const outDir = String(args.out ?? "outputs/explore");
  const { items, skipped, classes, unknownClasses, source } = await loadDataset(root);
  const summary = await summarizeDataset(items);
  console.log(
    `${root} (${source}): ${summary.images} images, ${summary.patients || "no"} patient ids, ` +
      `${summary.withMasks} with lesion masks`,
  );
  console.log(`\nImages per class\n${textHistogram(summary.classCounts)}`);
  if (unknownClasses.length > 0) console.log(`\nClasses outside the four canonical ones: ${unknownClasses.join(", ")}`);
  if (summary.patients > 0) console.log(`\nPatients by images per patient\n${textHistogram(summary.imagesPerPatient)}`);
  console.log(`\nImage sizes\n${textHistogram(summary.sizes)}`);
  if (skipped.length > 0) {
    console.log(`\nSkipped ${skipped.length}:`);
    for (const s of skipped) console.log(`  ${s.path}: ${s.reason}`);
  }
  const cache = new ImageCache({ size: 128 });
  const rows = [];
  for (const cls of classes) {
    const row = [];
    for (const it of items.filter((i) => i.label === cls).slice(0, 6)) {
      try {
        row.push({ image: await cache.get(it.path), size: 128 });
      } catch (e) {
        console.error(`[explore] ${(e as Error).message}`);
      }
    }
    if (row.length > 0) rows.push(row);
  }
  await writeGrayGridPng(`${outDir}/samples.png`, rows);
  await writeFileAtomic(
    `${outDir}/summary.json`,
    JSON.stringify({ root, source, classes, ...summary, skipped }, null, 2),
  );
  console.log(`\nWrote ${outDir}/summary.json and ${outDir}/samples.png (one row per class: ${classes.join(", ")})`);
});
