import { assert, assertEquals } from "./assert.ts";

const ROOT = new URL("../", import.meta.url);

async function runTask(script: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", new URL("deno.json", ROOT).pathname, new URL(script, ROOT).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("deno task demo runs the whole study end to end and writes the report and summary", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await runTask("tasks/demo.ts", [
      "--models",
      "cnn,mobilenet",
      "--per-class",
      "16",
      "--size",
      "32",
      "--epochs",
      "1",
      "--gradcam-images",
      "8",
      "--out",
      dir,
    ]);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stdout.includes("95% bootstrap intervals") && r.stdout.includes("pointing game"), r.stdout);
    assert(r.stderr.includes("no patient in two splits, checked"), r.stderr);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    const models = summary.comparison.rows.map((row: { model: string }) => row.model).sort();
    for (const m of ["cnn", "mobilenet", "ensemble-soft", "ensemble-weighted", "ensemble-stacking"]) {
      assert(models.includes(m), `${m} in ${models}`);
    }
    assert(models.some((m: string) => m.endsWith("-svm")), `a hybrid run: ${models}`);
    assertEquals(Object.keys(summary.faithfulness).sort(), ["cnn", "mobilenet"]);
    assertEquals(summary.study.patientLeaks, 0);
    const html = await Deno.readTextFile(`${dir}/report.html`);
    assert(html.includes("not for clinical use") || html.includes("Not for clinical use"), "the disclaimer");
    for (const f of ["runs/cnn/metrics.json", "runs/mobilenet/gradcam/faithfulness.json"]) {
      await Deno.stat(`${dir}/${f}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tasks reject bad arguments with a clear message", async () => {
  const unknown = await runTask("tasks/demo.ts", ["--epoks", "2"]);
  assertEquals(unknown.code, 2);
  assert(unknown.stderr.includes("epoks") && unknown.stderr.includes("Usage"), unknown.stderr);
  const bad = await runTask("tasks/demo.ts", ["--epochs", "0"]);
  assert(bad.code !== 0 && bad.stderr.includes("--epochs must be a positive integer"), bad.stderr);
  const few = await runTask("tasks/demo.ts", ["--per-class", "3", "--size", "32"]);
  assert(few.code !== 0 && few.stderr.includes("too few patients"), few.stderr);
  const backend = await runTask("tasks/bench.ts", ["--backend", "tpu"]);
  assertEquals(backend.code, 2);
  assert(backend.stderr.includes("Valid backends are"), backend.stderr);
  const model = await runTask("tasks/bench.ts", ["--models", "nope", "--no-cpu"]);
  assert(model.code !== 0 && model.stderr.includes("Valid models are"), model.stderr);
});

Deno.test("deno task bench writes a report with a leak-free throughput", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await runTask("tasks/bench.ts", [
      "--models",
      "cnn,alexnet",
      "--size",
      "32",
      "--batch",
      "4",
      "--steps",
      "1",
      "--no-cpu",
      "--out",
      dir,
    ]);
    assertEquals(r.code, 0, r.stderr);
    const report = JSON.parse(await Deno.readTextFile(`${dir}/latest.json`));
    // One figure per backend timed (onednn and wasm where oneDNN is installed): alexnet, too big for 32x32, is
    // skipped without losing the rest.
    assertEquals(report.results.map((x: { backend: string }) => x.backend), report.backends);
    for (const result of report.results) {
      assertEquals(result.model, "cnn");
      assert(result.imagesPerSecond > 0, "positive throughput");
      assertEquals(result.tensorsLeaked, 0);
    }
    assert(r.stderr.includes("alexnet at 32x32 skipped"), r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data:phantom, data:explore, data:split and augment:preview work end to end", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ph = await runTask("tasks/data_phantom.ts", ["--out", `${dir}/ph`, "--per-class", "9", "--size", "48"]);
    assertEquals(ph.code, 0, ph.stderr);
    assert(
      ph.stdout.includes("Wrote 36 images of 12 patients") && ph.stdout.includes("not for clinical use"),
      ph.stdout,
    );
    const manifest = (await Deno.readTextFile(`${dir}/ph/manifest.csv`)).trim().split("\n");
    assertEquals(manifest[0], "path,label,patient_id,slice,mask_path");
    assertEquals(manifest.length, 37);
    const ex = await runTask("tasks/data_explore.ts", ["--data", `${dir}/ph`, "--out", `${dir}/ex`]);
    assertEquals(ex.code, 0, ex.stderr);
    assert(ex.stdout.includes("Images per class") && ex.stdout.includes("48x48"), ex.stdout);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/ex/summary.json`));
    assertEquals(summary.classCounts, { Healthy: 9, "Herniated disk": 9, "Spinal stenosis": 9, Spondylosis: 9 });
    await Deno.stat(`${dir}/ex/samples.png`);
    const sp = await runTask("tasks/data_split.ts", ["--data", `${dir}/ph`]);
    assertEquals(sp.code, 0, sp.stderr);
    assert(sp.stdout.includes("0 patients in two splits"), sp.stdout);
    const split = JSON.parse(await Deno.readTextFile(`${dir}/ph/split.json`));
    assertEquals(split.train.length + split.val.length + split.test.length, 36);
    const naive = await runTask("tasks/data_split.ts", [
      "--data",
      `${dir}/ph`,
      "--split-by",
      "image",
      "--out",
      `${dir}/s.json`,
    ]);
    assertEquals(naive.code, 0, naive.stderr);
    const bad = await runTask("tasks/data_split.ts", ["--data", `${dir}/ph`, "--split-by", "study"]);
    assertEquals(bad.code, 2, bad.stderr);
    const aug = await runTask("tasks/augment_preview.ts", ["--out", `${dir}/aug.png`, "--size", "48"]);
    assertEquals(aug.code, 0, aug.stderr);
    await Deno.stat(`${dir}/aug.png`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
