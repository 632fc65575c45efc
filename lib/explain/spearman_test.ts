import { assert, assertAlmostEquals, assertThrows } from "../../tests/assert.ts";
import { spearman } from "./spearman.ts";

Deno.test("spearman() ranks ties by their average, as scipy does", () => {
  assertAlmostEquals(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1, 1e-12);
  assertAlmostEquals(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1, 1e-12);
  // scipy.stats.spearmanr([1, 2, 2, 3, 0, 0], [1, 3, 2, 2, 0, 1]).statistic = 0.818181818181818 (scipy 1.10)
  assertAlmostEquals(spearman([1, 2, 2, 3, 0, 0], [1, 3, 2, 2, 0, 1]), 9 / 11, 1e-12);
  assert(Number.isNaN(spearman([0, 0, 0], [1, 2, 3])), "NaN for a constant input");
  assertThrows(() => spearman([1, 2], [1]), RangeError);
});
