import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { createRng } from "../random.ts";
import { NotFittedError } from "../svm/not_fitted_error.ts";
import { explainedVarianceChart } from "./explained_variance_chart.ts";
import { pcaComponentCount, PcaReducer } from "./pca_reducer.ts";

function cloud(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  // 5 columns with variances about 25, 4, 1, 0.01, 0.01 along mixed axes.
  return Array.from({ length: n }, () => {
    const a = 5 * rng.normal(), b = 2 * rng.normal(), c = rng.normal();
    const d = 0.1 * rng.normal(), e = 0.1 * rng.normal();
    return [a + b, a - b, c + d, c - d, e];
  });
}

Deno.test("pcaComponentCount() reads counts and fractions as scikit-learn does", () => {
  const ratios = [0.6, 0.25, 0.1, 0.05];
  assertEquals(pcaComponentCount(0.5, ratios), 1);
  assertEquals(pcaComponentCount(0.85, ratios), 3, "cumulative 0.85 does not exceed 0.85: one more");
  assertEquals(pcaComponentCount(0.9, ratios), 3);
  assertEquals(pcaComponentCount(0.999, ratios), 4);
  assertEquals(pcaComponentCount(2, ratios), 2);
  assertThrows(() => pcaComponentCount(5, ratios), RangeError, "at most 4");
  assertThrows(() => pcaComponentCount(1.5, ratios), RangeError, "variance fraction");
});

Deno.test("PcaReducer finds a line's direction and explains all its variance with one component", () => {
  const X = [[0, 0], [1, 2], [2, 4], [3, 6]];
  const p = new PcaReducer(1).fit(X);
  assertAlmostEquals(p.explainedVarianceRatio[0], 1, 1e-12);
  const Z = p.transform(X).map((r) => r[0]);
  // Projections are the signed distances from the mean along (1, 2)/sqrt(5).
  const s = Math.sign(Z[3]);
  Z.forEach((z, i) => assertAlmostEquals(s * z, (i - 1.5) * Math.sqrt(5), 1e-12));
});

Deno.test("PcaReducer keeps a variance fraction and projects identically after a save and load", () => {
  const X = cloud(60, 3);
  // Eigenvalues about 50, 8, 2, 0.02, 0.01: 0.95 keeps 2 components (96.6%), 0.99 keeps 3 (99.95%).
  assertEquals(new PcaReducer(0.95).fit(X).nComponents, 2);
  const p = new PcaReducer(0.99).fit(X);
  const cum = p.cumulativeVarianceRatio;
  assert(cum[p.nComponents - 1] > 0.99 && cum[p.nComponents - 2] <= 0.99, `${cum}`);
  assertEquals(p.nComponents, 3);
  const saved = JSON.parse(JSON.stringify(p.toJSON()));
  assertEquals(saved.model.U.length, 5);
  assertEquals(saved.model.U[0].length, 3, "only the kept components are saved");
  const loaded = PcaReducer.fromJSON(saved);
  const fresh = cloud(10, 4);
  assertEquals(loaded.transform(fresh), p.transform(fresh), "bit-identical projections");
  assertEquals(loaded.nComponents, 3);
  assertEquals(loaded.explainedVarianceRatio, p.explainedVarianceRatio);
  assert(explainedVarianceChart(loaded).svg.startsWith("<svg"), "chart");
});

Deno.test("PcaReducer refuses bad requests and use before fit", () => {
  assertThrows(() => new PcaReducer(0), RangeError, "fraction in (0, 1)");
  assertThrows(() => new PcaReducer(1.5), RangeError, "fraction in (0, 1)");
  assertThrows(() => new PcaReducer(2).transform([[1, 2]]), NotFittedError, "PcaReducer is not fitted");
  assertThrows(() => new PcaReducer(4).fit([[1, 2], [3, 4], [5, 7]]), RangeError, "at most");
  const p = new PcaReducer(1).fit([[1, 2], [3, 4], [5, 7]]);
  assertThrows(() => p.transform([[1, 2, 3]]), RangeError, "fitted with 2");
  assertThrows(() => PcaReducer.fromJSON({ ...p.toJSON(), nComponents: 2 }), TypeError, "inconsistent");
});
