/**
 * `deno task gradcam` as users run it: a tiny run trained in a child process, then explained in another.
 */
import { runTask } from "./run_task.ts";
import { assert, assertEquals } from "./assert.ts";

const task = runTask;

function inUnit(v: unknown, what: string) {
  assert(typeof v === "number" && v >= 0 && v <= 1, `${what} in [0, 1]: ${v}`);
}

Deno.test("gradcam: galleries, faithfulness.json and metrics.json's faithfulness for a trained run", async () => {
  const root = await Deno.makeTempDir();
  try {
    const run = `${root}/cnn`;
    const trained = await task("tasks/train.ts", [
      ...["--model", "cnn", "--size", "32", "--per-class", "16", "--epochs", "1", "--seed", "7", "--out", run],
    ]);
    assertEquals(trained.code, 0, trained.stderr);
    const before = JSON.parse(await Deno.readTextFile(`${run}/metrics.json`));

    const r = await task("tasks/gradcam.ts", [
      ...["--run", run, "--method", "both", "--save-overlays", "--sanity-images", "2", "--deletion-images", "3"],
    ]);
    assertEquals(r.code, 0, r.stderr);
    for (const part of ["pointing (random)", "energy in mask (random)", "deletion AUC", "insertion AUC", "sanity"]) {
      assert(r.stdout.includes(part), `"${part}" in the table:\n${r.stdout}`);
    }
    assert(/^Grad-CAM\s/m.test(r.stdout) && /^Grad-CAM\+\+\s/m.test(r.stdout), r.stdout);
    assert(/Sanity check, Grad-CAM, \d images.*: (pass|FAIL|not measured)/.test(r.stdout), r.stdout);

    const f = JSON.parse(await Deno.readTextFile(`${run}/gradcam/faithfulness.json`));
    assertEquals(f.model, "cnn");
    assertEquals(f.size, 32);
    assertEquals(f.layerName, before.gradCamLayer);
    assertEquals(f.featureMap, { width: 4, height: 4 });
    assertEquals(f.images.explained, before.predictions.yTrue.length, "the whole test split");
    assertEquals(f.perImage.length, f.images.explained);
    assert(f.images.abnormal > 0, "the phantom's test split has lesions");
    assertEquals(f.methods.map((m: { method: string }) => m.method), ["gradcam", "gradcam++"]);
    inUnit(f.randomBaseline.localisation.pointing, "random pointing");
    inUnit(f.randomBaseline.localisation.energy, "random energy");
    for (const m of f.methods) {
      const loc = m.localisation;
      assertEquals(loc.n, f.images.abnormal);
      inUnit(loc.pointing, `${m.method} pointing`);
      inUnit(loc.pointingTolerant, `${m.method} tolerant pointing`);
      assert(loc.energy === null || (loc.energy >= 0 && loc.energy <= 1), `${m.method} energy ${loc.energy}`);
      assertEquals(m.deletionInsertion.images, 3);
      assertEquals(m.deletionInsertion.fractions.length, 17, "16 steps by default");
      inUnit(m.deletionInsertion.deletionAuc, `${m.method} deletion AUC`);
      inUnit(m.deletionInsertion.insertionAuc, `${m.method} insertion AUC`);
      assertEquals(m.sanity.layers[0], "predictions", "top down");
      assertEquals(m.sanity.meanSpearman.length, m.sanity.layers.length);
      for (const v of m.sanity.meanSpearman) assert(v >= -1 && v <= 1, `spearman ${v}`);
      assert(typeof m.sanity.verdict === "string" && m.sanity.threshold === 0.5, JSON.stringify(m.sanity));
      assert(m.msPerMap > 0);
    }

    const after = JSON.parse(await Deno.readTextFile(`${run}/metrics.json`));
    for (const key of Object.keys(before)) assertEquals(after[key], before[key], `metrics.json kept "${key}"`);
    assertEquals(after.faithfulness.methods.length, 2);
    assertEquals(after.faithfulness.images, f.images);

    const names = (await Array.fromAsync(Deno.readDir(`${run}/gradcam`))).map((e) => e.name);
    const classes = new Set(f.perImage.map((e: { trueClass: string }) => e.trueClass)).size;
    assertEquals(names.filter((n) => /^gallery_gradcam_[a-z_]+\.png$/.test(n) && !n.includes("_pp_")).length, classes);
    assertEquals(names.filter((n) => /^gallery_gradcam_pp_[a-z_]+\.png$/.test(n)).length, classes);
    for (const n of names.filter((n) => n.startsWith("gallery_"))) {
      const png = await Deno.readFile(`${run}/gradcam/${n}`);
      assertEquals(Array.from(png.subarray(1, 4)), [0x50, 0x4e, 0x47], `${n} is a PNG`);
    }
    assert(names.includes("deletion_insertion.png"), names.join(", "));
    const overlays = await Array.fromAsync(Deno.readDir(`${run}/gradcam/overlays/gradcam_pp`));
    assertEquals(overlays.length, f.images.explained);

    const bad = await task("tasks/gradcam.ts", ["--run", run, "--method", "cam"]);
    assertEquals(bad.code, 2);
    assert(bad.stderr.includes("gradcam, gradcam++, both"), bad.stderr);
    const unknown = await task("tasks/gradcam.ts", ["--run", run, "--images", "phantom:99999"]);
    assertEquals(unknown.code, 2);
    assert(unknown.stderr.includes("phantom:99999"), unknown.stderr);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
