import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { NotFittedError } from "./not_fitted_error.ts";
import { SvmClassifier, type SvmClassifierJson, type SvmClassifierOptions } from "./svm_classifier.ts";

interface SklearnCase {
  name: string;
  params: {
    kernel: "linear" | "poly" | "rbf";
    C: number;
    gamma?: number | "scale";
    degree?: number;
    coef0?: number;
    class_weight?: "balanced" | Record<string, number>;
    probability?: boolean;
    random_state?: number;
  };
  X: number[][];
  y: number[];
  X_test: number[][];
  classes: number[];
  gamma_used: number;
  support: number[];
  n_support: number[];
  dual_coef: number[][];
  intercept: number[];
  predict_train: number[];
  predict_test: number[];
  decision_ovr_test: number[][];
  decision_ovo_test: number[][];
  probA?: number[];
  probB?: number[];
  predict_proba_test?: number[][];
}

const fixtures: { sklearn_version: string; cases: SklearnCase[] } = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/fixtures/sklearn/svm.json", import.meta.url)),
);

function optionsOf(c: SklearnCase): SvmClassifierOptions {
  const p = c.params;
  const cw = p.class_weight;
  return {
    kernel: p.kernel,
    C: p.C,
    gamma: p.gamma,
    degree: p.degree,
    coef0: p.coef0,
    classWeight: cw === undefined || cw === "balanced"
      ? cw
      : Object.fromEntries(Object.entries(cw).map(([k, v]) => [Number(k), v])),
    probability: p.probability,
    seed: p.random_state,
  };
}

/** Decision values agree to the solver's tolerance, relative for large values. */
function assertClose(actual: number[][], expected: number[][], tol: number, what: string) {
  assertEquals(actual.length, expected.length, `${what}: rows`);
  actual.forEach((row, i) => {
    assertEquals(row.length, expected[i].length, `${what}: columns of row ${i}`);
    row.forEach((v, j) => {
      const e = expected[i][j];
      assertAlmostEquals(v, e, tol * Math.max(1, Math.abs(e)), `${what}[${i}][${j}]`);
    });
  });
}

const fitted = new Map<string, SvmClassifier>();
function fitCase(c: SklearnCase): SvmClassifier {
  let clf = fitted.get(c.name);
  if (!clf) {
    clf = new SvmClassifier(optionsOf(c)).fit(c.X, c.y);
    fitted.set(c.name, clf);
  }
  return clf;
}

Deno.test("fixtures cover the kernels, class weights and probability", () => {
  const names = fixtures.cases.map((c) => c.name);
  assert(names.length >= 10, "expected at least 10 sklearn cases");
  for (const k of ["linear", "poly", "rbf"]) assert(fixtures.cases.some((c) => c.params.kernel === k), k);
  assert(fixtures.cases.some((c) => c.params.class_weight === "balanced"), "balanced");
  assert(fixtures.cases.some((c) => c.params.gamma === "scale"), "gamma scale");
  assert(fixtures.cases.some((c) => c.params.probability && c.classes.length === 2), "binary probability");
  assert(fixtures.cases.some((c) => c.params.probability && c.classes.length > 2), "multiclass probability");
});

for (const c of fixtures.cases) {
  Deno.test(`SvmClassifier matches sklearn SVC: ${c.name}`, () => {
    const clf = fitCase(c);
    assertEquals(clf.classes, c.classes, "classes");
    assertEquals(clf.predict(c.X), c.predict_train, "predict on training rows");
    assertEquals(clf.predict(c.X_test), c.predict_test, "predict on test rows");
    assertAlmostEquals(clf.gamma, c.gamma_used, 1e-15 * c.gamma_used, "gamma");
    assertEquals(clf.supportIndices, c.support, "support_");
    assertEquals(clf.nSupport, c.n_support, "n_support_");
    assertClose(clf.dualCoef, c.dual_coef, 1e-6, "dual_coef_");
    assertClose([clf.intercept], [c.intercept], 1e-6, "intercept_");
    assertClose(clf.decisionFunction(c.X_test), c.decision_ovr_test, 1e-6, "decision_function ovr");
    assertClose(clf.decisionFunction(c.X_test, { shape: "ovo" }), c.decision_ovo_test, 1e-6, "decision_function ovo");
    assertEquals(
      clf.supportVectors,
      c.support.map((i) => c.X[i]),
      "support vectors are the training rows at support_",
    );
  });

  if (c.params.probability) {
    Deno.test(`SvmClassifier.predictProba matches sklearn (same libsvm seed): ${c.name}`, () => {
      const clf = fitCase(c);
      assertClose([clf.probA, clf.probB], [c.probA!, c.probB!], 1e-6, "probA_/probB_");
      const proba = clf.predictProba(c.X_test);
      assertClose(proba, c.predict_proba_test!, 1e-6, "predict_proba");
      for (const row of proba) {
        assertAlmostEquals(row.reduce((a, b) => a + b, 0), 1, 1e-9, "probabilities sum to 1");
        assert(row.every((p) => p >= 0 && p <= 1), "probabilities in [0, 1]");
      }
    });
  }
}

Deno.test("SvmClassifier toJSON/fromJSON round trip reproduces the model exactly", () => {
  for (const c of fixtures.cases.filter((c) => ["rbf_3class_proba", "poly_3class", "rbf_binary"].includes(c.name))) {
    const clf = fitCase(c);
    const json: SvmClassifierJson = JSON.parse(JSON.stringify(clf.toJSON()));
    const back = SvmClassifier.fromJSON(json);
    assertEquals(back.classes, clf.classes);
    assertEquals(back.predict(c.X_test), clf.predict(c.X_test));
    assertEquals(back.decisionFunction(c.X_test, { shape: "ovo" }), clf.decisionFunction(c.X_test, { shape: "ovo" }));
    assertEquals(back.supportIndices, clf.supportIndices);
    if (c.params.probability) assertEquals(back.predictProba(c.X_test), clf.predictProba(c.X_test));
    // The restored classifier keeps its parameters: refitting gives the same model.
    assertEquals(back.fit(c.X, c.y).toJSON(), clf.toJSON());
  }
});

Deno.test("SvmClassifier.fromJSON rejects other objects and inconsistent models", () => {
  const c = fixtures.cases[0];
  const json = fitCase(c).toJSON();
  assertThrows(() => SvmClassifier.fromJSON({ ...json, format: "other" } as unknown as SvmClassifierJson), TypeError);
  assertThrows(() => SvmClassifier.fromJSON({ ...json, rho: [1] }), RangeError, "inconsistent");
});

Deno.test("SvmClassifier throws NotFittedError before fit and after dispose", () => {
  const clf = new SvmClassifier({ kernel: "rbf" });
  assertEquals(clf.isFitted, false);
  assertThrows(() => clf.predict([[0, 1]]), NotFittedError, "predict()");
  assertThrows(() => clf.predictProba([[0, 1]]), NotFittedError);
  assertThrows(() => clf.decisionFunction([[0, 1]]), NotFittedError);
  assertThrows(() => clf.classes, NotFittedError, "classes");
  assertThrows(() => clf.dualCoef, NotFittedError);
  assertThrows(() => clf.toJSON(), NotFittedError);
  const e = assertThrows(() => clf.predict([[0]]));
  assertEquals(e.name, "NotFittedError");

  clf.fit([[0, 0], [0, 1], [3, 3], [3, 4]], [0, 0, 1, 1]);
  assertEquals(clf.predict([[0, 0.5], [3, 3.5]]), [0, 1]);
  clf.dispose();
  assertThrows(() => clf.predict([[0, 0]]), NotFittedError);
});

Deno.test("SvmClassifier refit replaces the previous model", () => {
  const clf = new SvmClassifier({ kernel: "linear" }).fit([[0], [1], [5], [6]], [1, 1, 2, 2]);
  assertEquals(clf.classes, [1, 2]);
  clf.fit([[0], [1], [5], [6], [10], [11]], [7, 7, 8, 8, 9, 9]);
  assertEquals(clf.classes, [7, 8, 9]);
  assertEquals(clf.predict([[0.5], [5.5], [10.5]]), [7, 8, 9]);
});

Deno.test("SvmClassifier.fit rejects bad input with clear errors", () => {
  const clf = new SvmClassifier({ kernel: "rbf" });
  assertThrows(() => clf.fit([[0, 1], [1]], [0, 1]), RangeError, "ragged");
  assertThrows(() => clf.fit([[0, NaN], [1, 2]], [0, 1]), RangeError, "X[0][1] is NaN");
  assertThrows(() => clf.fit([[0, Infinity], [1, 2]], [0, 1]), RangeError, "finite");
  assertThrows(() => clf.fit([[0], [1], [2]], [0, 1]), RangeError, "different lengths");
  assertThrows(() => clf.fit([[0], [1]], [3, 3]), RangeError, "greater than one");
  assertThrows(() => clf.fit([], []), RangeError, "empty");
  assertThrows(() => clf.fit([[], []], [0, 1]), RangeError, "no features");
  assertThrows(() => clf.fit([[0], [1]], [0, NaN]), RangeError, "y[1]");
  clf.fit([[0, 0], [1, 1]], [0, 1]);
  assertThrows(() => clf.predict([[0, 0, 0]]), RangeError, "3 features");
});

Deno.test("SvmClassifier rejects bad options, listing the valid values", () => {
  assertThrows(() => new SvmClassifier({ kernel: "cubic" as "rbf" }), RangeError, "linear, poly, rbf, sigmoid");
  assertThrows(() => new SvmClassifier({ C: 0 }), RangeError, "C=0");
  assertThrows(() => new SvmClassifier({ gamma: -1 }), RangeError, "gamma");
  assertThrows(() => new SvmClassifier({ degree: 1.5 }), RangeError, "degree");
  assertThrows(() => new SvmClassifier({ seed: -1 }), RangeError, "seed");
  assertThrows(() => new SvmClassifier({ classWeight: { 0: -1 } }), RangeError, "classWeight");
  assertThrows(
    () => new SvmClassifier({ cost: 1 } as SvmClassifierOptions),
    TypeError,
    'Unknown SvmClassifier option "cost"',
  );
  const clf = new SvmClassifier({ classWeight: { 5: 2 } });
  assertThrows(() => clf.fit([[0], [1]], [0, 1]), RangeError, "[5]");
});

Deno.test("SvmClassifier.predictProba needs probability: true", () => {
  const clf = new SvmClassifier({ kernel: "linear" }).fit([[0], [1], [5], [6]], [0, 0, 1, 1]);
  assertThrows(() => clf.predictProba([[0]]), Error, "probability: true");
  assertEquals(clf.probA, []);
});

Deno.test("SvmClassifier.decisionFunction rejects an unknown shape", () => {
  const clf = new SvmClassifier({ kernel: "linear" }).fit([[0], [1], [5], [6]], [0, 0, 1, 1]);
  assertThrows(() => clf.decisionFunction([[0]], { shape: "ova" as "ovr" }), RangeError, "ovr, ovo");
  // Two classes: one column, positive for classes[1].
  const d = clf.decisionFunction([[0], [6]]);
  assert(d[0].length === 1 && d[0][0] < 0 && d[1][0] > 0, JSON.stringify(d));
});

Deno.test("SvmClassifier honours maxIter and reports convergence", () => {
  const c = fixtures.cases.find((c) => c.name === "poly_noisy_200")!;
  assertEquals(fitCase(c).converged, true);
  const capped = new SvmClassifier({ ...optionsOf(c), maxIter: 5 }).fit(c.X, c.y);
  assertEquals(capped.converged, false);
});
