import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { grayImage, imageFrom, noiseImage } from "./_test_util.ts";
import { localBinaryPattern } from "./local_binary_pattern.ts";

// Neighbours p = 0..7 of pixel (1, 1), counter-clockwise from the right:
// right (1,2), up-right (0.29289, 1.70711), up (0,1), up-left (0.29289, 0.29289),
// left (1,0), down-left (1.70711, 0.29289), down (2,1), down-right (1.70711, 1.70711).
// Diagonals interpolate bilinearly with weights 0.70711 / 0.29289.

Deno.test("localBinaryPattern() codes a hand-made uniform 3x3 patch as its number of ones", () => {
  const patch = grayImage([
    [0.2, 0.9, 0.9],
    [0.2, 0.5, 0.9],
    [0.2, 0.2, 0.9],
  ]);
  // right 0.9 ≥ 0.5 -> 1
  // up-right: top = .29289·.9 + .70711·.9 = .9, bottom = .29289·.5 + .70711·.9 = .7828,
  //   value = .70711·.9 + .29289·.7828 = .8657 -> 1
  // up 0.9 -> 1
  // up-left: top = .70711·.2 + .29289·.9 = .4050, bottom = .70711·.2 + .29289·.5 = .2879,
  //   value = .70711·.4050 + .29289·.2879 = .3707 -> 0
  // left .2, down-left (mix of .2 and .5 with weight on .2), down .2 -> 0, 0, 0
  // down-right: top = .29289·.5 + .70711·.9 = .7828, bottom = .29289·.2 + .70711·.9 = .6950,
  //   value = .29289·.7828 + .70711·.6950 = .7207 -> 1
  // bits 1 1 1 0 0 0 0 1: 2 changes, uniform, 4 ones -> code 4.
  assertEquals(localBinaryPattern(patch)[4], 4);
});

Deno.test("localBinaryPattern() codes a non-uniform 3x3 patch as P + 1", () => {
  const patch = grayImage([
    [0.9, 0.2, 0.9],
    [0.2, 0.5, 0.2],
    [0.9, 0.2, 0.9],
  ]);
  // right, up, left, down: 0.2 -> 0. Each diagonal: e.g. up-right top = .29289·.2 + .70711·.9 = .6950,
  // bottom = .29289·.5 + .70711·.2 = .2879, value = .70711·.6950 + .29289·.2879 = .5757 -> 1.
  // bits 0 1 0 1 0 1 0 1: 7 changes -> non-uniform, code 9.
  assertEquals(localBinaryPattern(patch)[4], 9);
});

Deno.test("localBinaryPattern() reads neighbours outside the image as 0 (constant padding)", () => {
  const flat = imageFrom(5, 5, () => 0.5);
  // Inside every neighbour equals the centre: 8 ones -> 8.
  // Corner (0,0): right 1, up-right/up/up-left/left/down-left read padding 0 -> 0, down 1, down-right 1:
  //   1 0 0 0 0 0 1 1, 2 changes -> 3. Top edge (0,2): 1 0 0 0 1 1 1 1 -> 5.
  assertEquals(
    Array.from(localBinaryPattern(flat)),
    [
      [3, 5, 5, 5, 3],
      [5, 8, 8, 8, 5],
      [5, 8, 8, 8, 5],
      [5, 8, 8, 8, 5],
      [3, 5, 5, 5, 3],
    ].flat(),
  );
  // A black image: padding equals the centre, so every pixel is 8.
  assertEquals(Array.from(localBinaryPattern(imageFrom(3, 3, () => 0))), new Array(9).fill(8));
});

Deno.test("localBinaryPattern() is invariant to a 90 degree rotation away from the border", () => {
  const n = 9;
  const im = noiseImage(n, n, 11);
  // Rotated 90° counter-clockwise: rot[r][c] = im[c][n-1-r].
  const rot = imageFrom(n, n, (r, c) => im.data[c * n + (n - 1 - r)]);
  const a = localBinaryPattern(im), b = localBinaryPattern(rot);
  for (let r = 1; r < n - 1; r++) {
    for (let c = 1; c < n - 1; c++) assertEquals(b[r * n + c], a[c * n + (n - 1 - r)], `pixel ${r},${c}`);
  }
});

Deno.test("localBinaryPattern() gives codes in [0, P + 1] for other P and R and rejects bad ones", () => {
  const im = noiseImage(12, 10, 3);
  const codes = localBinaryPattern(im, { points: 16, radius: 2 });
  assertEquals(codes.every((v) => v <= 17), true);
  assertEquals(codes.some((v) => v === 17), true);
  assertThrows(() => localBinaryPattern(im, { points: 0 }), RangeError, "points");
  assertThrows(() => localBinaryPattern(im, { radius: 0 }), RangeError, "radius");
});
