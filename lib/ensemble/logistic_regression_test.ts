import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { createRng } from "../random.ts";
import { NotFittedError } from "../svm/not_fitted_error.ts";
import { LogisticRegression } from "./logistic_regression.ts";

/** Three separable clusters in 2-D. */
function clusters(perClass: number, seed: number) {
  const rng = createRng(seed);
  const centres = [[0, 0], [4, 0], [0, 4]];
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < 3 * perClass; i++) {
    const c = i % 3;
    X.push([centres[c][0] + 0.5 * rng.normal(), centres[c][1] + 0.5 * rng.normal()]);
    y.push(c);
  }
  return { X, y };
}

Deno.test("LogisticRegression classifies a separable three-class toy set", () => {
  const train = clusters(10, 1), test = clusters(10, 2);
  const lr = new LogisticRegression({ C: 10 }).fit(train.X, train.y);
  assert(lr.converged, "converged");
  assertEquals(lr.predict(test.X), test.y);
  lr.predictProba(test.X).forEach((p) => assertAlmostEquals(p.reduce((a, b) => a + b, 0), 1, 1e-12));
});

Deno.test("LogisticRegression reaches the optimum: the penalised gradient is zero", () => {
  const { X, y } = clusters(6, 3);
  const C = 0.5;
  const lr = new LogisticRegression({ C, tol: 1e-8 }).fit(X, y);
  // d/dW [C * sum CE + ||W||^2 / 2] = C * sum_i (p_i - onehot_i) x_i + W, and the intercepts' sum_i (p_i - onehot_i).
  const P = lr.predictProba(X), W = lr.coef;
  for (let k = 0; k < 3; k++) {
    let gb = 0;
    const gw = [W[k][0], W[k][1]];
    X.forEach((x, i) => {
      const r = P[i][k] - (y[i] === k ? 1 : 0);
      gb += r;
      gw[0] += C * r * x[0];
      gw[1] += C * r * x[1];
    });
    assertAlmostEquals(gb, 0, 1e-6, `intercept gradient ${k}`);
    assertAlmostEquals(gw[0], 0, 1e-6, `weight gradient ${k},0`);
    assertAlmostEquals(gw[1], 0, 1e-6, `weight gradient ${k},1`);
  }
  // A smaller C shrinks the weights.
  const strong = new LogisticRegression({ C: 0.01 }).fit(X, y);
  const norm = (m: number[][]) => Math.hypot(...m.flat());
  assert(norm(strong.coef) < norm(W), `${norm(strong.coef)} < ${norm(W)}`);
});

Deno.test("LogisticRegression is deterministic and round-trips through JSON", () => {
  const { X, y } = clusters(5, 4);
  const a = new LogisticRegression().fit(X, y), b = new LogisticRegression().fit(X, y);
  assertEquals(a.toJSON(), b.toJSON());
  const c = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
  assertEquals(c.predictProba(X), a.predictProba(X));
  assertEquals(new LogisticRegression().fit([[0], [1]], [0, 0], 3).predictProba([[0]])[0].length, 3);
  assertThrows(() => new LogisticRegression().predict([[0]]), NotFittedError, "LogisticRegression is not fitted");
  assertThrows(() => new LogisticRegression({ C: 0 }), RangeError, "C must be");
  assertThrows(() => new LogisticRegression().fit([[0], [1]], [0, 2.5]), RangeError, "class indices");
});
