import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { loadMetricsFixture } from "../../tests/fixtures/sklearn/metrics_fixture.ts";
import { accuracy } from "./accuracy.ts";

Deno.test("accuracy() is the fraction of matching predictions", () => {
  assertEquals(accuracy([0, 1, 2, 2], [0, 1, 1, 2]), 0.75);
  assertEquals(accuracy([3], [3]), 1);
  assertEquals(accuracy([0, 0], [1, 1]), 0);
});

Deno.test("accuracy() equals sklearn's micro average on the fixture cases", () => {
  for (const c of loadMetricsFixture().cases) {
    const row = c.report_dict["accuracy"] ?? c.report_dict["micro avg"];
    const expected = typeof row === "number" ? row : row.precision;
    assertAlmostEquals(accuracy(c.y_true, c.y_pred), expected, 1e-12, c.name);
  }
});

Deno.test("accuracy() rejects empty and mismatched input", () => {
  assertThrows(() => accuracy([], []), RangeError, "at least one sample");
  assertThrows(() => accuracy([0], [0, 1]), RangeError, "differ in length");
});
