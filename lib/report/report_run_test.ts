import { assert, assertEquals } from "../../tests/assert.ts";
import { readReportRun, readRunTest } from "./report_run.ts";
import { fakeFaithfulness, fakePng, writeFakeRun } from "./report_test_fixtures.ts";

Deno.test("readReportRun() reads a training run: config, history, test results and images", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFakeRun(dir, { model: "vgg16", gradcam: true });
    await Deno.writeFile(`${dir}/pca_variance.png`, await fakePng(10, 10));
    const run = await readReportRun(`${dir}/`);
    assertEquals([run.dir, run.model, run.kind, run.problems], [dir, "vgg16", "model", []]);
    assertEquals(run.history.map((h) => h.epoch), [1, 2]);
    assertEquals(run.test?.classes, ["Healthy", "Herniated disk"]);
    assertEquals(run.test?.ci.accuracy?.estimate, 0.75);
    assertEquals(run.test?.roc?.perClass.map((c) => c.label), ["Healthy", "Herniated disk"]);
    assertEquals(run.test?.confusionMatrix, [[2, 0], [0, 2]]);
    assertEquals(run.topLosses?.name, "top_losses.png");
    assertEquals(run.gradcam.map((g) => g.name), [
      "gradcam/gallery_gradcam_healthy.png",
      "gradcam/deletion_insertion.png",
    ]);
    assertEquals(run.otherImages.map((g) => g.name), ["pca_variance.png"]);
    assertEquals(run.faithfulness?.model, "vgg16");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readReportRun() never throws: missing and malformed files are noted in problems", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const empty = await readReportRun(`${dir}/nothing`);
    assertEquals(empty.problems, ["config.json: missing", "metrics.json: missing"]);
    assertEquals([empty.test, empty.model, empty.history], [null, "nothing", []]);

    await Deno.writeTextFile(`${dir}/config.json`, "{ not json");
    await Deno.writeTextFile(`${dir}/metrics.json`, JSON.stringify({ model: "x", test: { accuracy: 0.5 } }));
    await Deno.writeTextFile(`${dir}/history.json`, JSON.stringify([{ epoch: 1, loss: "?" }]));
    await Deno.mkdir(`${dir}/gradcam`);
    const report = { ...fakeFaithfulness("x"), perImage: [1, 2] };
    await Deno.writeTextFile(`${dir}/gradcam/faithfulness.json`, JSON.stringify(report));
    const run = await readReportRun(dir);
    assert(run.problems[0].startsWith("config.json: not valid JSON"), run.problems[0]);
    assertEquals([run.test?.accuracy, run.test?.classes, run.history], [0.5, [], []]);
    assertEquals(run.faithfulness?.perImage, undefined, "the per-image list is left out");
    assertEquals(run.faithfulness?.model, "x", "from gradcam/faithfulness.json");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readRunTest() drops malformed parts and says which", () => {
  const problems: string[] = [];
  const t = readRunTest({
    classes: ["a", "b"],
    accuracy: 0.5,
    ci: { accuracy: { estimate: 0.5, low: "?", high: 0.7 }, auc: "x" },
    confusionMatrix: [[1, 2, 3]],
    roc: "nope",
    mostConfused: [{ trueLabel: "a", predLabel: "b", count: 1, rate: 0.5 }, { trueLabel: 1 }],
  }, problems);
  assertEquals(t.ci.accuracy?.low, NaN);
  assertEquals(t.ci.auc, undefined);
  assertEquals([t.confusionMatrix, t.roc, t.mostConfused.length], [undefined, undefined, 1]);
  assertEquals(problems, [
    "metrics.json: test.roc is malformed",
    "metrics.json: test.confusionMatrix does not match the classes",
  ]);
});
