/**
 * `deno task svm` and `deno task ensemble` as users run them, in child
 * processes, on two tiny runs trained here.
 */
import { runTask } from "./run_task.ts";
import { assert, assertEquals } from "./assert.ts";
import { initBackend } from "../lib/backend.ts";
import { profileSettings } from "../lib/train/profiles.ts";
import { trainRun } from "../lib/train/run.ts";

const task = runTask;

const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));

function assertRowsSumToOne(probs: number[][], what: string) {
  for (const p of probs) {
    const s = p.reduce((a, b) => a + b, 0);
    assert(Math.abs(s - 1) < 1e-6, `${what}: a row sums to ${s}`);
  }
}

Deno.test("svm and ensemble tasks: a hybrid and three ensembles over two tiny runs", async () => {
  await initBackend("wasm");
  const root = await Deno.makeTempDir();
  try {
    // Two CNN runs on the same data and split (same seed), trained differently.
    const settings = {
      ...profileSettings("quick"),
      size: 32,
      perClass: 12,
      patience: 0,
      lrPatience: 0,
      augment: false,
      preciseBnSamples: 32,
    };
    const data = { kind: "phantom" as const, perClass: 12, seed: 7 };
    const quiet = { progress: false, log: () => {}, cacheDir: `${root}/cache` };
    await trainRun(
      { model: "cnn", profile: "quick", settings: { ...settings, epochs: 1 }, data, seed: 7 },
      `${root}/a`,
      quiet,
    );
    await trainRun(
      { model: "cnn", profile: "quick", settings: { ...settings, epochs: 2, learningRate: 3e-3 }, data, seed: 7 },
      `${root}/b`,
      quiet,
    );
    const split = await readJson(`${root}/a/split.json`);

    const svm = await task("tasks/svm.ts", [
      "--backbone",
      `${root}/a`,
      "--pca",
      "0.9",
      "--C",
      "1,10",
      "--gamma",
      "1",
      "--folds",
      "3",
      "--out",
      `${root}/a-svm`,
    ]);
    assertEquals(svm.code, 0, svm.stderr);
    assert(svm.stdout.includes("95% CI") && svm.stderr.includes("Ablation"), svm.stdout + svm.stderr);
    for (
      const f of ["config.json", "split.json", "hybrid.json", "backbone/model.json", "metrics.json", "metrics.csv"]
    ) {
      await Deno.stat(`${root}/a-svm/${f}`);
    }
    for (const f of ["ablation.json", "ablation.csv", "ablation_macro_f1.png", "pca_variance.svg", "roc.png"]) {
      await Deno.stat(`${root}/a-svm/${f}`);
    }
    const hybrid = await readJson(`${root}/a-svm/metrics.json`);
    assertEquals(hybrid.test.n, split.test.length, "the hybrid scores the backbone's test split");
    assertRowsSumToOne(hybrid.predictions.probs, "hybrid");
    assertEquals(await readJson(`${root}/a-svm/split.json`), split);
    const ablation = await readJson(`${root}/a-svm/ablation.json`);
    assertEquals(ablation.rows.length, 6);
    assertEquals((await Deno.readTextFile(`${root}/a-svm/ablation.csv`)).trim().split("\n").length, 7);

    const ens = await task("tasks/ensemble.ts", [
      "--runs",
      `${root}/a,${root}/b,${root}/a-svm`,
      "--out",
      `${root}/ens`,
    ]);
    assertEquals(ens.code, 0, ens.stderr);
    assert(ens.stdout.includes("ensemble-stacking"), ens.stdout);
    const n = split.test.length;
    for (const method of ["soft", "weighted", "stacking"]) {
      const dir = `${root}/ens/ensemble-${method}`;
      const m = await readJson(`${dir}/metrics.json`);
      assertEquals(m.test.n, n, `${method}: test images`);
      assertEquals(m.predictions.probs.length, n);
      assertRowsSumToOne(m.predictions.probs, method);
      const config = await readJson(`${dir}/config.json`);
      assertEquals(config.ensemble.members.length, 3);
      await Deno.stat(`${dir}/confusion_matrix.png`);
    }
    // Soft voting is the mean of the members' stored (and re-predicted) test probabilities.
    const members = await Promise.all(["a", "b", "a-svm"].map((r) => readJson(`${root}/${r}/metrics.json`)));
    const soft = await readJson(`${root}/ens/ensemble-soft/metrics.json`);
    soft.predictions.probs.forEach((row: number[], i: number) =>
      row.forEach((v, c) => {
        const mean = members.reduce((s, m) => s + m.predictions.probs[i][c], 0) / 3;
        assert(Math.abs(v - mean) < 1e-5, `soft vote ${i},${c}: ${v} vs ${mean}`);
      })
    );
    // Stacking trained on the validation ids only.
    const stacking = await readJson(`${root}/ens/ensemble-stacking/stacking.json`);
    assertEquals(stacking.trainedOn, split.val);
    assert(stacking.trainedOn.every((id: string) => !split.test.includes(id)), "no test image in stacking");

    // A run on other data is refused, naming it.
    const other = await readJson(`${root}/b/config.json`);
    await Deno.mkdir(`${root}/c`);
    await Deno.writeTextFile(`${root}/c/config.json`, JSON.stringify({ ...other, dataHash: "f".repeat(64) }));
    await Deno.copyFile(`${root}/b/split.json`, `${root}/c/split.json`);
    const bad = await task("tasks/ensemble.ts", ["--runs", `${root}/a,${root}/c`, "--out", `${root}/ens2`]);
    assertEquals(bad.code, 1, bad.stderr);
    assert(bad.stderr.includes("different data") && bad.stderr.includes(`${root}/c`), bad.stderr);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("svm and ensemble tasks: bad command lines are clear errors", async () => {
  const none = await task("tasks/svm.ts", []);
  assertEquals(none.code, 2);
  assert(none.stderr.includes("--backbone RUN"), none.stderr);
  const pca = await task("tasks/svm.ts", ["--backbone", "x", "--pca", "1.5"]);
  assertEquals(pca.code, 2);
  assert(pca.stderr.includes("--pca must be a variance fraction"), pca.stderr);
  const one = await task("tasks/ensemble.ts", ["--runs", "x"]);
  assertEquals(one.code, 2);
  assert(one.stderr.includes("two or more"), one.stderr);
  const method = await task("tasks/ensemble.ts", ["--runs", "x,y", "--method", "hard"]);
  assertEquals(method.code, 2);
  assert(method.stderr.includes("soft, weighted, stacking, all"), method.stderr);
});
