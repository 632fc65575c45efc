import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { quantizeGray } from "./quantize_gray.ts";

Deno.test("quantizeGray() maps [k/levels, (k+1)/levels) to level k, 1 to the top level and clamps outside values", () => {
  const data = Float32Array.of(0, 0.124, 0.125, 0.5, 0.999, 1, -0.2, 1.3);
  // 8 levels: floor(v * 8) = 0, 0 (0.99), 1, 4, 7 (7.99), 8 -> 7, -2 -> 0, 10 -> 7.
  assertEquals(Array.from(quantizeGray({ width: 8, height: 1, data }, 8)), [0, 0, 1, 4, 7, 7, 0, 7]);
  assertEquals(Array.from(quantizeGray({ width: 4, height: 1, data: Float32Array.of(0, 1 / 3, 2 / 3, 1) }, 4)), [
    0,
    1,
    2,
    3,
  ]);
});

Deno.test("quantizeGray() rejects levels outside [2, 256]", () => {
  const im = { width: 1, height: 1, data: new Float32Array(1) };
  assertThrows(() => quantizeGray(im, 1), RangeError, "levels=1");
  assertThrows(() => quantizeGray(im, 257), RangeError, "[2, 256]");
  assertThrows(() => quantizeGray(im, 2.5), RangeError, "integer");
});
