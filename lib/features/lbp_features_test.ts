import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { assertAllClose, imageFrom, noiseImage } from "./_test_util.ts";
import { lbpFeatures } from "./lbp_features.ts";

Deno.test("lbpFeatures() is the normalised 10-bin histogram of uniform codes, border included", () => {
  // Codes of a constant 5x5 image (local_binary_pattern_test): 4 corners 3, 12 edges 5, 9 inside 8.
  const { features, names } = lbpFeatures(imageFrom(5, 5, () => 0.5));
  assertAllClose(features, [0, 0, 0, 4 / 25, 0, 12 / 25, 0, 0, 9 / 25, 0]);
  assertEquals(names, [
    "lbp_0",
    "lbp_1",
    "lbp_2",
    "lbp_3",
    "lbp_4",
    "lbp_5",
    "lbp_6",
    "lbp_7",
    "lbp_8",
    "lbp_nonuniform",
  ]);
});

Deno.test("lbpFeatures() with border exclude counts only pixels whose circle lies inside", () => {
  assertAllClose(lbpFeatures(imageFrom(5, 5, () => 0.5), { border: "exclude" }).features, [
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
  ]);
  // Nothing left inside a 2x2 image: all zero.
  assertEquals(lbpFeatures(imageFrom(2, 2, () => 0.5), { border: "exclude" }).features, new Array(10).fill(0));
});

Deno.test("lbpFeatures() sums to 1, is deterministic and has P + 2 bins", () => {
  const im = noiseImage(24, 24, 5);
  const a = lbpFeatures(im);
  assertAlmostEquals(a.features.reduce((s, v) => s + v, 0), 1, 1e-12);
  assertEquals(a, lbpFeatures(im));
  assertEquals(lbpFeatures(im, { points: 16, radius: 2 }).features.length, 18);
});

Deno.test("lbpFeatures() lists the valid border rules for an unknown one", () => {
  assertThrows(() => lbpFeatures(noiseImage(4, 4), { border: "wrap" as never }), RangeError, "zero, exclude");
});
