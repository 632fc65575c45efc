/**
 * `deno task bench:real` end to end on the real Tianchi slices, at a tiny
 * setting, in a child process; and its localisation arithmetic on made-up
 * points. The end-to-end test needs `../shared/data/spine-mri-tianchi/`
 * beside the repository: without it (a fresh clone) it is reported as
 * ignored. The data has no licence: the test writes only to a temporary
 * folder.
 */
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import { scorePeaks, wilsonInterval } from "../lib/study/bench_real.ts";

const ROOT = new URL("../", import.meta.url);
const DATA = new URL("../shared/data/spine-mri-tianchi/", ROOT).pathname;
const haveData = await Deno.stat(`${DATA}labels.json`).then((s) => s.isFile, () => false);
if (!haveData) {
  console.warn(
    `[tests] ignoring the bench:real end-to-end test: the real data is not at ${DATA} ` +
      "(it is not redistributed with the repository; see docs/real_data.md)",
  );
}

Deno.test("wilsonInterval() matches the textbook values and rejects impossible counts", () => {
  const a = wilsonInterval(5, 10);
  assertAlmostEquals(a.low, 0.2365930, 1e-6);
  assertAlmostEquals(a.high, 0.7634070, 1e-6);
  const zero = wilsonInterval(0, 11);
  assertEquals(zero.low, 0);
  // With no hit the upper bound is z^2 / (n + z^2).
  assertAlmostEquals(zero.high, 1.959964 ** 2 / (11 + 1.959964 ** 2), 1e-6);
  assertThrows(() => wilsonInterval(3, 2), RangeError, "hits <= n");
  assertThrows(() => wilsonInterval(0, 0), RangeError);
});

Deno.test("scorePeaks() counts peaks near herniated points and computes both random floors", () => {
  const size = 20;
  const slices = [
    // A hit at 0.1 (2 px) but not at 0.05 (1 px): the peak is 2 px from the herniated point.
    {
      peak: [10, 12] as const,
      points: [{ x: 10, y: 10, positive: true }, { x: 10, y: 4, positive: false }],
    },
    // A miss: the peak sits on the normal disc.
    {
      peak: [10, 4] as const,
      points: [{ x: 10, y: 10, positive: true }, { x: 10, y: 4, positive: false }],
    },
    // An all-zero map: a miss.
    { peak: null, points: [{ x: 3, y: 3, positive: true }] },
    // No herniated point: left out.
    { peak: [0, 0] as const, points: [{ x: 5, y: 5, positive: false }] },
  ];
  const r = scorePeaks(slices, size, [0.05, 0.1]);
  assertEquals(r.n, 3);
  assertEquals(r.emptyMaps, 1);
  assertEquals(r.borderPeaks, 0);
  // At 20 px the outer 5% is the first and last row and column.
  assertEquals(scorePeaks([{ ...slices[0], peak: [0, 12] }], size, [0.1]).borderPeaks, 1);
  assertEquals(scorePeaks([{ ...slices[0], peak: [19, 1] }], size, [0.1]).borderPeaks, 1);
  assertEquals(r.medianDistance, (2 + 6) / 2 / size);
  const [near, far] = r.atDistance;
  assertEquals([near.px, near.hits, far.px, far.hits], [1, 0, 2, 1]);
  assertAlmostEquals(far.rate!, 1 / 3, 1e-12);
  // Within 1 px of a point: the point's pixel and its 4 neighbours (5 of 400); within 2 px: 13 of 400.
  // (The corner point at (3, 3) keeps all its neighbours inside the 20x20 slice.)
  assertAlmostEquals(near.randomMap!, 5 / 400, 1e-9);
  assertAlmostEquals(far.randomMap!, 13 / 400, 1e-9);
  // Random disc: 1 of 2 discs is herniated on the first two slices, 1 of 1 on the third.
  assertAlmostEquals(far.randomDisc!, (0.5 + 0.5 + 1) / 3, 1e-12);
  assert(far.ci!.low <= far.rate! && far.rate! <= far.ci!.high, "the interval holds the rate");
  assertThrows(() => scorePeaks(slices, size, [0]), RangeError, "(0, 1]");
  assertEquals(scorePeaks([], size, [0.1]).atDistance[0].rate, null);
});

interface Ci {
  estimate: number;
  low: number;
  high: number;
}

function assertCi(c: Ci, what: string) {
  assert(
    c.low >= 0 && c.high <= 1 && c.low <= c.estimate + 1e-12 && c.estimate <= c.high + 1e-12,
    `${what}: ${JSON.stringify(c)} is not an interval in [0, 1] around its estimate`,
  );
}

Deno.test({
  name: "deno task bench:real runs every stage on the real slices at a tiny setting and writes its outputs",
  ignore: !haveData,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "bench_real_test_" });
    try {
      // A phantom summary with one row, so that the comparison is exercised.
      const phantom = `${dir}/phantom_summary.json`;
      const ci = { estimate: 0.5, low: 0.4, high: 0.6 };
      await Deno.writeTextFile(
        phantom,
        JSON.stringify({ comparison: { rows: [{ model: "cnn", accuracy: ci, f1: ci }] }, faithfulness: {} }),
      );
      const out = `${dir}/out`;
      const child = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--config",
          new URL("deno.json", ROOT).pathname,
          new URL("tasks/bench_real.ts", ROOT).pathname,
          "--data",
          DATA,
          "--models",
          "cnn,mobilenet",
          "--epochs",
          "1",
          "--size",
          "32",
          "--slice-size",
          "48",
          "--slice-epochs",
          "1",
          "--gradcam-images",
          "4",
          "--phantom",
          phantom,
          "--out",
          out,
        ],
        cwd: ROOT.pathname,
        stdout: "piped",
        stderr: "piped",
        env: { LUMBAR_BACKEND: "wasm" },
      }).output();
      const stdout = new TextDecoder().decode(child.stdout), stderr = new TextDecoder().decode(child.stderr);
      assertEquals(child.code, 0, stderr.slice(-4000));
      for (const text of ["95% bootstrap intervals", "Most confused", "Whole slices", "against the phantom demo"]) {
        assert(stdout.includes(text), `stdout lacks "${text}":\n${stdout}`);
      }

      const s = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
      // Crops: three classes, a patient-level split with no leak.
      assertEquals(Object.keys(s.crops.study.counts), ["Normal", "Bulge", "Herniated disk"]);
      assertEquals(s.crops.study.patientLeaks, 0);
      const testCrops = Object.values(s.crops.study.counts as Record<string, { test: number }>)
        .reduce((a, c) => a + c.test, 0);
      assert(testCrops > 30, `test crops: ${testCrops}`);
      const models = s.crops.comparison.rows.map((r: { model: string }) => r.model).sort();
      for (const m of ["cnn", "mobilenet", "ensemble-soft", "ensemble-weighted", "ensemble-stacking"]) {
        assert(models.includes(m), `${m} in ${models}`);
      }
      assert(models.some((m: string) => m.endsWith("-svm")), `a hybrid: ${models}`);
      for (const r of s.crops.comparison.rows) {
        assertEquals(r.n, testCrops, `${r.model}: test size`);
        for (const k of ["accuracy", "precision", "recall", "f1"]) assertCi(r[k], `${r.model} ${k}`);
        if (r.auc != null) assertCi(r.auc, `${r.model} auc`);
      }
      assert(s.crops.majorityBaseline > 0 && s.crops.majorityBaseline < 1, `majority ${s.crops.majorityBaseline}`);
      assertEquals(Object.keys(s.crops.mostConfused).length, s.crops.comparison.rows.length);
      for (
        const [run, pairs] of Object.entries(s.crops.mostConfused as Record<string, { count: number; rate: number }[]>)
      ) {
        for (const p of pairs) assert(p.count >= 1 && p.rate > 0 && p.rate <= 1, `${run}: ${JSON.stringify(p)}`);
      }
      assertEquals(Object.keys(s.crops.gradcam).sort(), ["cnn", "mobilenet"]);
      for (const g of Object.values(s.crops.gradcam as Record<string, { galleries: string[] }>)) {
        assert(g.galleries.length >= 1, "a gallery per CNN");
        for (const f of g.galleries) await Deno.stat(f);
      }

      // Whole slices: two classes, Grad-CAM peaks scored at both default distances against the floors.
      const sl = s.slices;
      assertEquals(sl.classes, ["No herniated disk", "Herniated disk"]);
      assertEquals(sl.explainedClass, "Herniated disk");
      assert(sl.test.n >= 5, `test slices ${sl.test.n}`);
      assertCi(sl.test.accuracy, "slice accuracy");
      assertEquals(sl.localisation.map((g: { slices: string }) => g.slices), ["test", "val+test"]);
      for (const g of sl.localisation) {
        assert(g.n >= 1, `${g.slices}: positive slices ${g.n}`);
        assertEquals(g.atDistance.map((d: { fraction: number }) => d.fraction), [0.05, 0.1]);
        for (const d of g.atDistance) {
          assert(d.hits >= 0 && d.hits <= d.n && d.n === g.n, `${g.slices}: ${JSON.stringify(d)}`);
          assertAlmostEquals(d.px, d.fraction * 48, 1e-9);
          assert(d.ci.low <= d.rate && d.rate <= d.ci.high, `${g.slices}: interval`);
          assert(d.randomMap > 0 && d.randomMap < 0.5, `${g.slices}: random map ${d.randomMap}`);
          assert(d.randomDisc > 0 && d.randomDisc <= 1, `${g.slices}: random disc ${d.randomDisc}`);
        }
        assert(g.atDistance[0].randomMap < g.atDistance[1].randomMap, "a larger distance covers more of the slice");
      }
      assertEquals(sl.perImage.length, sl.localisation[1].n);
      await Deno.stat(`${out}/runs/slices-cnn/gradcam/faithfulness.json`);

      // The phantom's row lines up with the real cnn.
      assertEquals(s.phantom.found, true);
      const cnn = s.phantom.rows.find((r: { model: string }) => r.model === "cnn");
      assertEquals(cnn.phantom.accuracy, ci);

      const html = await Deno.readTextFile(`${out}/report.html`);
      assert(html.includes("Whole slices") && /not for clinical use/i.test(html), "the report's slice section");
      assert(s.seconds.total > 0, "timings");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
