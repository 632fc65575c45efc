import { assert, assertEquals } from "../../tests/assert.ts";
import { readReportRun } from "./report_run.ts";
import { countsTable, runsDataHtml, studySummaryHtml } from "./report_study.ts";
import { writeFakeRun } from "./report_test_fixtures.ts";

Deno.test("countsTable() adds row and column totals; a flat record is one column", () => {
  const html = countsTable({ a: { train: 3, test: 1 }, b: { train: 2 } });
  assert(html.includes(`<td>a</td><td class="num">3</td><td class="num">1</td><td class="num">4</td>`), html);
  assert(html.includes(`<td>b</td><td class="num">2</td><td class="num">0</td><td class="num">2</td>`), html);
  assert(html.includes(`<td>total</td><td class="num">5</td><td class="num">1</td><td class="num">6</td>`), html);
  assert(countsTable({ a: 2, b: 3 }).includes(`<td>total</td><td class="num">5</td>`));
});

Deno.test("studySummaryHtml() shows the description, warnings, counts, seed and any other field", () => {
  const html = studySummaryHtml({
    description: "A <small> study",
    warnings: ["leak!"],
    counts: { a: { train: 1 } },
    seed: 7,
    patients: 12,
  });
  assert(html.startsWith("<p>A &lt;small&gt; study</p>"), html);
  assert(html.includes(`<ul class="warnings"><li>leak!</li></ul>`), html);
  assert(html.includes(`<th scope="row">seed</th><td>7</td>`) && html.includes(`<th scope="row">patients</th>`), html);
  assert(studySummaryHtml({}).includes("No leakage or split warnings were passed"));
});

Deno.test("runsDataHtml() groups runs by data set and warns about leaks, missing classes and mixed data", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writeFakeRun(`${root}/a`, {
      config: { split: { by: "image", counts: { train: 8, val: 1, test: 1 }, warnings: ['Class "x" has 1 patient'] } },
    });
    await writeFakeRun(`${root}/b`, { dataHash: "other" });
    const runs = [await readReportRun(`${root}/a`), await readReportRun(`${root}/b`)];
    const { html, warnings } = runsDataHtml(runs);
    assertEquals(warnings.map((w) => w.slice(0, 30)), [
      "The runs were trained on 2 dif",
      "Split by image, not by patient",
      'Class "x" has 1 patient',
    ]);
    assertEquals(html.split(`<div class="data-block">`).length - 1, 2);
    assert(html.includes("train 8, val 1, test 1") && html.includes("by patient (no patient in two splits)"), html);
    assert(html.includes("Test split, images per class"), html);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
