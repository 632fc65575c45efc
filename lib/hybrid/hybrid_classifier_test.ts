import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { generatePhantom } from "../data/phantom.ts";
import { extractHandcraftedFeatureMatrix } from "../features/mod.ts";
import { createCnn } from "../models/cnn.ts";
import { cnnFeatures, graySource } from "./cnn_features.ts";
import { HybridClassifier } from "./hybrid_classifier.ts";
import { HybridHead } from "./hybrid_head.ts";
import { pooledFeatureModel } from "./pooled_feature_model.ts";

Deno.test("HybridClassifier saved to a run folder and loaded back predicts the same probabilities", async () => {
  await initBackend("wasm");
  const items = generatePhantom({ perClass: 5, size: 32, seed: 3, slicesPerPatient: 1 });
  const images = items.map((i) => i.image);
  const { model } = createCnn({ inputShape: [32, 32, 3], filters: [4, 8], seed: 2 });
  const f = pooledFeatureModel(model);
  const handcrafted = { hog: false as const };
  const features = {
    cnn: {
      backbone: { kind: "fresh" as const, model: "cnn", seed: 2 },
      layerName: f.layerName,
      dim: f.dim,
      addedPooling: false,
    },
    handcrafted: { options: handcrafted, names: [] },
  };
  // The feature rows as trainHybridRun computes them: CNN, then handcrafted.
  const cnn = await cnnFeatures(f.model, graySource(images, 32));
  const hand = extractHandcraftedFeatureMatrix(items, handcrafted).features;
  const rows = cnn.map((r, i) => [...r, ...hand[i]]);
  assertEquals(rows[0].length, 8 + 32 + 10 + 26, "8 CNN + GLCM, LBP, intensity");
  const head = HybridHead.fit(rows, items.map((i) => i.label), { pca: 4, Cs: [1], gammaFactors: [1], folds: 2 });
  const hybrid = new HybridClassifier({
    featureModel: f.model,
    features,
    head,
    size: 32,
    classes: ["a", "b", "c", "d"],
  });
  const dir = await Deno.makeTempDir();
  try {
    const before = await hybrid.predictProba(images);
    await hybrid.save(dir);
    assert(await HybridClassifier.existsIn(dir), "hybrid.json written");
    const loaded = await HybridClassifier.load(dir);
    assertEquals(await loaded.predictProba(images), before, "identical probabilities");
    assertEquals(loaded.head.pca?.nComponents, 4);
    assertEquals(await loaded.featureRows(images), rows, "the loaded hybrid computes the same features");
    before.forEach((p) => assert(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9, "sums to 1"));
    loaded.dispose();
    await assertRejects(() => HybridClassifier.load(`${dir}/nothing`), Error, "Cannot load a hybrid");
  } finally {
    model.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
