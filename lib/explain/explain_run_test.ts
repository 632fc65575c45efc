import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { loadStudyData } from "../data/study_data.ts";
import { createModel } from "../models/mod.ts";
import { saveModel } from "../train/save.ts";
import { explainRun } from "./explain_run.ts";
import type { FaithfulnessReport } from "./faithfulness_types.ts";

const SIZE = 32;

/** A run folder without training: an initialised cnn, a phantom of 12 images, a hand-written split. */
async function fakeRun(dir: string, { metrics = true } = {}): Promise<string[]> {
  const data = { kind: "phantom" as const, perClass: 3, seed: 5 };
  const study = await loadStudyData(data, SIZE);
  const built = createModel("cnn", { inputShape: [SIZE, SIZE, 3], numClasses: 4, seed: 3 });
  await saveModel(built.model, `${dir}/model`);
  built.model.dispose();
  const ids = study.items.map((it) => it.id);
  const config = {
    model: "cnn",
    profile: "test",
    settings: { size: SIZE },
    data,
    seed: 5,
    classes: study.classes,
    dataHash: study.hash,
  };
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config));
  await Deno.writeTextFile(
    `${dir}/split.json`,
    JSON.stringify({ train: ids.slice(0, 4), val: [], test: ids.slice(4) }),
  );
  if (metrics) {
    await Deno.writeTextFile(
      `${dir}/metrics.json`,
      JSON.stringify({ model: "cnn", test: { accuracy: 0.25 }, gradCamLayer: "block4_relu", keep: "me" }),
    );
  }
  return ids;
}

function inUnit(v: number | null | undefined, what: string) {
  assert(v != null && v >= 0 && v <= 1, `${what} in [0, 1]: ${v}`);
}

Deno.test("explainRun() writes galleries, overlays, curves and the report, merges it into metrics.json, leaks nothing", async () => {
  await initBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    const ids = await fakeRun(dir);
    const before = tf.memory().numTensors;
    const { report, perImage, files, out } = await explainRun(dir, {
      methods: ["gradcam", "gradcam++"],
      saveOverlays: true,
      sanityImages: 2,
      deletionImages: 2,
      deletionSteps: 4,
      cacheDir: dir,
      log: () => {},
    });
    assertEquals(tf.memory().numTensors, before, "no tensor left behind");
    assertEquals(out, `${dir}/gradcam`);
    assertEquals(report.images.explained, ids.length - 4, "the test split");
    assertEquals(perImage.map((e) => e.split), perImage.map(() => "test"));
    assertEquals(report.featureMap, { width: 4, height: 4 }, "block4_relu at 32x32");
    assertEquals(report.layerName, "block4_relu");
    assertEquals(report.tolerancePx, 1.5);
    assertEquals(report.methods.map((m) => m.method), ["gradcam", "gradcam++"]);
    const abnormal = perImage.filter((e) => e.abnormal);
    assert(abnormal.length > 0 && abnormal.length < perImage.length, "healthy and abnormal images both explained");
    assertEquals(report.images.abnormal, abnormal.length);
    for (const m of report.methods) {
      const loc = m.localisation!;
      assertEquals(loc.n, abnormal.length);
      inUnit(loc.pointing, "pointing");
      inUnit(loc.pointingTolerant, "tolerant pointing");
      assert(loc.pointingTolerant! >= loc.pointing!, "a tolerance only adds hits");
      inUnit(loc.random!.pointing, "random pointing");
      assert(loc.random!.pointingTolerant >= loc.random!.pointing, "random: tolerance only adds hits");
      if (loc.energy != null) inUnit(loc.energy, "energy");
      assert(!("Healthy" in loc.byClass), "healthy images have no lesion");
      assertEquals(m.deletionInsertion.images, 2);
      assertEquals(m.deletionInsertion.fractions.length, 5);
      inUnit(m.deletionInsertion.deletionAuc, "deletion AUC");
      inUnit(m.deletionInsertion.insertionAuc, "insertion AUC");
      assertEquals(m.sanity.layers[0], "predictions");
      assertEquals(m.sanity.meanSpearman.length, m.sanity.layers.length);
      assert(m.sanity.images + m.sanity.constantOriginal === 2, "two cascade images");
      assert(m.msPerMap > 0);
    }
    assertEquals(report.randomBaseline.deletionInsertion.images, 2);
    for (const e of abnormal) assert(e.localisation?.gradcam != null && e.localisation["gradcam++"] != null);

    const classes = new Set(perImage.map((e) => e.trueClass)).size;
    const galleries = files.filter((f) => f.includes("/gallery_"));
    assertEquals(galleries.length, 2 * classes, "one per class and method");
    assert(galleries.some((f) => f.endsWith("/gallery_gradcam_pp_healthy.png")), galleries.join(", "));
    assertEquals(files.filter((f) => f.includes("/overlays/")).length, 2 * perImage.length);
    for (const f of files) await Deno.stat(f);
    await Deno.stat(`${out}/deletion_insertion.png`);

    const saved = JSON.parse(await Deno.readTextFile(`${out}/faithfulness.json`));
    assertEquals(saved.perImage.length, perImage.length);
    const metrics = JSON.parse(await Deno.readTextFile(`${dir}/metrics.json`));
    assertEquals([metrics.keep, metrics.gradCamLayer, metrics.test.accuracy], ["me", "block4_relu", 0.25]);
    const merged = metrics.faithfulness as FaithfulnessReport;
    assertEquals(merged.methods.length, 2);
    assert(!("perImage" in merged), "metrics.json holds the summary only");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("explainRun() explains chosen images, flags those outside the test split, and rejects unknown ones", async () => {
  await initBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    const ids = await fakeRun(dir, { metrics: false });
    const warnings: string[] = [];
    const { report, perImage, files } = await explainRun(dir, {
      images: [ids[0], ids[5]],
      sanityImages: 1,
      deletionImages: 1,
      deletionSteps: 2,
      out: `${dir}/elsewhere`,
      cacheDir: dir,
      log: (l) => warnings.push(l),
    });
    assertEquals(perImage.map((e) => e.id), [ids[0], ids[5]]);
    assertEquals(perImage.map((e) => e.split), ["train", "test"]);
    assertEquals(report.images.notInTest, 1);
    assert(report.warnings.some((w) => w.includes("not in the run's test split")), report.warnings.join("\n"));
    assert(report.warnings.some((w) => w.includes("metrics.json does not exist")), "no metrics.json to merge into");
    assert(files.every((f) => f.startsWith(`${dir}/elsewhere/`)), files.join(", "));
    await assertRejects(() => Deno.stat(`${dir}/metrics.json`), Deno.errors.NotFound);
    assert(warnings.length > 0, "warnings are logged");

    const capped = await explainRun(dir, { maxImages: 3, sanityImages: 1, deletionImages: 1, log: () => {} });
    assertEquals(capped.perImage.length, 3);
    assertEquals(new Set(capped.perImage.map((e) => e.trueClass)).size, 3, "a capped test split takes classes in turn");

    await assertRejects(() => explainRun(dir, { images: ["phantom:999"], log: () => {} }), RangeError, "phantom:999");
    await assertRejects(
      () => explainRun(dir, { methods: ["gradcam", "cam" as "gradcam"], log: () => {} }),
      RangeError,
      "Valid methods are: gradcam, gradcam++",
    );
    await assertRejects(() => explainRun(`${dir}/nothing`, { log: () => {} }), Error, "not a run folder");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
