import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { loadMetricsFixture, type SklearnScores } from "../../tests/fixtures/sklearn/metrics_fixture.ts";
import { classificationReport, type ClassScores } from "./classification_report.ts";

const TOL = 1e-12;

function assertScores(actual: ClassScores, expected: SklearnScores, what: string) {
  assertAlmostEquals(actual.precision, expected.precision, TOL, `${what} precision`);
  assertAlmostEquals(actual.recall, expected.recall, TOL, `${what} recall`);
  assertAlmostEquals(actual.f1, expected["f1-score"], TOL, `${what} f1`);
  assertEquals(actual.support, expected.support, `${what} support`);
}

Deno.test("classificationReport() equals sklearn's classification_report dict on every fixture case", () => {
  const { cases } = loadMetricsFixture();
  assert(cases.length >= 8, "fixture holds the generated cases");
  for (const c of cases) {
    const report = classificationReport(c.y_true, c.y_pred, c.labels, { warn: false });
    assertEquals(report.labels, c.labels, c.name);
    for (const label of c.labels) {
      assertScores(report.perClass[label], c.report_dict[label] as SklearnScores, `${c.name} ${label}`);
    }
    if (report.microIsAccuracy) {
      assertAlmostEquals(report.accuracy, c.report_dict["accuracy"] as number, TOL, `${c.name} accuracy`);
    } else {
      assertScores(report.microAvg, c.report_dict["micro avg"] as SklearnScores, `${c.name} micro avg`);
    }
    assertScores(report.macroAvg, c.report_dict["macro avg"] as SklearnScores, `${c.name} macro avg`);
    assertScores(report.weightedAvg, c.report_dict["weighted avg"] as SklearnScores, `${c.name} weighted avg`);
  }
});

Deno.test("classificationReport() shows an accuracy row exactly when sklearn does", () => {
  for (const c of loadMetricsFixture().cases) {
    const report = classificationReport(c.y_true, c.y_pred, c.labels, { warn: false });
    assertEquals(report.microIsAccuracy, "accuracy" in c.report_dict, c.name);
  }
  const seenNowhere = classificationReport([0, 1], [0, 1], ["a", "b", "never"], { warn: false });
  assertEquals(seenNowhere.microIsAccuracy, false);
  assertEquals(seenNowhere.microAvg, { precision: 1, recall: 1, f1: 1, support: 2 });
});

Deno.test("classificationReport() warns for the same zero divisions as sklearn, naming the labels", () => {
  for (const c of loadMetricsFixture().cases) {
    const { warnings } = classificationReport(c.y_true, c.y_pred, c.labels, { warn: false });
    for (const kind of ["Precision", "Recall"]) {
      assertEquals(
        warnings.some((w) => w.startsWith(kind)),
        c.report_warnings.some((w) => w.startsWith(kind)),
        `${c.name}: ${kind} warning`,
      );
    }
  }
  const report = classificationReport([0, 0, 1, 1], [0, 0, 0, 0], ["healthy", "lesion", "other"], { warn: false });
  assertEquals(report.warnings, [
    'Precision and F-score are ill-defined and being set to 0.0 in labels with no predicted samples: "lesion", "other"',
    'Recall and F-score are ill-defined and being set to 0.0 in labels with no true samples: "other"',
  ]);
  assertEquals(report.perClass["lesion"], { precision: 0, recall: 0, f1: 0, support: 2 });
  assertEquals(classificationReport([0, 1], [0, 1], ["a", "b"], { warn: false }).warnings, []);
});

Deno.test("classificationReport() prints its warnings with one console.warn per call unless warn is false", () => {
  const original = console.warn;
  const printed: unknown[][] = [];
  console.warn = (...args: unknown[]) => printed.push(args);
  try {
    classificationReport([0, 0, 1, 1], [0, 0, 0, 0], ["a", "b", "c"]);
    assertEquals(printed.length, 1);
    assert(String(printed[0][0]).includes('no predicted samples: "b", "c"'), String(printed[0][0]));
    assert(String(printed[0][0]).includes('no true samples: "c"'), String(printed[0][0]));
    classificationReport([0, 0, 1, 1], [0, 0, 0, 0], ["a", "b", "c"], { warn: false });
    classificationReport([0, 1], [0, 1], ["a", "b"]);
    assertEquals(printed.length, 1);
  } finally {
    console.warn = original;
  }
});

Deno.test("classificationReport() computes a small report by hand", () => {
  const report = classificationReport([0, 1, 1, 2], [0, 1, 2, 2], ["normal", "herniation", "stenosis"]);
  assertEquals(report.perClass["herniation"], { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
  assertEquals(report.perClass["stenosis"], { precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
  assertEquals(report.accuracy, 0.75);
  assertAlmostEquals(report.macroAvg.precision, 2.5 / 3, TOL);
  assertAlmostEquals(report.weightedAvg.precision, (1 + 2 + 0.5) / 4, TOL);
  assertEquals(report.macroAvg.support, 4);
});

Deno.test("classificationReport() rejects empty, mismatched, out-of-range and repeated input", () => {
  assertThrows(() => classificationReport([], [], ["a"]), RangeError, "at least one sample");
  assertThrows(() => classificationReport([0], [0, 1], ["a", "b"]), RangeError, "differ in length");
  assertThrows(() => classificationReport([0, 2], [0, 1], ["a", "b"]), RangeError, "out of range");
  assertThrows(() => classificationReport([0], [0], ["a", "b", "a"]), RangeError, 'repeated: "a"');
  assertThrows(() => classificationReport([0], [0], []), RangeError, "at least one class");
});
