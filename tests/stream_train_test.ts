import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "./assert.ts";
import { initBackend } from "../lib/backend.ts";
import { fileBatches } from "../lib/data/batches.ts";
import { loadDataset } from "../lib/data/dataset.ts";
import { CLASSES, generatePhantom } from "../lib/data/phantom.ts";
import { writePhantomDataset } from "../lib/data/phantom_writer.ts";
import { ImageCache } from "../lib/data/preprocess.ts";
import { createModel } from "../lib/models/mod.ts";
import { fitClassifierOn } from "../lib/train/fit.ts";

Deno.test("training streams image files through the cache: each decoded once, memory bounded", async () => {
  await initBackend("wasm");
  const root = await Deno.makeTempDir();
  try {
    await writePhantomDataset(generatePhantom({ perClass: 4, size: 48, slicesPerPatient: 2 }), `${root}/data`);
    const { items } = await loadDataset(`${root}/data`);
    const labelled = items.map((i) => ({ path: i.path, label: (CLASSES as readonly string[]).indexOf(i.label) }));
    // Room for 3 images in memory: the rest must come back from the disk cache.
    const cache = new ImageCache({ size: 32, dir: `${root}/cache`, maxMemoryBytes: 3 * 32 * 32 * 4 });
    const source = fileBatches(labelled, 4, { cache });
    const { model } = createModel("cnn", { inputShape: [32, 32, 3], seed: 1 });
    const counts: number[] = [];
    const { history } = await fitClassifierOn(model, source, {
      epochs: 2,
      batchSize: 4,
      progress: false,
      preciseBnSamples: 8,
      onEpochEnd: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    assertEquals(cache.decodes, items.length, "every file decoded exactly once over two epochs");
    assert(history.every((h) => Number.isFinite(h.loss)), "finite losses");
    assertEquals(counts[1], counts[0], "no tensors leak between epochs");
    model.dispose();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
