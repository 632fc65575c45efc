import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { assertAllClose, grayImage, noiseImage } from "./_test_util.ts";
import { intensityFeatures } from "./intensity_features.ts";

Deno.test("intensityFeatures() of [0, 0.5, 0.5, 1] matches hand-computed statistics", () => {
  const { features, names } = intensityFeatures(grayImage([[0, 0.5], [0.5, 1]]), { bins: 4 });
  assertEquals(names, [
    "intensity_mean",
    "intensity_std",
    "intensity_skewness",
    "intensity_kurtosis",
    "intensity_min",
    "intensity_max",
    "intensity_p10",
    "intensity_p50",
    "intensity_p90",
    "intensity_entropy",
    "intensity_hist_0",
    "intensity_hist_1",
    "intensity_hist_2",
    "intensity_hist_3",
  ]);
  assertAllClose(features, [
    0.5, // mean
    Math.sqrt(0.125), // m2 = (0.25 + 0 + 0 + 0.25) / 4
    0, // symmetric
    -1, // m4 = 2 · 0.0625 / 4 = 0.03125; 0.03125 / 0.125² - 3
    0,
    1,
    0.15, // index 0.3 between 0 and 0.5
    0.5, // index 1.5 between 0.5 and 0.5
    0.85, // index 2.7 between 0.5 and 1
    1.5, // -(¼ log₂ ¼ + ½ log₂ ½ + ¼ log₂ ¼)
    0.25, // [0, .25): 0
    0, // [.25, .5)
    0.5, // [.5, .75): 0.5, 0.5
    0.25, // [.75, 1]: 1
  ]);
});

Deno.test("intensityFeatures() of [0, 0, 0, 1] has Bernoulli(1/4) skewness and kurtosis", () => {
  const f = intensityFeatures(grayImage([[0, 0, 0, 1]])).features;
  // skewness (1 - 2p) / √(p(1-p)) = 0.5 / √(3/16) = 2/√3; excess kurtosis (1 - 6p(1-p)) / (p(1-p)) = -2/3
  assertAlmostEquals(f[0], 0.25, 1e-12);
  assertAlmostEquals(f[1], Math.sqrt(3 / 16), 1e-12);
  assertAlmostEquals(f[2], 2 / Math.sqrt(3), 1e-12);
  assertAlmostEquals(f[3], -2 / 3, 1e-12);
  // p10: index 0.3 -> 0; p50: index 1.5 -> 0; p90: index 2.7 between 0 and 1 -> 0.7
  assertAllClose(f.slice(6, 9), [0, 0, 0.7]);
});

Deno.test("intensityFeatures() of a constant image: zero spread, skewness, kurtosis and entropy, one full bin", () => {
  const { features, names } = intensityFeatures(grayImage([[0.3, 0.3], [0.3, 0.3]]));
  const f = new Map(names.map((n, k) => [n, features[k]]));
  for (const n of ["intensity_std", "intensity_skewness", "intensity_kurtosis", "intensity_entropy"]) {
    assertEquals(f.get(n), 0, n);
  }
  // 0.3 · 16 = 4.8: bin 4 of 16.
  assertEquals(f.get("intensity_hist_04"), 1);
  assertEquals(features.length, 26);
  assertEquals(features.every(Number.isFinite), true);
});

Deno.test("intensityFeatures() bins are left-closed, the last closed, and outside values are clamped", () => {
  // 4 bins, edges 0, .25, .5, .75, 1: 0.25 -> bin 1, 0.75 -> bin 3, 1 -> bin 3, -0.5 -> 0, 1.5 -> 3.
  const hist = intensityFeatures(grayImage([[0.25, 0.75, 1, -0.5, 1.5]]), { bins: 4 }).features.slice(-4);
  assertAllClose(hist, [0.2, 0.2, 0, 0.6]);
});

Deno.test("intensityFeatures() honours percentiles and bins, is deterministic, and rejects bad ones", () => {
  const im = noiseImage(30, 20, 4);
  const r = intensityFeatures(im, { bins: 8, percentiles: [25, 75, 2.5] });
  assertEquals(r.names.slice(6, 9), ["intensity_p25", "intensity_p75", "intensity_p2.5"]);
  assertEquals(r.features.length, 6 + 3 + 1 + 8);
  assertAlmostEquals(r.features.slice(-8).reduce((s, v) => s + v, 0), 1, 1e-12);
  assertEquals(r, intensityFeatures(im, { bins: 8, percentiles: [25, 75, 2.5] }));
  assertThrows(() => intensityFeatures(im, { bins: 0 }), RangeError, "bins");
  assertThrows(() => intensityFeatures(im, { percentiles: [101] }), RangeError, "[0, 100]");
});
