import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertLess, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { generatePhantom } from "../data/phantom.ts";
import { ExplainError } from "../explain/explain_error.ts";
import { gradCamThroughFeatures } from "../explain/grad_cam_through_features.ts";
import { linearSvmScore } from "../explain/linear_svm_score.ts";
import { extractHandcraftedFeatureMatrix } from "../features/mod.ts";
import { createCnn } from "../models/cnn.ts";
import type { KernelType } from "../svm/mod.ts";
import { cnnFeatures, graySource } from "./cnn_features.ts";
import { HybridClassifier } from "./hybrid_classifier.ts";
import { hybridGradCam } from "./hybrid_grad_cam.ts";
import { HybridHead } from "./hybrid_head.ts";
import { pooledFeatureModel } from "./pooled_feature_model.ts";

/** A hybrid on a fresh 2-block CNN (8 features), fitted on a tiny phantom; classes kept as given. */
async function tinyHybrid(options: { classes: number[]; kernel: KernelType; hand?: boolean; pca?: number }) {
  await initBackend("wasm");
  const items = generatePhantom({ perClass: 6, size: 32, seed: 5, slicesPerPatient: 1 })
    .filter((i) => options.classes.includes(i.label));
  const built = createCnn({ inputShape: [32, 32, 3], filters: [4, 8], seed: 3 });
  const f = pooledFeatureModel(built.model);
  const images = items.map((i) => i.image);
  const cnn = await cnnFeatures(f.model, graySource(images, 32));
  const hand = options.hand ? extractHandcraftedFeatureMatrix(items, { hog: false }).features : undefined;
  const rows = hand ? cnn.map((r, i) => [...r, ...hand[i]]) : cnn;
  const head = HybridHead.fit(rows, items.map((i) => i.label), {
    kernel: options.kernel,
    pca: options.pca,
    numClasses: 4,
    Cs: [1],
    gammaFactors: [1],
    folds: 2,
  });
  const hybrid = new HybridClassifier({
    featureModel: f.model,
    features: {
      cnn: {
        backbone: { kind: "fresh", model: "cnn", seed: 3 },
        layerName: f.layerName,
        dim: f.dim,
        addedPooling: false,
      },
      handcrafted: hand ? { options: { hog: false }, names: [] } : null,
    },
    head,
    size: 32,
    classes: ["a", "b", "c", "d"],
  });
  const dispose = () => built.model.dispose(); // the feature model shares its layers
  return { hybrid, images, gradCamLayer: built.gradCamLayer, dispose };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("hybridGradCam() of a 2-class linear SVM on CNN features equals linearSvmScore through gradCamThroughFeatures", async () => {
  const { hybrid, images, gradCamLayer, dispose } = await tinyHybrid({ classes: [0, 1], kernel: "linear" });
  try {
    // scikit-learn's binary linear SVC: coef_ = dual_coef_ . support_vectors_, positive for classes_[1],
    // on standardised features; folded back onto the raw CNN features.
    const { scaler, svm } = hybrid.head;
    const sv = svm.supportVectors, dual = svm.dualCoef[0];
    const coef = sv[0].map((_, j) => sv.reduce((s, v, r) => s + dual[r] * v[j], 0));
    const mean = scaler.mean, scale = scaler.scale;
    const w = coef.map((cj, j) => cj / scale[j]);
    const b = svm.intercept[0] - coef.reduce((s, cj, j) => s + (cj * mean[j]) / scale[j], 0);
    let nonTrivial = 0;
    for (const gray of images.slice(0, 4)) {
      const image = tf.tidy(() => tf.tile(tf.tensor3d(gray, [32, 32, 1]), [1, 1, 3]) as tf.Tensor3D);
      const probs = (await hybrid.predictProba([gray]))[0];
      const df = svm.decisionFunction(hybrid.head.transform(await hybrid.featureRows([gray])))[0][0];
      for (const c of [0, 1]) {
        const sign = c === 1 ? 1 : -1;
        const ref = await gradCamThroughFeatures(
          hybrid.featureModel!,
          image,
          linearSvmScore(
            w.map((v) => sign * v),
            sign * b,
          ),
          { layerName: gradCamLayer },
        );
        const cam = await hybridGradCam(hybrid, gray, { classIndex: c });
        assertEquals(cam.layerName, gradCamLayer, "the default layer is the map the pooled features average");
        assertLess(maxAbsDiff(cam.heatmap, ref.heatmap), 1e-5, `class ${c}: the heatmap`);
        assertLess(maxAbsDiff(cam.channelWeights, ref.channelWeights), 1e-5 * (1 + Math.abs(ref.score)));
        assertAlmostEquals(cam.score, ref.score, 1e-4 * (1 + Math.abs(ref.score)), `class ${c}: the score`);
        assertAlmostEquals(cam.score, sign * df, 1e-4 * (1 + Math.abs(df)), "the score is the decision function");
        assertAlmostEquals(cam.classScores[c], sign * df, 1e-6 * (1 + Math.abs(df)), "classScores, the float64 SVM's");
        assert(Number.isNaN(cam.classScores[2]) && Number.isNaN(cam.classScores[3]), "classes the SVM never saw");
        assertEquals(Array.from(cam.probabilities), Array.from(Float32Array.from(probs)), "the hybrid's probabilities");
        if (cam.heatmap.some((v) => v > 0)) nonTrivial++;
      }
      image.dispose();
    }
    assert(nonTrivial > 0, "some maps are not all zero");
  } finally {
    dispose();
  }
});

Deno.test("hybridGradCam() on an RBF hybrid with handcrafted features and PCA: default class, gradcam++, no leaks", async () => {
  const { hybrid, images, gradCamLayer, dispose } = await tinyHybrid({
    classes: [0, 1, 2, 3],
    kernel: "rbf",
    hand: true,
    pca: 5,
  });
  try {
    const gray = images[5];
    const warm = await hybridGradCam(hybrid, gray);
    const before = tf.memory().numTensors;
    const cam = await hybridGradCam(hybrid, gray);
    const pp = await hybridGradCam(hybrid, gray, { method: "gradcam++", classIndex: 2, layerName: "block1_relu" });
    assertEquals(tf.memory().numTensors, before, "no tensors leak");
    const probs = (await hybrid.predictProba([gray]))[0];
    assertEquals(cam.classIndex, probs.indexOf(Math.max(...probs)), "the default class is the most probable");
    assertEquals(Array.from(cam.heatmap), Array.from(warm.heatmap), "deterministic");
    assertEquals([cam.layerName, cam.width, cam.height, cam.heatmap.length], [gradCamLayer, 32, 32, 1024]);
    assertAlmostEquals(cam.score, cam.classScores[cam.classIndex], 1e-4 * (1 + Math.abs(cam.score)));
    assertAlmostEquals(cam.classScores.reduce((a, v) => a + v, 0), 0, 1e-6, "the oriented sums cancel");
    assertEquals([pp.classIndex, pp.layerName, pp.camWidth], [2, "block1_relu", 32]);
    for (const r of [cam, pp]) assert(r.heatmap.every((v) => v >= 0 && v <= 1), "heatmap in [0, 1]");
    await assertRejects(() => hybridGradCam(hybrid, new Float32Array(10)), RangeError, "32x32");
    await assertRejects(() => hybridGradCam(hybrid, gray, { classIndex: 4 }), RangeError, "[0, 4)");
    await assertRejects(() => hybridGradCam(hybrid, gray, { layerName: "avg_pool" }), ExplainError);
    assertEquals(tf.memory().numTensors, before, "no tensors leak on errors");
    const handOnly = new HybridClassifier({
      features: { ...hybrid.features, cnn: null },
      head: hybrid.head,
      size: 32,
      classes: hybrid.classes,
    });
    await assertRejects(() => hybridGradCam(handOnly, gray), ExplainError, "handcrafted features only");
  } finally {
    dispose();
  }
});
