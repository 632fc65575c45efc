import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { assertAllClose, grayImage } from "./_test_util.ts";
import { grayCoMatrix } from "./gray_co_matrix.ts";

// scikit-image's graycomatrix docstring image, 4 levels; v / 3 quantises back to v.
const LEVELS = [
  [0, 0, 1, 1],
  [0, 0, 1, 1],
  [0, 2, 2, 2],
  [2, 2, 3, 3],
];
const DOC_IMAGE = grayImage(LEVELS.map((row) => row.map((v) => v / 3)));
const RAW = { levels: 4, symmetric: false, normed: false } as const;

Deno.test("grayCoMatrix() counts pixel pairs at 0, 45, 90 and 135 degrees as scikit-image does", () => {
  const glcm = grayCoMatrix(DOC_IMAGE, { ...RAW, distances: [1], angles: [0, 45, 90, 135] });
  // 0°, pairs (r, c) -> (r, c+1), by row: (0,0)(0,1)(1,1) | (0,0)(0,1)(1,1) | (0,2)(2,2)(2,2) | (2,2)(2,3)(3,3)
  const a0 = [2, 2, 1, 0, /**/ 0, 2, 0, 0, /**/ 0, 0, 3, 1, /**/ 0, 0, 0, 1];
  // 45°, offset (round(sin 45°), round(cos 45°)) = (+1, +1), below-right:
  // (0,0)(0,1)(1,1) | (0,2)(0,2)(1,2) | (0,2)(2,3)(2,3)
  const a45 = [1, 1, 3, 0, /**/ 0, 1, 1, 0, /**/ 0, 0, 0, 2, /**/ 0, 0, 0, 0];
  // 90°, offset (+1, 0), below; by column: (0,0)(0,0)(0,2) | (0,0)(0,2)(2,2) | (1,1)(1,2)(2,3) | (1,1)(1,2)(2,3)
  const a90 = [3, 0, 2, 0, /**/ 0, 2, 2, 0, /**/ 0, 0, 1, 2, /**/ 0, 0, 0, 0];
  // 135°, offset (+1, -1), below-left: (0,0)(1,0)(1,1) | (0,0)(1,2)(1,2) | (2,2)(2,2)(2,3)
  const a135 = [2, 0, 0, 0, /**/ 1, 1, 2, 0, /**/ 0, 0, 2, 1, /**/ 0, 0, 0, 0];
  assertEquals(glcm.matrices[0].map((m) => Array.from(m)), [a0, a45, a90, a135]);
  assertEquals([glcm.levels, glcm.distances, glcm.angles], [4, [1], [0, 45, 90, 135]]);
});

Deno.test("grayCoMatrix() rounds offsets like scikit-image: distance 2 at 45 degrees is offset (1, 1)", () => {
  const glcm = grayCoMatrix(DOC_IMAGE, { ...RAW, distances: [1, 2], angles: [0, 45] });
  // 0°, distance 2, pairs (r, c) -> (r, c+2): (0,1)(0,1) | (0,1)(0,1) | (0,2)(2,2) | (2,3)(2,3)
  assertEquals(Array.from(glcm.matrices[1][0]), [0, 4, 1, 0, /**/ 0, 0, 0, 0, /**/ 0, 0, 1, 2, /**/ 0, 0, 0, 0]);
  // 2 sin 45° = 1.41 rounds to 1: the same pairs as distance 1.
  assertEquals(Array.from(glcm.matrices[1][1]), Array.from(glcm.matrices[0][1]));
});

Deno.test("grayCoMatrix() symmetric adds the transpose and normed divides by the pair count", () => {
  const glcm = grayCoMatrix(DOC_IMAGE, { levels: 4, distances: [1], angles: [0] });
  // P + Pᵀ of the 0° counts above; 12 pairs counted twice = 24.
  const sym = [4, 2, 1, 0, /**/ 2, 4, 0, 0, /**/ 1, 0, 6, 1, /**/ 0, 0, 1, 2];
  assertAllClose(glcm.matrices[0][0], sym.map((v) => v / 24));
  const counts = grayCoMatrix(DOC_IMAGE, { levels: 4, distances: [1], angles: [0], normed: false });
  assertEquals(Array.from(counts.matrices[0][0]), sym);
});

Deno.test("grayCoMatrix() uses 8 levels, distances [1, 2] and four angles by default", () => {
  const glcm = grayCoMatrix(grayImage([[0, 1]]));
  assertEquals([glcm.levels, glcm.distances, glcm.angles], [8, [1, 2], [0, 45, 90, 135]]);
  assertEquals(glcm.matrices.map((row) => row.length), [4, 4]);
  // 0 -> level 0 and 1 -> level 7; symmetric, normed: p(0,7) = p(7,0) = 1/2.
  assertEquals(glcm.matrices[0][0][0 * 8 + 7], 0.5);
  assertEquals(glcm.matrices[0][0][7 * 8 + 0], 0.5);
  // A 1x2 image has no pair at 90° or at distance 2: the matrix stays all zero.
  assertEquals(glcm.matrices[0][2].every((v) => v === 0), true);
  assertEquals(glcm.matrices[1][0].every((v) => v === 0), true);
});

Deno.test("grayCoMatrix() rejects bad levels, distances, angles and unknown options", () => {
  const im = grayImage([[0, 1]]);
  assertThrows(() => grayCoMatrix(im, { levels: 1 }), RangeError, "levels");
  assertThrows(() => grayCoMatrix(im, { distances: [0] }), RangeError, "distance");
  assertThrows(() => grayCoMatrix(im, { distances: [1.5] }), RangeError, "distance");
  assertThrows(() => grayCoMatrix(im, { angles: [] }), RangeError, "at least one");
  assertThrows(() => grayCoMatrix(im, { angles: [NaN] }), RangeError, "finite");
  assertThrows(() => grayCoMatrix(im, { distance: [1] } as never), TypeError, `Unknown option "distance"`);
});
