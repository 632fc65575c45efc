import { assert, assertAlmostEquals, assertEquals } from "../tests/assert.ts";
import { createRng } from "./random.ts";

Deno.test("createRng() repeats its sequence for a seed and differs across seeds", () => {
  const a = createRng(7), b = createRng(7), c = createRng(8);
  const sa = Array.from({ length: 5 }, () => a.next());
  assertEquals(sa, Array.from({ length: 5 }, () => b.next()));
  assert(sa.some((v, i) => v !== Array.from({ length: 5 }, () => c.next())[i]));
});

Deno.test("createRng() draws have the right ranges and moments", () => {
  const rng = createRng(1);
  const n = 20000;
  let sum = 0, sq = 0;
  for (let i = 0; i < n; i++) {
    const v = rng.normal();
    sum += v;
    sq += v * v;
  }
  assertAlmostEquals(sum / n, 0, 0.03, "normal mean");
  assertAlmostEquals(sq / n, 1, 0.05, "normal variance");
  for (let i = 0; i < 1000; i++) {
    const k = rng.int(2, 4);
    assert(k >= 2 && k <= 4 && Number.isInteger(k), `int out of range: ${k}`);
  }
  const counts = [0, 0];
  for (let i = 0; i < 4000; i++) counts[rng.pick([0, 1], [3, 1])]++;
  assertAlmostEquals(counts[0] / 4000, 0.75, 0.03, "weighted pick");
});

Deno.test("shuffle() permutes without losing items", () => {
  const items = [...Array(50).keys()];
  const shuffled = createRng(3).shuffle([...items]);
  assertEquals([...shuffled].sort((a, b) => a - b), items);
  assert(shuffled.some((v, i) => v !== i), "order changed");
});
