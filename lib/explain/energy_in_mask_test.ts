import { assert, assertAlmostEquals, assertThrows } from "../../tests/assert.ts";
import { energyInMask } from "./energy_in_mask.ts";

Deno.test("energyInMask() is the share of the map's sum inside the mask", () => {
  assertAlmostEquals(energyInMask(new Float32Array([3, 1, 0, 4]), new Uint8Array([1, 0, 0, 1])), 7 / 8, 1e-12);
  assert(Number.isNaN(energyInMask(new Float32Array(4), new Uint8Array([1, 0, 0, 0]))), "NaN for an empty map");
  assertThrows(() => energyInMask(new Float32Array([-1, 1]), new Uint8Array([1, 0])), RangeError, ">= 0");
});
