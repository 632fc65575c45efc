import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import type { DeletionInsertionResult } from "./deletion_insertion.ts";
import { summarizeDeletionInsertion } from "./summarize_deletion_insertion.ts";

function result(del: number[], ins: number[]): DeletionInsertionResult {
  const fractions = del.map((_, k) => k / (del.length - 1));
  const auc = (v: number[]) => v.slice(1).reduce((a, y, k) => a + (v[k] + y) / 2 / (v.length - 1), 0);
  return {
    classIndex: 0,
    deletion: { fractions, scores: del, auc: auc(del) },
    insertion: { fractions, scores: ins, auc: auc(ins) },
  };
}

Deno.test("summarizeDeletionInsertion() averages curves point by point and the AUCs", () => {
  const s = summarizeDeletionInsertion([result([1, 0.5, 0], [0, 0.5, 1]), result([1, 0, 0], [0, 1, 1])]);
  assertEquals(s.images, 2);
  assertEquals(s.fractions, [0, 0.5, 1]);
  assertEquals(s.deletionCurve, [1, 0.25, 0]);
  assertEquals(s.insertionCurve, [0, 0.75, 1]);
  assertAlmostEquals(s.deletionAuc!, (0.5 + 0.25) / 2, 1e-12);
  assertAlmostEquals(s.insertionAuc!, (0.5 + 0.75) / 2, 1e-12);
});

Deno.test("summarizeDeletionInsertion() handles no result and rejects curves of different lengths", () => {
  const empty = summarizeDeletionInsertion([]);
  assertEquals([empty.images, empty.deletionAuc, empty.insertionAuc, empty.fractions], [0, null, null, []]);
  assertThrows(
    () => summarizeDeletionInsertion([result([1, 0], [0, 1]), result([1, 0.5, 0], [0, 0.5, 1])]),
    RangeError,
    "different lengths",
  );
});
