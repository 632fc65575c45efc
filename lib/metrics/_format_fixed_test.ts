import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { formatFixed } from "./_format_fixed.ts";

Deno.test("formatFixed() rounds exact halves to even like Python, unlike toFixed", () => {
  assertEquals(formatFixed(0.125, 2), "0.12");
  assertEquals((0.125).toFixed(2), "0.13"); // why formatFixed exists
  assertEquals(formatFixed(0.375, 2), "0.38");
  assertEquals(formatFixed(2.5, 0), "2");
  assertEquals(formatFixed(3.5, 0), "4");
  // 0.145 is stored just below the half, so both round down.
  assertEquals(formatFixed(0.145, 2), "0.14");
  assertEquals(formatFixed(1 / 3, 4), "0.3333");
});

Deno.test("formatFixed() pads, keeps signs and names non-finite values as Python does", () => {
  assertEquals(formatFixed(0, 2), "0.00");
  assertEquals(formatFixed(1, 3), "1.000");
  assertEquals(formatFixed(0.004, 2), "0.00");
  assertEquals(formatFixed(-0.001, 2), "-0.00");
  assertEquals(formatFixed(-0, 1), "-0.0");
  assertEquals(formatFixed(123456.789, 1), "123456.8");
  assertEquals(formatFixed(1e22, 0), "10000000000000000000000");
  assertEquals(formatFixed(5e-324, 2), "0.00");
  assertEquals(formatFixed(NaN, 2), "nan");
  assertEquals(formatFixed(-Infinity, 2), "-inf");
  assertThrows(() => formatFixed(1, -1), RangeError, "digits=-1");
});
