import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { loadMetricsFixture, metricsCase } from "../../tests/fixtures/sklearn/metrics_fixture.ts";
import { rocAuc } from "./roc_auc.ts";

const TOL = 1e-12;

/** The Mann-Whitney form of AUC: P(score of a positive > score of a negative), ties counting 1/2. */
function rankAuc(positive: boolean[], scores: number[]): number {
  let wins = 0, pairs = 0;
  positive.forEach((p, i) => {
    if (!p) return;
    positive.forEach((q, j) => {
      if (q) return;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

Deno.test("rocAuc() per-class AUCs equal sklearn's roc_auc_score on binarised labels", () => {
  for (const c of loadMetricsFixture().cases) {
    const result = rocAuc(c.y_true, c.probs, c.labels);
    c.roc.per_class.forEach((expected, k) => {
      const got = result.perClass[c.labels[k]];
      const what = `${c.name} ${expected.label}`;
      if (expected.auc === null) {
        assertEquals(got.auc, null, what);
        assert(expected.auc_error?.includes("Only one class present in y_true"), what);
        assert(got.reason !== null && got.reason.length > 0, `${what} reason`);
      } else {
        assertAlmostEquals(got.auc as number, expected.auc, TOL, what);
        assertEquals(got.reason, null, what);
      }
    });
  }
});

Deno.test("rocAuc() macro and weighted averages equal sklearn's where it defines them", () => {
  for (const c of loadMetricsFixture().cases) {
    const result = rocAuc(c.y_true, c.probs, c.labels);
    for (const average of ["macro", "weighted"] as const) {
      const expected = c.roc[average];
      const got = result[average];
      const what = `${c.name} ${average}`;
      if (expected.binarised !== null) assertAlmostEquals(got as number, expected.binarised, TOL, what);
      if (expected.multiclass_ovr !== null) assertAlmostEquals(got as number, expected.multiclass_ovr, TOL, what);
      // Where sklearn raises, ours is its average over the classes whose AUC is defined.
      if (expected.over_defined_classes === null) assertEquals(got, null, what);
      else assertAlmostEquals(got as number, expected.over_defined_classes, TOL, what);
    }
  }
});

Deno.test("rocAuc() reports a class absent from yTrue as null, with a reason, outside the averages", () => {
  const c = metricsCase("absent_from_true");
  const result = rocAuc(c.y_true, c.probs, c.labels);
  assertEquals(c.roc.macro.binarised, null, "sklearn raises for the macro average here");
  assertEquals(result.excluded, ["d"]);
  assertEquals(result.perClass["d"].auc, null);
  assertEquals(result.perClass["d"].reason, 'No positive samples: class "d" is absent from yTrue');
  assertEquals(result.perClass["d"].positives, 0);
  const defined = ["a", "b", "c"].map((l) => result.perClass[l]);
  const macro = defined.reduce((s, r) => s + (r.auc as number), 0) / 3;
  assertAlmostEquals(result.macro as number, macro, TOL);
  const weighted = defined.reduce((s, r) => s + (r.auc as number) * r.positives, 0) /
    defined.reduce((s, r) => s + r.positives, 0);
  assertAlmostEquals(result.weighted as number, weighted, TOL);
});

Deno.test("rocAuc() reports no averages when every sample is one class", () => {
  const c = metricsCase("single_class");
  const result = rocAuc(c.y_true, c.probs, c.labels);
  assertEquals(result.perClass["only"].reason, 'No negative samples: every sample is class "only"');
  assertEquals(result.excluded, c.labels);
  assertEquals(result.macro, null);
  assertEquals(result.weighted, null);
});

Deno.test("rocAuc() counts tied scores as half, like the Mann-Whitney statistic", () => {
  for (const name of ["tied_scores", "imbalanced_4"]) {
    const c = metricsCase(name);
    const result = rocAuc(c.y_true, c.probs, c.labels);
    c.labels.forEach((label, k) => {
      const expected = rankAuc(c.y_true.map((t) => t === k), c.probs.map((row) => row[k]));
      assertAlmostEquals(result.perClass[label].auc as number, expected, TOL, `${name} ${label}`);
    });
  }
  const allTied = rocAuc([0, 1, 0, 1], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], ["a", "b"]);
  assertEquals(allTied.macro, 0.5);
});

Deno.test("rocAuc() rejects mismatched, out-of-range and non-finite input", () => {
  const probs = [[0.9, 0.1], [0.2, 0.8]];
  assertThrows(() => rocAuc([0], probs, ["a", "b"]), RangeError, "differ in length");
  assertThrows(() => rocAuc([0, 2], probs, ["a", "b"]), RangeError, "position 1");
  assertThrows(() => rocAuc([0, 1], [[0.9, 0.1], [0.8]], ["a", "b"]), RangeError, "probs[1]");
  assertThrows(() => rocAuc([0, 1], [[0.9, 0.1], [NaN, 1]], ["a", "b"]), RangeError, "finite");
  assertThrows(() => rocAuc([], [], ["a", "b"]), RangeError, "at least one sample");
  assertThrows(() => rocAuc([0, 1], probs, ["a", "a"]), RangeError, "unique");
});
