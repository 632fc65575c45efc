import { assert, assertAlmostEquals } from "../../tests/assert.ts";
import { multiclassProbability } from "./multiclass_probability.ts";
import { sigmoidPredict, sigmoidTrain } from "./sigmoid_train.ts";

Deno.test("multiclassProbability() couples consistent pairwise odds back to the class probabilities", () => {
  const p = [0.5, 0.3, 0.2];
  const r = p.map((pi, i) => p.map((pj, j) => (i === j ? 0 : pi / (pi + pj))));
  const q = multiclassProbability(r);
  assertAlmostEquals(q.reduce((a, b) => a + b, 0), 1, 1e-12);
  q.forEach((v, i) => assertAlmostEquals(v, p[i], 5e-3));
});

Deno.test("sigmoidTrain() fits a decreasing sigmoid to separable decision values", () => {
  const dec = [-3, -2, -1.5, -1, -0.2, 0.3, 1, 1.2, 2, 3];
  const labels = dec.map((d) => (d > 0 ? 1 : -1));
  const { A, B } = sigmoidTrain(dec, labels);
  assert(A < 0, `A=${A}`);
  assert(sigmoidPredict(3, A, B) > 0.9 && sigmoidPredict(-3, A, B) < 0.1, "confident at the ends");
  assertAlmostEquals(sigmoidPredict(0, A, B), 1 / (1 + Math.exp(B)), 1e-12);
});
