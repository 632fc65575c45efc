/**
 * `deno task augment:preview`: shows what training augmentation does. Generates
 * a few phantom slices and writes a grid, one row per slice: the original,
 * then augmented versions, each from its own seed.
 */
import * as tf from "@tensorflow/tfjs";
import { createAugmentation } from "../lib/augment/mod.ts";
import { intOption, runMain, startTask, UsageError } from "../lib/cli.ts";
import { generatePhantom } from "../lib/data/phantom.ts";
import { imagesToTensor } from "../lib/data/tensors.ts";
import { createRng } from "../lib/random.ts";
import { type GrayImage, writeGrayGridPng } from "../lib/report/png.ts";

const USAGE = `Usage: deno task augment:preview [options]

Writes a grid of phantom slices (synthetic, not for clinical use): each row is
one slice, then augmented versions of it with the default training augmentation.

  --size N         image side, at least 32 (default 128)
  --versions N     augmented versions per slice (default 5)
  --flip P         left-right flip probability, 0 to 1 (default 0, as in training)
  --seed N         seed of the phantom and of the augmentation (default 42)
  --out FILE       output PNG (default outputs/augment/preview.png)
  --backend NAME   tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(USAGE, {
  size: { type: "string" },
  versions: { type: "string" },
  flip: { type: "string" },
  seed: { type: "string" },
  out: { type: "string" },
});

await runMain(async () => {
  const size = intOption("size", args.size, 128);
  const versions = intOption("versions", args.versions, 5);
  const seed = intOption("seed", args.seed, 42);
  const flip = Number(args.flip ?? 0);
  if (!(flip >= 0 && flip <= 1)) throw new UsageError(`--flip must be between 0 and 1. Received: ${args.flip}`);
  if (size < 32) throw new UsageError(`--size must be at least 32. Received: ${size}`);
  const out = String(args.out ?? "outputs/augment/preview.png");

  // Two slices per class: one row each.
  const items = generatePhantom({ perClass: 2, size, seed });
  const augment = createAugmentation({ flip });
  console.error(`[augment] ${items.length} slices x ${versions} versions, options ${JSON.stringify(augment.options)}`);

  const batch = imagesToTensor(items, 1);
  const rng = createRng(seed);
  const rows: GrayImage[][] = items.map((it) => [{ image: it.image, size }]);
  for (let v = 0; v < versions; v++) {
    // A fresh seed per version, as a training loop would use per step.
    const augmented = augment.apply(batch, rng.fork());
    const data = await augmented.data();
    augmented.dispose();
    rows.forEach((row, i) =>
      row.push({ image: Float32Array.from(data.subarray(i * size * size, (i + 1) * size * size)), size })
    );
  }
  batch.dispose();
  await writeGrayGridPng(out, rows);
  console.log(`Wrote ${out} (${rows.length} rows: original, then ${versions} augmented versions)`);
  if (tf.memory().numTensors !== 0) console.error(`[augment] warning: ${tf.memory().numTensors} tensors left`);
});
