import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { NotFittedError } from "../svm/not_fitted_error.ts";
import { StandardScaler } from "./standard_scaler.ts";

Deno.test("StandardScaler matches hand-computed means and population standard deviations", () => {
  // Column 0: 1, 2, 3, 6 -> mean 3, var ((4 + 1 + 0 + 9) / 4) = 3.5 (population, not 14/3).
  // Column 1: 10, 10, 10, 10 -> constant: scale 1, transforms to 0.
  // Column 2: -1, 1, -1, 1 -> mean 0, std 1.
  const X = [[1, 10, -1], [2, 10, 1], [3, 10, -1], [6, 10, 1]];
  const s = new StandardScaler().fit(X);
  assertEquals(s.mean, [3, 10, 0]);
  assertEquals(s.variance, [3.5, 0, 1]);
  assertEquals(s.scale, [Math.sqrt(3.5), 1, 1]);
  const Z = s.transform(X);
  assertAlmostEquals(Z[0][0], -2 / Math.sqrt(3.5), 1e-15);
  assertAlmostEquals(Z[3][0], 3 / Math.sqrt(3.5), 1e-15);
  assertEquals(Z.map((r) => r[1]), [0, 0, 0, 0]);
  assertEquals(Z.map((r) => r[2]), [-1, 1, -1, 1]);
  // Transformed training columns: mean 0, population variance 1 (except the constant one).
  const col = Z.map((r) => r[0]);
  assertAlmostEquals(col.reduce((a, b) => a + b, 0), 0, 1e-12);
  assertAlmostEquals(col.reduce((a, b) => a + b * b, 0) / 4, 1, 1e-12);
  // New rows use the training statistics.
  assertEquals(s.transform([[3, 11, 2]]), [[0, 1, 2]]);
});

Deno.test("StandardScaler treats a column constant up to rounding as constant (scikit-learn)", () => {
  const v = 0.1 + 0.2; // not exactly representable: the mean's rounding leaves a tiny variance
  const s = new StandardScaler().fit([[v], [v], [v]]);
  assertEquals(s.scale, [1]);
});

Deno.test("StandardScaler round-trips through JSON and refuses misuse", () => {
  const s = new StandardScaler().fit([[0, 1], [2, 5], [4, 6]]);
  const again = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
  assertEquals(again.transform([[1, 2], [9, -3]]), s.transform([[1, 2], [9, -3]]));
  assertThrows(() => new StandardScaler().transform([[1]]), NotFittedError, "StandardScaler is not fitted");
  assertThrows(() => s.transform([[1, 2, 3]]), RangeError, "fitted with 2 features");
  assertThrows(() => new StandardScaler().fit([]), RangeError, "at least one row");
  assertThrows(() => new StandardScaler().fit([[1, NaN]]), RangeError, "not a finite number");
  assertThrows(() => StandardScaler.fromJSON({} as never), TypeError, "Not a saved StandardScaler");
});
