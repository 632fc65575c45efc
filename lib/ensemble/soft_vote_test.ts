import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { softVote } from "./soft_vote.ts";

Deno.test("softVote() averages the members' probabilities image by image", () => {
  const a = [[0.8, 0.2, 0], [0.1, 0.1, 0.8]];
  const b = [[0.4, 0.6, 0], [0.3, 0.3, 0.4]];
  const c = [[0.3, 0.3, 0.4], [0.2, 0.5, 0.3]];
  const p = softVote([a, b, c]);
  const want = [[0.5, 1.1 / 3, 0.4 / 3], [0.2, 0.3, 0.5]];
  p.forEach((row, i) => row.forEach((v, k) => assertAlmostEquals(v, want[i][k], 1e-12)));
  p.forEach((row) => assertAlmostEquals(row.reduce((x, y) => x + y, 0), 1, 1e-15));
});

Deno.test("softVote() weighs members: weights are normalised and can flip the decision", () => {
  const a = [[0.8, 0.2]], b = [[0.4, 0.6]];
  assertEquals(softVote([a, b], [3, 1]).map((r) => r.map((v) => +v.toFixed(12))), [[0.7, 0.3]]);
  assertEquals(softVote([a, b], [0.75, 0.25]), softVote([a, b], [3, 1]), "only ratios matter");
  const flipped = softVote([[[0.55, 0.45]], [[0.3, 0.7]]], [0.2, 0.8])[0];
  assertAlmostEquals(flipped[1], 0.2 * 0.45 + 0.8 * 0.7, 1e-12);
  assertEquals(softVote([a, b], [1, 0]), a, "a zero weight drops a member");
});

Deno.test("softVote() refuses mismatched members and bad weights", () => {
  assertThrows(() => softVote([]), RangeError, "at least one member");
  assertThrows(() => softVote([[[1, 0]], [[1, 0], [0, 1]]]), RangeError, "member 1 has 2 rows");
  assertThrows(() => softVote([[[1, 0]], [[1, 0]]], [1]), RangeError, "2 non-negative");
  assertThrows(() => softVote([[[1, 0]], [[1, 0]]], [0, 0]), RangeError, "all zero");
  assertThrows(() => softVote([[[1, 0]], [[1, 0]]], [1, -1]), RangeError, "non-negative");
});
