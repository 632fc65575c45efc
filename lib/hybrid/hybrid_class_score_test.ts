import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertLess, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { generatePhantom } from "../data/phantom.ts";
import { extractHandcraftedFeatureMatrix } from "../features/mod.ts";
import { createCnn } from "../models/cnn.ts";
import type { KernelType } from "../svm/mod.ts";
import { cnnFeatures, graySource } from "./cnn_features.ts";
import { hybridClassScore, hybridPairMargins, type HybridScoreSource } from "./hybrid_class_score.ts";
import type { HybridFeatureInfo } from "./hybrid_classifier.ts";
import { HybridHead } from "./hybrid_head.ts";
import { pooledFeatureModel } from "./pooled_feature_model.ts";

/** Raw feature rows of a tiny 4-class phantom: 8 CNN features of a fresh 2-block CNN, and handcrafted ones. */
async function fixture() {
  await initBackend("wasm");
  const items = generatePhantom({ perClass: 6, size: 32, seed: 5, slicesPerPatient: 1 });
  const built = createCnn({ inputShape: [32, 32, 3], filters: [4, 8], seed: 3 });
  const f = pooledFeatureModel(built.model);
  const cnn = await cnnFeatures(f.model, graySource(items.map((i) => i.image), 32));
  built.model.dispose();
  const hand = extractHandcraftedFeatureMatrix(items, { hog: false }).features;
  const features = (withHand: boolean): HybridFeatureInfo => ({
    cnn: {
      backbone: { kind: "fresh", model: "cnn", seed: 3 },
      layerName: f.layerName,
      dim: f.dim,
      addedPooling: false,
    },
    handcrafted: withHand ? { options: { hog: false }, names: [] } : null,
  });
  return { cnn, hand, labels: items.map((i) => i.label), dim: f.dim, features };
}

/** The oriented sums of one-vs-one decision values (libsvm's sign: positive for the pair's first class). */
function orientedScores(dec: readonly number[], k: number): number[] {
  const s = new Array<number>(k).fill(0);
  let p = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++, p++) {
      s[i] += dec[p];
      s[j] -= dec[p];
    }
  }
  return s;
}

/** The SVM's own one-vs-one decision values, in float64, libsvm's sign. */
function referenceOvo(head: HybridHead, rows: number[][]): number[][] {
  const df = head.svm.decisionFunction(head.transform(rows), { shape: "ovo" });
  return head.svm.classes.length === 2 ? df.map((r) => [-r[0]]) : df;
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / (1 + Math.abs(b));
}

const CASES: { kernel: KernelType; pca?: number; hand: boolean }[] = [
  { kernel: "linear", hand: false },
  { kernel: "linear", pca: 3, hand: false },
  { kernel: "rbf", hand: false },
  { kernel: "rbf", pca: 3, hand: false },
  { kernel: "poly", hand: false },
  { kernel: "linear", hand: true },
  { kernel: "rbf", pca: 5, hand: true },
];

Deno.test("hybridPairMargins() and hybridClassScore() equal the SVM's own decision values", async () => {
  const fx = await fixture();
  for (const { kernel, pca, hand } of CASES) {
    const what = `${kernel}${pca ? ` + PCA ${pca}` : ""}${hand ? ", CNN + handcrafted" : ", CNN"}`;
    const rows = hand ? fx.cnn.map((r, i) => [...r, ...fx.hand[i]]) : fx.cnn;
    const head = HybridHead.fit(rows, fx.labels, { kernel, pca, Cs: [1], gammaFactors: [1], folds: 2 });
    const source: HybridScoreSource = { head, features: fx.features(hand) };
    const handRows = hand ? fx.hand : undefined;
    const ref = referenceOvo(head, rows);
    const before = tf.memory().numTensors;
    const margins = tf.tidy(() => hybridPairMargins(source, { handcrafted: handRows })(tf.tensor2d(fx.cnn)));
    const got = (await margins.array()) as number[][];
    margins.dispose();
    assertEquals(got[0].length, 6, `${what}: 6 pairs of 4 classes`);
    const worst = Math.max(...got.flatMap((r, i) => r.map((v, p) => relErr(v, ref[i][p]))));
    assertLess(worst, 2e-5, `${what}: pair margins vs decisionFunction(ovo), relative error`);
    let worstScore = 0;
    for (let c = 0; c < 4; c++) {
      for (let i = 0; i < rows.length; i += 3) {
        const score = hybridClassScore(source, { classIndex: c, handcrafted: hand ? fx.hand[i] : undefined });
        const s = tf.tidy(() => score(tf.tensor2d([fx.cnn[i]])).dataSync()[0]);
        worstScore = Math.max(worstScore, relErr(s, orientedScores(ref[i], 4)[c]));
      }
    }
    assertLess(worstScore, 2e-5, `${what}: class scores vs oriented sums of the decision values`);
    assertEquals(tf.memory().numTensors, before, `${what}: no tensor leaks`);
  }
});

Deno.test("hybridClassScore() for two classes is the binary decision function", async () => {
  const fx = await fixture();
  const keep = fx.labels.flatMap((l, i) => (l < 2 ? [i] : []));
  const rows = keep.map((i) => fx.cnn[i]);
  for (const kernel of ["linear", "rbf"] as const) {
    const head = HybridHead.fit(rows, keep.map((i) => fx.labels[i]), { kernel, Cs: [1], gammaFactors: [1], folds: 2 });
    const source = { head, features: fx.features(false) };
    const df = head.svm.decisionFunction(head.transform(rows)).map((r) => r[0]); // positive for class 1
    const s1 = hybridClassScore(source, { classIndex: 1 }), s0 = hybridClassScore(source, { classIndex: 0 });
    rows.forEach((r, i) => {
      const [a, b] = tf.tidy(() => [s1(tf.tensor2d([r])).dataSync()[0], s0(tf.tensor2d([r])).dataSync()[0]]);
      assertLess(relErr(a, df[i]), 2e-5, `${kernel}: class 1 score is decision_function`);
      assertLess(relErr(b, -df[i]), 2e-5, `${kernel}: class 0 score is its negative`);
    });
    assertThrows(() => hybridClassScore(source, { classIndex: 2 }), RangeError, "trained on (0, 1)");
  }
});

Deno.test("hybridClassScore()'s autodiff gradient matches finite differences of the float64 SVM", async () => {
  const fx = await fixture();
  const cases: { kernel: KernelType; pca?: number; hand: boolean }[] = [
    { kernel: "linear", pca: 3, hand: false },
    { kernel: "rbf", hand: false },
    { kernel: "rbf", pca: 5, hand: true },
    { kernel: "poly", hand: true },
  ];
  for (const { kernel, pca, hand } of cases) {
    const what = `${kernel}${pca ? ` + PCA ${pca}` : ""}${hand ? ", CNN + handcrafted" : ""}`;
    const rows = hand ? fx.cnn.map((r, i) => [...r, ...fx.hand[i]]) : fx.cnn;
    const head = HybridHead.fit(rows, fx.labels, { kernel, pca, Cs: [1], gammaFactors: [1], folds: 2 });
    const scale = head.scaler.scale;
    for (const [i, c] of [[0, 0], [7, 2], [13, 3]]) {
      const h = hand ? fx.hand[i] : [];
      const score = hybridClassScore({ head, features: fx.features(hand) }, { classIndex: c, handcrafted: h });
      const x = tf.tensor2d([fx.cnn[i]]);
      const before = tf.memory().numTensors;
      const g = tf.grad((t: tf.Tensor) => score(t as tf.Tensor2D))(x);
      const auto = Array.from(await g.data());
      g.dispose();
      assertEquals(tf.memory().numTensors, before, `${what}: the gradient leaks nothing`);
      x.dispose();
      // Central differences of the reference pipeline (scaler, PCA, SVM in float64), a step of 1e-4 std.
      const f = (row: number[]) => orientedScores(referenceOvo(head, [[...row, ...h]])[0], 4)[c];
      const fd = fx.cnn[i].map((_, j) => {
        const step = 1e-4 * scale[j];
        const up = [...fx.cnn[i]], down = [...fx.cnn[i]];
        up[j] += step;
        down[j] -= step;
        return (f(up) - f(down)) / (2 * step);
      });
      const norm = Math.max(1e-3, ...fd.map(Math.abs));
      const worst = Math.max(...auto.map((v, j) => Math.abs(v - fd[j])));
      assertLess(worst / norm, 1e-3, `${what}, image ${i}, class ${c}: autodiff ${auto} vs finite differences ${fd}`);
      assert(fd.some((v) => v !== 0), `${what}: a non-trivial gradient`);
    }
  }
});

Deno.test("hybridClassScore() rejects a handcrafted-only hybrid and missing or mis-sized inputs", async () => {
  const fx = await fixture();
  const rows = fx.cnn.map((r, i) => [...r, ...fx.hand[i]]);
  const head = HybridHead.fit(rows, fx.labels, { kernel: "linear", Cs: [1], folds: 2 });
  const both = { head, features: fx.features(true) };
  assertThrows(() => hybridClassScore(both, { classIndex: 0 }), RangeError, "pass the image's handcrafted row");
  assertThrows(() => hybridClassScore(both, { classIndex: 0, handcrafted: [1, 2] }), RangeError, "must hold");
  assertThrows(() => hybridClassScore(both, { classIndex: 0.5 }), RangeError, "classIndex must be");
  const handOnly = { head, features: { ...fx.features(true), cnn: null } };
  assertThrows(() => hybridClassScore(handOnly, { classIndex: 0 }), RangeError, "handcrafted features only");
  const score = hybridClassScore(both, { classIndex: 1, handcrafted: fx.hand[0] });
  const before = tf.memory().numTensors;
  assertThrows(() => tf.tidy(() => score(tf.zeros([1, 3]) as tf.Tensor2D)), RangeError, "expects 8 CNN features");
  assertThrows(() => tf.tidy(() => score(tf.zeros([2, 8]) as tf.Tensor2D)), RangeError, "one image");
  assertEquals(tf.memory().numTensors, before);
});
