import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { loadMetricsFixture, metricsCase } from "../../tests/fixtures/sklearn/metrics_fixture.ts";
import { classificationReport } from "./classification_report.ts";
import { formatClassificationReport } from "./format_classification_report.ts";

Deno.test("formatClassificationReport() prints sklearn's text byte for byte on every fixture case", () => {
  let compared = 0;
  for (const c of loadMetricsFixture().cases) {
    const report = classificationReport(c.y_true, c.y_pred, c.labels, { warn: false });
    for (const [digits, text] of Object.entries(c.report_text)) {
      assertEquals(formatClassificationReport(report, Number(digits)), text, `${c.name}, digits=${digits}`);
      compared++;
    }
    assertEquals(formatClassificationReport(report), c.report_text["2"], `${c.name}, default digits`);
  }
  assert(compared >= 30, `compared ${compared} texts`);
});

Deno.test("formatClassificationReport() rounds exact halves to even as Python does", () => {
  const c = metricsCase("rounding_ties");
  const text = formatClassificationReport(classificationReport(c.y_true, c.y_pred, c.labels, { warn: false }));
  // Recall of p is exactly 0.125 and of q exactly 0.375: Python prints 0.12 and 0.38 (toFixed: 0.13, 0.38).
  assert(text.includes("           p       0.17      0.12      0.14         8\n"), text);
  assert(text.includes("           q       0.30      0.38      0.33         8\n"), text);
});

Deno.test("formatClassificationReport() sizes the name column from the longest label and prints micro avg when needed", () => {
  const long = classificationReport([0, 1], [0, 1], ["a", "spondylolisthesis"], { warn: false });
  const lines = formatClassificationReport(long).split("\n");
  assertEquals(lines[0], `${" ".repeat(17)}  precision    recall  f1-score   support`);
  assertEquals(lines[3], "spondylolisthesis       1.00      1.00      1.00         1");
  assertEquals(lines[5], "         accuracy                           1.00         2");
  const wideDigits = formatClassificationReport(long, 0).split("\n");
  assertEquals(wideDigits[5], "         accuracy                              1         2");

  const nowhere = classificationReport([0, 1], [0, 0], ["a", "b", "c"], { warn: false });
  const text = formatClassificationReport(nowhere);
  assert(!text.includes("accuracy"), text);
  assert(text.includes("   micro avg       0.50      0.50      0.50         2\n"), text);
});

Deno.test("formatClassificationReport() rejects a bad digits value", () => {
  const report = classificationReport([0], [0], ["a"], { warn: false });
  assertThrows(() => formatClassificationReport(report, 1.5), RangeError, "digits=1.5");
  assertThrows(() => formatClassificationReport(report, -1), RangeError, "digits=-1");
});
