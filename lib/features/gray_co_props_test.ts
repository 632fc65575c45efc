import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { grayImage } from "./_test_util.ts";
import { grayCoMatrix } from "./gray_co_matrix.ts";
import { GLCM_PROPS, type GlcmProp, grayCoProps } from "./gray_co_props.ts";

const props = (glcm: ReturnType<typeof grayCoMatrix>) =>
  Object.fromEntries(GLCM_PROPS.map((p) => [p, grayCoProps(glcm, p)])) as Record<GlcmProp, number[][]>;

// 2 gray levels. Pairs at 0° (and, the image being its own transpose, at 90°):
// (0,0) x1, (0,1) x2, (1,1) x3, so P = [[1, 2], [0, 3]] and P + Pᵀ = [[2, 2], [2, 6]] / 12.
const STAIR = grayImage([
  [0, 0, 1],
  [0, 1, 1],
  [1, 1, 1],
]);

Deno.test("grayCoProps() matches hand-computed Haralick properties of a 3x3 two-level image", () => {
  const p = props(grayCoMatrix(STAIR, { levels: 2, distances: [1], angles: [0, 90] }));
  // p = [[1/6, 1/6], [1/6, 1/2]]
  for (const a of [0, 1]) {
    // contrast = Σ p (i-j)² = 1/6 + 1/6
    assertAlmostEquals(p.contrast[0][a], 1 / 3, 1e-12, "contrast");
    // dissimilarity = Σ p |i-j| = 1/3 as well for two levels
    assertAlmostEquals(p.dissimilarity[0][a], 1 / 3, 1e-12, "dissimilarity");
    // homogeneity = 1/6 + 1/2 + (1/6 + 1/6) / 2 = 5/6
    assertAlmostEquals(p.homogeneity[0][a], 5 / 6, 1e-12, "homogeneity");
    // ASM = 3 (1/6)² + (1/2)² = 1/12 + 1/4 = 1/3; energy = √ASM
    assertAlmostEquals(p.ASM[0][a], 1 / 3, 1e-12, "ASM");
    assertAlmostEquals(p.energy[0][a], Math.sqrt(1 / 3), 1e-12, "energy");
    // μi = μj = 1/6 + 1/2 = 2/3; σi² = (1/3)(2/3)² + (2/3)(1/3)² = 2/9;
    // cov = (1/6)(4/9) − 2 (1/6)(2/9) + (1/2)(1/9) = 1/18; correlation = (1/18) / (2/9) = 1/4
    assertAlmostEquals(p.correlation[0][a], 1 / 4, 1e-12, "correlation");
  }
});

Deno.test("grayCoProps() gives a checkerboard correlation -1 across and +1 along the diagonal", () => {
  const board = grayImage([0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => (r + c) % 2)));
  const p = props(grayCoMatrix(board, { levels: 2, distances: [1], angles: [0, 45] }));
  // 0°: every pair is (0,1) or (1,0): p = [[0, 1/2], [1/2, 0]]; μ = 1/2, σ² = 1/4, cov = -1/4.
  assertAlmostEquals(p.contrast[0][0], 1, 1e-12);
  assertAlmostEquals(p.homogeneity[0][0], 0.5, 1e-12);
  assertAlmostEquals(p.energy[0][0], Math.sqrt(0.5), 1e-12);
  assertAlmostEquals(p.correlation[0][0], -1, 1e-12);
  // 45°: diagonal neighbours are equal: p = [[1/2, 0], [0, 1/2]].
  assertAlmostEquals(p.contrast[0][1], 0, 1e-12);
  assertAlmostEquals(p.correlation[0][1], 1, 1e-12);
});

Deno.test("grayCoProps() of a constant image: zero contrast, unit energy and homogeneity, correlation 1", () => {
  const flat = grayImage([[0.4, 0.4, 0.4], [0.4, 0.4, 0.4]]);
  const p = props(grayCoMatrix(flat, { distances: [1], angles: [0, 45, 90, 135] }));
  assertEquals(p.contrast, [[0, 0, 0, 0]]);
  assertEquals(p.dissimilarity, [[0, 0, 0, 0]]);
  assertEquals(p.homogeneity, [[1, 1, 1, 1]]);
  assertEquals(p.energy, [[1, 1, 1, 1]]);
  // σ = 0: scikit-image defines the correlation as 1.
  assertEquals(p.correlation, [[1, 1, 1, 1]]);
});

Deno.test("grayCoProps() normalises raw counts itself and leaves an empty matrix at zero", () => {
  const raw = props(grayCoMatrix(STAIR, { levels: 2, distances: [1], angles: [0], normed: false }));
  assertAlmostEquals(raw.contrast[0][0], 1 / 3, 1e-12);
  assertAlmostEquals(raw.correlation[0][0], 1 / 4, 1e-12);
  // One pixel has no neighbour: all-zero matrix, as in scikit-image.
  const empty = props(grayCoMatrix(grayImage([[0.5]]), { distances: [1], angles: [0] }));
  assertEquals([empty.contrast, empty.homogeneity, empty.energy, empty.correlation], [[[0]], [[0]], [[0]], [[1]]]);
});

Deno.test("grayCoProps() lists the valid properties for an unknown one", () => {
  const glcm = grayCoMatrix(STAIR, { levels: 2 });
  assertThrows(() => grayCoProps(glcm, "entropy" as GlcmProp), RangeError, "contrast, dissimilarity, homogeneity");
});
