import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { colormap } from "./colormap.ts";

Deno.test("colormap() has jet's and inferno's end points", () => {
  assertEquals(colormap("jet", 0), [0, 0, 0.5]);
  assertEquals(colormap("jet", 0.5), [0.5, 1, 0.5]);
  assertEquals(colormap("jet", 1), [0.5, 0, 0]);
  // matplotlib's inferno: (0.0015, 0.0005, 0.0139) at 0 and (0.9884, 0.9984, 0.6449) at 1.
  const expected = [[0.0015, 0.0005, 0.0139], [0.9884, 0.9984, 0.6449]];
  [0, 1].forEach((t, i) =>
    colormap("inferno", t).forEach((v, ch) => assertAlmostEquals(v, expected[i][ch], 0.02, `inferno(${t})[${ch}]`))
  );
  assertThrows(() => colormap("viridis" as never, 0), RangeError, "Valid colormaps are: jet, inferno");
});
