import { assertEquals } from "../../tests/assert.ts";
import { loadMetricsFixture } from "../../tests/fixtures/sklearn/metrics_fixture.ts";
import { pairwiseMean, pairwiseSum } from "./_pairwise_sum.ts";

Deno.test("pairwiseSum() is bit-identical to np.sum across block sizes", () => {
  const { numpy_sums } = loadMetricsFixture();
  for (const { values, sum } of numpy_sums) assertEquals(pairwiseSum(values), sum, `n=${values.length}`);
  // The fixture holds lengths where a left-to-right sum differs, so the test can tell the orders apart.
  const differs = numpy_sums.filter(({ values, sum }) => values.reduce((s, v) => s + v, 0) !== sum);
  assertEquals(differs.length > 0, true, "fixture distinguishes summation orders");
});

Deno.test("pairwiseSum() and pairwiseMean() handle small and empty input", () => {
  assertEquals(pairwiseSum([]), 0);
  assertEquals(pairwiseSum([2.5]), 2.5);
  assertEquals(pairwiseMean([1, 2, 4]), 7 / 3);
});
