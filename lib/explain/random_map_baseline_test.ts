import { assertEquals, assertLess, assertThrows } from "../../tests/assert.ts";
import { randomMapBaseline } from "./random_map_baseline.ts";

Deno.test("randomMapBaseline() gives the mask's area fraction, analytically and by sampling", () => {
  const width = 16, mask = new Uint8Array(16 * 16);
  for (let y = 4; y < 8; y++) for (let x = 2; x < 10; x++) mask[y * width + x] = 1; // 32 of 256 pixels
  const b = randomMapBaseline(mask, { seed: 3, trials: 2000 });
  assertEquals(b.pointing.analytic, 0.125);
  assertEquals(b.energy.analytic, 0.125);
  assertLess(Math.abs(b.pointing.sampled - 0.125), 0.025, "sampled pointing");
  assertLess(Math.abs(b.energy.sampled - 0.125), 0.005, "sampled energy");
  assertEquals(randomMapBaseline(mask, { seed: 3, trials: 50 }), randomMapBaseline(mask, { seed: 3, trials: 50 }));
  // A 1 px tolerance dilates the 8x4 box to 10x6 minus the 4 corners: 56 pixels.
  const t = randomMapBaseline(mask, { width, tolerance: 1, trials: 2000, seed: 1 });
  assertEquals(t.pointing.analytic, 56 / 256);
  assertLess(Math.abs(t.pointing.sampled - 56 / 256), 0.03, "sampled pointing with tolerance");
  assertThrows(() => randomMapBaseline(mask, { tolerance: 1 }), RangeError, "width");
});
