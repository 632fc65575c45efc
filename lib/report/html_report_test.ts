import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { lineChart } from "./charts/line_chart.ts";
import { buildStudyReport, writeStudyReport } from "./html_report.ts";
import { fakePng, writeFakeRun } from "./report_test_fixtures.ts";

const count = (text: string, part: string) => text.split(part).length - 1;

async function withRuns(fn: (root: string) => Promise<void>) {
  const root = await Deno.makeTempDir({ prefix: "html_report_" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("buildStudyReport() holds the comparison, a section per model, every chart, and plotly.js once", async () => {
  await withRuns(async (root) => {
    await writeFakeRun(`${root}/a`, { model: "cnn", accuracy: 0.6 });
    await writeFakeRun(`${root}/b`, { model: "vgg16", accuracy: 0.8, gradcam: true });
    const r = await buildStudyReport([`${root}/a`, `${root}/b/`], { generatedAt: new Date("2026-02-03T04:05:06Z") });
    const html = r.html;
    assert(html.startsWith("<!doctype html>"), "a document");
    assertEquals(count(html, "/* plotly.js-dist-min"), 1, "plotly.js inlined");
    assertEquals(count(html, "<script"), 1 + r.figureCount + 1, "plotly, one data script per chart, the loader");
    // 3 comparison bars (accuracy, F1, AUC), then per run the confusion matrix, ROC and training curves.
    assertEquals(r.figureCount, 9);
    assertEquals(count(html, `class="plotly-chart"`), r.figureCount);
    assert(html.includes(`<main class="page" data-figure-count="9">`), "the count for the browser test");
    // Best F1 first; the first model's section open, the others closed.
    assertEquals(r.compared, [`${root}/b`, `${root}/a`]);
    assertEquals(r.runs, r.compared);
    assert(/<details class="run" id="run-1" open><summary>vgg16/.test(html), "vgg16 first and open");
    assert(/<details class="run" id="run-2"><summary>cnn/.test(html), "cnn second and closed");
    assertEquals(count(html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>")), "<tr>"), 2, "comparison rows");
    assert(html.includes(`<span class="est">80.0</span> <span class="ci">[60.0, 95.0]</span>`), "accuracy with CI");
    for (const part of ["Not for clinical use", "synthetic phantom", "Classification report", "Most confused"]) {
      assert(html.includes(part), part);
    }
    // Top losses of both runs, the gallery and the deletion figure of b.
    assertEquals(count(html, `src="data:image/png;base64,`), 4);
    assert(html.includes("Grad-CAM galleries") && html.includes("pointing game"), "Grad-CAM section");
    assert(html.includes("FAIL: the maps &lt;stay&gt; the same"), "the sanity verdict, escaped");
    assert(html.includes(">2.9.6<") && html.includes("2026-02-03 04:05:06 UTC"), "environment and date");
    assertEquals(r.skipped, []);
  });
});

Deno.test("buildStudyReport() escapes titles, class names and model names", async () => {
  await withRuns(async (root) => {
    const evil = `<script>alert("x")</script>`;
    await writeFakeRun(`${root}/a`, { model: `m${evil}`, classes: [`c${evil}`, "d & e"] });
    const { html } = await buildStudyReport([`${root}/a`], { title: `T ${evil}` });
    assert(!html.includes(evil), "no raw script from the data");
    assert(html.includes(`<title>T &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>`), html.slice(0, 400));
    assert(html.includes("d &amp; e"), "class name escaped in tables");
    // Nothing in the charts' JSON ends its <script> early.
    assertEquals(count(html, "</script>"), count(html, "<script"), "every script element closes once");
  });
});

Deno.test("buildStudyReport() lists a run without results as not compared and still shows its curves", async () => {
  await withRuns(async (root) => {
    await writeFakeRun(`${root}/done`, { accuracy: 0.7 });
    await writeFakeRun(`${root}/stopped`, { noMetrics: true });
    await Deno.mkdir(`${root}/empty`);
    const r = await buildStudyReport([`${root}/done`, `${root}/stopped`, `${root}/empty`]);
    assertEquals(r.compared, [`${root}/done`]);
    assertEquals(r.skipped.map((s) => s.reason), [
      "status interrupted at epoch 2, no test results",
      "config.json: missing",
    ]);
    assert(r.html.includes("Not compared:"), "the skipped list");
    // The bars (one compared run), its 3 charts, and the stopped run's training curves.
    assertEquals(r.figureCount, 3 + 3 + 1);
    assert(r.html.includes("no test results"), "the stopped run's section says so");
  });
});

Deno.test("buildStudyReport() shows the study summary, leakage warnings, ensembles and extra sections", async () => {
  await withRuns(async (root) => {
    await writeFakeRun(`${root}/a`, { config: { split: { by: "image", counts: { train: 1, val: 1, test: 1 } } } });
    await writeFakeRun(`${root}/e`, {
      model: "ensemble-soft",
      dataHash: "other",
      config: { ensemble: { method: "soft", members: [{ run: "a", model: "cnn" }] } },
    });
    const r = await buildStudyReport([`${root}/a`, `${root}/e`], {
      study: {
        description: "Phantom, 8 per class",
        counts: { Healthy: { train: 6, test: 2 }, Herniated: { train: 5, test: 3 } },
        warnings: ["Patient p7 is in train and test"],
        seed: 42,
        leakage: { imageLevelAccuracy: 0.97, patientLevelAccuracy: 0.71 },
      },
      extraSections: [{
        title: "Leakage <demo>",
        text: "First.\n\nSecond.",
        charts: [lineChart([{ name: "a", x: [0, 1], y: [0, 1] }])],
        images: [{ png: await fakePng(20, 10), caption: "an image" }],
      }],
    });
    const html = r.html;
    for (
      const w of [
        "Patient p7 is in train and test",
        "Split by image, not by patient",
        "The runs were trained on 2 different data sets: they do not compare",
      ]
    ) {
      assert(r.warnings.some((x) => x.startsWith(w)), `warning: ${w}`);
      assert(html.includes(`<li>${w}`), `shown: ${w}`);
      assertEquals(r.warnings.filter((x) => x.startsWith(w)).length, 1, `once: ${w}`);
    }
    assert(html.includes('<th></th><th class="num">train</th><th class="num">test</th>'), "counts table");
    assert(html.includes('<td>total</td><td class="num">11</td><td class="num">5</td><td class="num">16</td>'));
    assert(html.includes("imageLevelAccuracy"), "other study fields");
    assert(html.includes("<h4>Ensemble</h4>") && html.includes("ensemble-soft"), "the ensemble's members");
    assert(html.includes(`<h2>Leakage &lt;demo&gt;</h2>`) && html.includes("<p>Second.</p>"), "extra section");
    assertEquals(r.figureCount, 3 + 3 + 3 + 1);
    assertEquals(count(html, `class="plotly-chart"`), r.figureCount);
  });
});

Deno.test("writeStudyReport() writes the page atomically and returns its size; no runs is an error", async () => {
  await withRuns(async (root) => {
    await writeFakeRun(`${root}/a`);
    const out = `${root}/out/report.html`;
    const r = await writeStudyReport([`${root}/a`], out);
    assertEquals((await Deno.stat(out)).size, r.bytes);
    assertEquals([...Deno.readDirSync(`${root}/out`)].map((e) => e.name), ["report.html"]);
    assert(r.bytes > 3_000_000 && r.bytes < 6_000_000, `size ${r.bytes}: plotly.js plus a little`);
    await assertRejects(() => writeStudyReport([], out), RangeError, "at least one run");
  });
});

Deno.test("buildStudyReport() names repeated models by folder, and repeated folders once", async () => {
  await withRuns(async (root) => {
    await writeFakeRun(`${root}/x/cnn-quick`, { accuracy: 0.6 });
    await writeFakeRun(`${root}/y/cnn-quick`, { accuracy: 0.7 });
    const r = await buildStudyReport([`${root}/x/cnn-quick`, `${root}/y/cnn-quick`, `${root}/x/cnn-quick/`]);
    assertEquals(r.runs.length, 2);
    assert(r.html.includes("<summary>cnn (cnn-quick) <span"), "first label");
    assert(r.html.includes("<summary>cnn (cnn-quick #2) <span"), "second label, unique for the bar chart");
  });
});
