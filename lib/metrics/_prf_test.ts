import { assertEquals } from "../../tests/assert.ts";
import { f1FromPrecisionRecall, prfFromMatrix } from "./_prf.ts";

Deno.test("prfFromMatrix() scores each class and sets zero divisions to 0", () => {
  // Class 2 is never predicted and never true.
  const prf = prfFromMatrix([[2, 1, 0], [0, 1, 0], [0, 0, 0]]);
  assertEquals(prf.precision, [1, 0.5, 0]);
  assertEquals(prf.recall, [2 / 3, 1, 0]);
  assertEquals(prf.f1, [0.8, 2 / 3, 0]);
  assertEquals(prf.support, [3, 1, 0]);
  assertEquals(prf.predicted, [2, 2, 0]);
  assertEquals(prf.truePositives, [2, 1, 0]);
});

Deno.test("f1FromPrecisionRecall() is the harmonic mean, 0 when both are 0", () => {
  assertEquals(f1FromPrecisionRecall(0.5, 1), 2 / 3);
  assertEquals(f1FromPrecisionRecall(0, 0), 0);
});
