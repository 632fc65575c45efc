import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { createRng } from "../random.ts";
import { HybridHead } from "./hybrid_head.ts";

/** Three Gaussian blobs in 6 dimensions, columns on very different scales. */
function blobs(perClass: number, seed: number): { X: number[][]; y: number[] } {
  const rng = createRng(seed);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < 3 * perClass; i++) {
    const c = i % 3;
    X.push([
      c + 0.3 * rng.normal(),
      1000 * (c === 1 ? 1 : 0) + 100 * rng.normal(),
      rng.normal(),
      5,
      0.01 * c,
      rng.normal(),
    ]);
    y.push(c);
  }
  return { X, y };
}

Deno.test("HybridHead separates blobs, with and without PCA, and its probabilities sum to 1", () => {
  const train = blobs(12, 1), test = blobs(6, 2);
  for (const pca of [undefined, 0.9, 2]) {
    const head = HybridHead.fit(train.X, train.y, { pca, Cs: [1, 10], gammaFactors: [1], folds: 3, seed: 5 });
    assertEquals(head.grid.results.length, 2, "2 C x 1 gamma");
    const probs = head.predictProba(test.X);
    probs.forEach((p) => assert(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9, `row sums to ${p}`));
    const acc = probs.filter((p, i) => p.indexOf(Math.max(...p)) === test.y[i]).length / test.y.length;
    assert(acc >= 0.9, `pca ${pca}: accuracy ${acc}`);
    if (pca === 2) assertEquals(head.svmFeatures, 2);
    if (pca == null) assertEquals(head.svmFeatures, 6);
  }
});

Deno.test("HybridHead round-trips through JSON with identical probabilities", () => {
  const train = blobs(10, 3), test = blobs(4, 4);
  const head = HybridHead.fit(train.X, train.y, {
    pca: 0.95,
    Cs: [1],
    gammaFactors: [0.5, 2],
    folds: 3,
    numClasses: 4,
  });
  const again = HybridHead.fromJSON(JSON.parse(JSON.stringify(head.toJSON())));
  assertEquals(again.predictProba(test.X), head.predictProba(test.X));
  assertEquals(again.predict(test.X), head.predict(test.X));
  assertEquals(head.predictProba(test.X)[0].length, 4, "a class absent from training gets a column of 0");
  assertEquals(head.predictProba(test.X).map((p) => p[3]), test.y.map(() => 0));
  assertThrows(() => HybridHead.fit(train.X, train.y.slice(1)), RangeError, "labels");
  assertThrows(() => HybridHead.fromJSON({} as never), TypeError, "Not a saved HybridHead");
});

Deno.test("HybridHead cross-validates by patient when given groups", () => {
  const { X, y } = blobs(8, 5);
  const groups = y.map((c, i) => `p${c}-${Math.floor(i / 6)}`); // two slices of each patient
  const head = HybridHead.fit(X, y, { Cs: [1], gammaFactors: [1], folds: 3, groups });
  assertEquals([head.grid.grouped, head.grid.folds], [true, 3]);
  const plain = HybridHead.fit(X, y, { Cs: [1], gammaFactors: [1], folds: 3 });
  assertEquals(plain.grid.grouped, false);
});
