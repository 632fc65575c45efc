import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { createRng } from "../random.ts";
import { gridSearchSvm } from "./grid_search_svm.ts";

/** Two noisy concentric rings: separable by an RBF of moderate width, not by a line. */
function rings(n: number, seed: number): { X: number[][]; y: number[] } {
  const rng = createRng(seed);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const r = (label === 0 ? 1 : 3) + rng.uniform(-0.3, 0.3);
    const t = rng.uniform(0, 2 * Math.PI);
    X.push([r * Math.cos(t), r * Math.sin(t)]);
    y.push(label);
  }
  return { X, y };
}

Deno.test("gridSearchSvm() picks a sensible C and gamma on a separable toy set", () => {
  const { X, y } = rings(80, 1);
  const result = gridSearchSvm(X, y, { Cs: [0.001, 1, 100], gammas: [1e-4, 0.5, 1000], folds: 4, seed: 2 });
  assertEquals(result.results.length, 9);
  assertEquals(result.results.map((r) => [r.C, r.gamma]).slice(0, 3), [[0.001, 1e-4], [0.001, 0.5], [0.001, 1000]]);
  assertEquals(result.bestParams.gamma, 0.5);
  const top = Math.max(...result.results.map((r) => r.meanScore));
  const first = result.results.find((r) => r.meanScore === top)!;
  assertEquals(result.bestParams, { C: first.C, gamma: first.gamma }, "ties go to the first in grid order");
  assert(result.bestScore >= 0.95, `best score ${result.bestScore}`);
  // Too narrow a kernel memorises; too wide and too soft cannot bend around the ring.
  const score = (C: number, g: number) => result.results.find((r) => r.C === C && r.gamma === g)!.meanScore;
  assert(score(1, 1000) < 0.8, `gamma=1000 scored ${score(1, 1000)}`);
  assert(score(0.001, 1e-4) < 0.8, `C=0.001, gamma=1e-4 scored ${score(0.001, 1e-4)}`);
  for (const r of result.results) assertEquals(r.foldScores.length, 4);
  const test = rings(40, 99);
  const acc = result.bestEstimator.predict(test.X).filter((p, i) => p === test.y[i]).length / test.y.length;
  assert(acc >= 0.95, `refitted model accuracy ${acc}`);
});

Deno.test("gridSearchSvm() scores by macro F1 and breaks ties by grid order", () => {
  const { X, y } = rings(40, 3);
  const result = gridSearchSvm(X, y, { Cs: [10, 100], gammas: [0.5], folds: 3, scoring: "macro_f1" });
  assert(result.bestScore > 0.9, `macro F1 ${result.bestScore}`);
  if (result.results[0].meanScore === result.results[1].meanScore) assertEquals(result.bestParams.C, 10);
});

Deno.test("gridSearchSvm() rejects classes too small to cross-validate", () => {
  assertThrows(() => gridSearchSvm([[0], [1], [2]], [0, 0, 1], { folds: 2 }), RangeError, "at least 2 per class");
  assertThrows(
    () => gridSearchSvm([[0], [1]], [0, 1], { scoring: "auc" as "accuracy" }),
    RangeError,
    "accuracy, macro_f1",
  );
});
