import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { loadMetricsFixture, metricsCase, type SklearnScores } from "../../tests/fixtures/sklearn/metrics_fixture.ts";
import { macroF1 } from "./macro_f1.ts";

Deno.test("macroF1() with numClasses equals sklearn's macro F1 over labels=range(n)", () => {
  for (const c of loadMetricsFixture().cases) {
    const expected = (c.report_dict["macro avg"] as SklearnScores)["f1-score"];
    assertAlmostEquals(macroF1(c.y_true, c.y_pred, c.labels.length), expected, 1e-12, c.name);
  }
});

Deno.test("macroF1() without numClasses averages only the classes that occur, as sklearn's default", () => {
  const c = metricsCase("absent_everywhere"); // class 2 occurs in neither input
  const f1 = (label: string) => (c.report_dict[label] as SklearnScores)["f1-score"];
  assertAlmostEquals(macroF1(c.y_true, c.y_pred), (f1("x") + f1("y")) / 2, 1e-12);
  assertAlmostEquals(macroF1(c.y_true, c.y_pred, 3), (f1("x") + f1("y") + 0) / 3, 1e-12);
  assertEquals(macroF1([0, 1, 1, 2], [0, 1, 2, 2]), 0.7777777777777777); // sklearn's value, one ulp below 7 / 9
  assertEquals(macroF1([2, 2], [2, 2]), 1);
  assertEquals(macroF1([0, 0], [0, 0], 2), 0.5);
});

Deno.test("macroF1() rejects empty, mismatched and out-of-range input", () => {
  assertThrows(() => macroF1([], []), RangeError, "at least one sample");
  assertThrows(() => macroF1([0], [0, 1]), RangeError, "differ in length");
  assertThrows(() => macroF1([0, 3], [0, 1], 2), RangeError, "out of range");
  assertThrows(() => macroF1([0, -1], [0, 1]), RangeError, "out of range");
  assertThrows(() => macroF1([0], [0], 0), RangeError, "numClasses=0");
});
