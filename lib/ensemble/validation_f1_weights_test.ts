import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { softVote } from "./soft_vote.ts";
import { validationF1Weights } from "./validation_f1_weights.ts";

Deno.test("validationF1Weights() makes weights proportional to validation macro-F1", () => {
  assertEquals(validationF1Weights([0.75, 0.25]), [0.75, 0.25]);
  validationF1Weights([0.6, 0.2]).forEach((w, i) => assertAlmostEquals(w, [0.75, 0.25][i], 1e-15));
  assertEquals(validationF1Weights([0.5, 0.5, 0.5]), [1 / 3, 1 / 3, 1 / 3]);
  assertEquals(validationF1Weights([0, 0]), [0.5, 0.5], "no information: equal weights");
  assertThrows(() => validationF1Weights([]), RangeError, "at least one");
  assertThrows(() => validationF1Weights([1.2]), RangeError, "[0, 1]");
});

Deno.test("the weighted vote follows the better validated member", () => {
  // Member a is right on validation (F1 0.9), b mostly wrong (0.3); they disagree on this image.
  const w = validationF1Weights([0.9, 0.3]);
  w.forEach((v, i) => assertAlmostEquals(v, [0.75, 0.25][i], 1e-15));
  const [p] = softVote([[[0.7, 0.3]], [[0.2, 0.8]]], w);
  assertAlmostEquals(p[0], 0.75 * 0.7 + 0.25 * 0.2, 1e-12);
  assertAlmostEquals(p[1], 0.75 * 0.3 + 0.25 * 0.8, 1e-12);
  assertEquals(p[0] > p[1], true, "class 0, as member a says; the plain mean would say class 1");
  const [plain] = softVote([[[0.7, 0.3]], [[0.2, 0.8]]]);
  assertEquals(plain[0] < plain[1], true);
});
