/**
 * `deno task predict` and `evaluateRun` on CNN-SVM hybrid run folders: a
 * tiny CNN trained and its hybrid built by the tasks, in child processes,
 * as users run them.
 */
import { runTask } from "./run_task.ts";
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertLess } from "./assert.ts";
import { initBackend } from "../lib/backend.ts";
import { generatePhantom } from "../lib/data/phantom.ts";
import { decodeImage } from "../lib/data/preprocess.ts";
import { extractHandcraftedFeatureMatrix } from "../lib/features/mod.ts";
import { HybridClassifier } from "../lib/hybrid/hybrid_classifier.ts";
import { HybridHead } from "../lib/hybrid/hybrid_head.ts";
import { grayPng } from "../lib/report/captioned_grid.ts";
import { evaluateRun } from "../lib/train/evaluate_run.ts";
import { predictImages } from "../lib/train/predict_images.ts";

const task = runTask;

const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));

function maxAbsDiff(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  assertEquals(a.length, b.length, "rows");
  return Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i][j]))));
}

async function assertPng(path: string) {
  const bytes = await Deno.readFile(path);
  assertEquals([...bytes.slice(1, 4)], [0x50, 0x4e, 0x47], `${path} is a PNG`);
  assert(bytes.length > 2000, `${path} holds two tiles`);
}

Deno.test("predict and evaluate work on a hybrid run folder, with no tensor leaks", async () => {
  await initBackend("wasm");
  const root = await Deno.makeTempDir();
  try {
    const run = `${root}/cnn`, dir = `${root}/cnn-svm`;
    const train = await task("tasks/train.ts", [
      ...["--model", "cnn", "--size", "32", "--per-class", "12", "--epochs", "1", "--patience", "0"],
      ...["--no-augment", "--seed", "7", "--out", run],
    ]);
    assertEquals(train.code, 0, train.stderr);
    const svm = await task("tasks/svm.ts", [
      ...["--backbone", run, "--out", dir, "--no-ablation", "--pca", "0.9", "--C", "1", "--gamma", "1", "--folds", "2"],
    ]);
    assertEquals(svm.code, 0, svm.stderr);
    assert(await HybridClassifier.existsIn(dir), "the svm task wrote hybrid.json");

    // Three phantom slices as PNG files, and one path that is not an image.
    const items = generatePhantom({ perClass: 1, size: 32, seed: 11, slicesPerPatient: 1 }).slice(0, 3);
    const paths = await Promise.all(items.map(async (it, i) => {
      const path = `${root}/scan ${i}.png`;
      await Deno.writeFile(path, await grayPng(it.image, 32));
      return path;
    }));

    // `deno task predict` as a user runs it.
    const predict = await task("tasks/predict.ts", ["--run", dir, "--out", `${root}/pred`, ...paths]);
    assertEquals(predict.code, 0, predict.stderr);
    assert(predict.stdout.includes("Grad-CAM overlay"), predict.stdout);
    const written = await readJson(`${root}/pred/predictions.json`);
    assertEquals(written.predictions.length, 3);
    for (const p of written.predictions) await assertPng(p.overlay);

    // In process: the hybrid's own probabilities, its most probable class, overlays, nothing leaked.
    const hybrid = await HybridClassifier.load(dir);
    const grays = await Promise.all(paths.map((p) => decodeImage(p, { size: 32 })));
    const expected = await hybrid.predictProba(grays);
    hybrid.dispose();
    let before = tf.memory().numTensors;
    const r = await predictImages(dir, [...paths, `${root}/missing.png`], `${root}/pred2`);
    assertEquals(tf.memory().numTensors, before, "predictImages leaks no tensors");
    assertEquals(r.classes, (await readJson(`${dir}/config.json`)).classes, "the run's classes");
    assertEquals(r.failed.map((f) => f.path), [`${root}/missing.png`]);
    const got = r.predictions.map((p) => r.classes.map((c) => p.probabilities[c]));
    assertLess(maxAbsDiff(got, expected), 1e-6, "predict gives the hybrid's probabilities");
    r.predictions.forEach((p, i) => {
      assertEquals(p.predicted, r.classes[expected[i].indexOf(Math.max(...expected[i]))], "the most probable class");
      assertEquals(p.probabilities, written.predictions[i].probabilities, "the task and the function agree");
    });
    for (const p of r.predictions) await assertPng(p.overlay);

    // evaluateRun on the hybrid reproduces the test probabilities the svm task recorded.
    const stored = await readJson(`${dir}/metrics.json`);
    before = tf.memory().numTensors;
    const ev = await evaluateRun(dir, { out: `${root}/eval`, cacheDir: `${root}/cache`, log: () => {} });
    assertEquals(tf.memory().numTensors, before, "evaluateRun leaks no tensors");
    assertEquals(ev.evaluation.n, stored.test.n);
    const again = await readJson(`${root}/eval/metrics.json`);
    assertLess(maxAbsDiff(again.predictions.probs, stored.predictions.probs), 1e-6, "the same test probabilities");
    assertEquals(again.test.accuracy, stored.test.accuracy);
    await Deno.stat(`${root}/eval/confusion_matrix.png`);

    // A hybrid on handcrafted features alone (no backbone): probabilities, and an overlay without a heatmap.
    const hand = `${root}/hand-svm`;
    await Deno.mkdir(hand);
    for (const f of ["config.json", "split.json"]) await Deno.copyFile(`${dir}/${f}`, `${hand}/${f}`);
    const fitItems = generatePhantom({ perClass: 6, size: 32, seed: 3, slicesPerPatient: 1 });
    const options = { hog: false as const };
    const m = extractHandcraftedFeatureMatrix(fitItems, options);
    const handOnly = new HybridClassifier({
      features: { cnn: null, handcrafted: { options, names: m.names } },
      head: HybridHead.fit(m.features, fitItems.map((it) => it.label), { Cs: [1], gammaFactors: [1], folds: 2 }),
      size: 32,
      classes: r.classes,
    });
    await handOnly.save(hand);
    const handExpected = await handOnly.predictProba(grays);
    before = tf.memory().numTensors;
    const h = await predictImages(hand, paths, `${root}/pred3`);
    const hev = await evaluateRun(hand, { out: `${root}/eval3`, cacheDir: `${root}/cache`, log: () => {} });
    assertEquals(tf.memory().numTensors, before, "no leaks without a backbone either");
    const hGot = h.predictions.map((p) => h.classes.map((c) => p.probabilities[c]));
    assertLess(maxAbsDiff(hGot, handExpected), 1e-12, "the handcrafted hybrid's probabilities");
    for (const p of h.predictions) await assertPng(p.overlay);
    assertEquals(hev.evaluation.n, stored.test.n);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
