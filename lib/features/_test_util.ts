/**
 * Helpers for the feature tests.
 *
 * @module
 */
import { assertAlmostEquals, assertEquals } from "../../tests/assert.ts";
import type { GrayImageData } from "./types.ts";

/** A {@link GrayImageData} from rows of pixel values. */
export function grayImage(rows: readonly (readonly number[])[]): GrayImageData {
  return { width: rows[0].length, height: rows.length, data: Float32Array.from(rows.flat()) };
}

/** A `width x height` image from `f(row, col)`. */
export function imageFrom(width: number, height: number, f: (r: number, c: number) => number): GrayImageData {
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data[r * width + c] = f(r, c);
  return { width, height, data };
}

/** A reproducible pseudo-random image in [0, 1) (Park-Miller). */
export function noiseImage(width: number, height: number, seed = 1): GrayImageData {
  let s = seed;
  return imageFrom(width, height, () => (s = (s * 16807) % 2147483647) / 2147483647);
}

/** Element-wise {@link assertAlmostEquals} with equal lengths. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-12,
  msg = "values",
): void {
  assertEquals(actual.length, expected.length, `${msg}: length`);
  for (let k = 0; k < expected.length; k++) assertAlmostEquals(actual[k], expected[k], tol, `${msg}[${k}]`);
}
