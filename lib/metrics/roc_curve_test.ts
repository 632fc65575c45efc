import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { loadMetricsFixture } from "../../tests/fixtures/sklearn/metrics_fixture.ts";
import { rocCurve } from "./roc_curve.ts";

const TOL = 1e-12;

function assertClose(actual: number[], expected: (number | null)[], what: string) {
  assertEquals(actual.length, expected.length, `${what} length`);
  actual.forEach((v, i) => {
    const e = expected[i];
    if (e === null) assert(Number.isNaN(v), `${what}[${i}]: expected NaN, got ${v}`);
    else assertAlmostEquals(v, e, TOL, `${what}[${i}]`);
  });
}

Deno.test("rocCurve() equals sklearn 1.2.1's roc_curve(drop_intermediate=True) on every fixture column", () => {
  let compared = 0;
  for (const c of loadMetricsFixture().cases) {
    c.roc.per_class.forEach((expected, k) => {
      const curve = rocCurve(c.y_true.map((t) => t === k), c.probs.map((row) => row[k]));
      const what = `${c.name} ${expected.label}`;
      assertClose(curve.fpr, expected.fpr, `${what} fpr`);
      assertClose(curve.tpr, expected.tpr, `${what} tpr`);
      assertClose(curve.thresholds, expected.thresholds, `${what} thresholds`);
      compared++;
    });
  }
  assert(compared >= 30, `compared ${compared} curves`);
});

Deno.test("rocCurve() starts at (0, 0) with threshold max(score) + 1, sklearn 1.2's convention", () => {
  const curve = rocCurve([false, false, true, true], [0.1, 0.4, 0.35, 0.8]);
  assertEquals(curve.thresholds, [1.8, 0.8, 0.4, 0.35, 0.1]);
  assertEquals(curve.fpr, [0, 0, 0.5, 0.5, 1]);
  assertEquals(curve.tpr, [0, 0.5, 0.5, 1, 1]);
});

Deno.test("rocCurve() merges tied scores into one point and drops collinear points", () => {
  // All scores tied: a single diagonal step.
  assertEquals(rocCurve([true, false, true, false], [0.5, 0.5, 0.5, 0.5]), {
    fpr: [0, 1],
    tpr: [0, 1],
    thresholds: [1.5, 0.5],
  });
  // Positives at 0.9, 0.8, 0.7 lie on one vertical segment: only its ends remain.
  const curve = rocCurve([true, true, true, false, false], [0.9, 0.8, 0.7, 0.2, 0.1]);
  assertEquals(curve.thresholds, [1.9, 0.9, 0.7, 0.1]);
  assertEquals(curve.tpr, [0, 1 / 3, 1, 1]);
  assertEquals(curve.fpr, [0, 0, 0, 1]);
});

Deno.test("rocCurve() gives NaN rates where a class has no positives or no negatives, as sklearn", () => {
  const noPositives = rocCurve([false, false], [0.2, 0.6]);
  assert(noPositives.tpr.every(Number.isNaN));
  assertEquals(noPositives.fpr, [0, 0.5, 1]);
  const noNegatives = rocCurve([true, true], [0.2, 0.6]);
  assert(noNegatives.fpr.every(Number.isNaN));
});

Deno.test("rocCurve() rejects empty, mismatched and non-finite input", () => {
  assertThrows(() => rocCurve([], []), RangeError, "at least one sample");
  assertThrows(() => rocCurve([true], [0.1, 0.2]), RangeError, "differ in length");
  assertThrows(() => rocCurve([true, false], [0.1, NaN]), RangeError, "scores[1]=NaN");
});
