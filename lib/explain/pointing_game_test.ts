import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { pointingGame } from "./pointing_game.ts";

Deno.test("pointingGame() hits on the first maximum, with an optional tolerance", () => {
  const mask = new Uint8Array([
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    1,
    0,
    0,
    1,
    1,
  ]);
  const map = new Float32Array(12);
  map[6] = 1;
  assertEquals(pointingGame(map, mask, 4), true);
  map.fill(0);
  map[4] = 1; // (0, 1): two pixels left of the mask
  assertEquals(pointingGame(map, mask, 4), false);
  assertEquals(pointingGame(map, mask, 4, { tolerance: 1.9 }), false);
  assertEquals(pointingGame(map, mask, 4, { tolerance: 2 }), true);
  // Ties: the first maximum in row-major order, so a flat map points at pixel 0.
  assertEquals(pointingGame(new Float32Array(12).fill(1), mask, 4), false);
  map.fill(0);
  map[10] = 1;
  map[11] = 1;
  assertEquals(pointingGame(map, mask, 4), true);
  assertThrows(() => pointingGame(map, mask, 5), RangeError, "width");
  assertThrows(() => pointingGame(map, new Uint8Array(3), 4), RangeError, "same");
});
