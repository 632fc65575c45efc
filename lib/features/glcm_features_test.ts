import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { grayImage, noiseImage } from "./_test_util.ts";
import { glcmFeatures } from "./glcm_features.ts";

const STAIR = grayImage([
  [0, 0, 1],
  [0, 1, 1],
  [1, 1, 1],
]);

Deno.test("glcmFeatures() orders 4 properties x 2 distances x 4 angles by property, distance, angle", () => {
  const { features, names } = glcmFeatures(noiseImage(16, 16));
  assertEquals(features.length, 32);
  assertEquals(names.length, 32);
  assertEquals(names.slice(0, 5), [
    "glcm_contrast_d1_a0",
    "glcm_contrast_d1_a45",
    "glcm_contrast_d1_a90",
    "glcm_contrast_d1_a135",
    "glcm_contrast_d2_a0",
  ]);
  assertEquals(names[8], "glcm_correlation_d1_a0");
  assertEquals(names[31], "glcm_homogeneity_d2_a135");
});

Deno.test("glcmFeatures() gives the hand-computed values of a 3x3 image at 8 default levels", () => {
  // 0 -> level 0, 1 -> level 7: the 2-level matrix of gray_co_props_test with i, j scaled by 7.
  // contrast = 49 · 1/3; homogeneity = 1/6 + 1/2 + (1/3) / 50; energy = √(1/3);
  // correlation is scale-free, 1/4.
  const { features, names } = glcmFeatures(STAIR, { distances: [1], angles: [0] });
  assertEquals(names, [
    "glcm_contrast_d1_a0",
    "glcm_correlation_d1_a0",
    "glcm_energy_d1_a0",
    "glcm_homogeneity_d1_a0",
  ]);
  assertAlmostEquals(features[0], 49 / 3, 1e-12, "contrast");
  assertAlmostEquals(features[1], 1 / 4, 1e-12, "correlation");
  assertAlmostEquals(features[2], Math.sqrt(1 / 3), 1e-12, "energy");
  assertAlmostEquals(features[3], 2 / 3 + 1 / 150, 1e-12, "homogeneity");
});

Deno.test("glcmFeatures() of a constant image has zero contrast everywhere", () => {
  const { features, names } = glcmFeatures(grayImage([[0.7, 0.7, 0.7], [0.7, 0.7, 0.7], [0.7, 0.7, 0.7]]));
  names.forEach((n, k) => {
    if (n.startsWith("glcm_contrast")) assertEquals(features[k], 0, n);
    if (n.startsWith("glcm_correlation")) assertEquals(features[k], 1, n);
  });
});

Deno.test("glcmFeatures() is deterministic and honours props, levels and angle names", () => {
  const im = noiseImage(20, 12, 7);
  assertEquals(glcmFeatures(im), glcmFeatures(im));
  const { names, features } = glcmFeatures(im, { props: ["ASM", "dissimilarity"], angles: [22.5], levels: 16 });
  assertEquals(names, [
    "glcm_ASM_d1_a22.5",
    "glcm_ASM_d2_a22.5",
    "glcm_dissimilarity_d1_a22.5",
    "glcm_dissimilarity_d2_a22.5",
  ]);
  assertEquals(features.every(Number.isFinite), true);
  assertThrows(() => glcmFeatures(im, { props: [] }), RangeError, "at least one property");
  assertThrows(() => glcmFeatures(im, { prop: ["ASM"] } as never), TypeError, `Unknown option "prop"`);
});
