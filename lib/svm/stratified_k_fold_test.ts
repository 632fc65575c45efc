import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { stratifiedKFold } from "./stratified_k_fold.ts";

function labels(counts: Record<number, number>): number[] {
  const y: number[] = [];
  for (const [label, n] of Object.entries(counts)) for (let i = 0; i < n; i++) y.push(Number(label));
  // Interleave so classes are not contiguous.
  return y.map((v, i) => [v, (i * 7919) % y.length] as const).sort((a, b) => a[1] - b[1]).map(([v]) => v);
}

Deno.test("stratifiedKFold() puts every sample in exactly one test fold", () => {
  const y = labels({ 0: 23, 1: 11, 2: 6 });
  const folds = stratifiedKFold(y, 5, 3);
  assertEquals(folds.length, 5);
  const seen = new Array<number>(y.length).fill(0);
  for (const { train, test } of folds) {
    for (const i of test) seen[i]++;
    assertEquals([...train, ...test].sort((a, b) => a - b), y.map((_, i) => i), "train ∪ test is everything");
    assert(test.every((i) => !train.includes(i)), "train and test are disjoint");
    assertEquals(test, [...test].sort((a, b) => a - b), "indices ascending");
  }
  assertEquals(seen, new Array<number>(y.length).fill(1));
});

Deno.test("stratifiedKFold() preserves class proportions", () => {
  const counts = { 0: 23, 1: 11, 2: 6 };
  const y = labels(counts);
  const k = 5;
  const sizes = stratifiedKFold(y, k, 11).map(({ test }) => {
    for (const [label, n] of Object.entries(counts)) {
      const m = test.filter((i) => y[i] === Number(label)).length;
      assert(m === Math.floor(n / k) || m === Math.ceil(n / k), `class ${label}: ${m} of ${n} in a fold`);
    }
    return test.length;
  });
  assert(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes}`);
});

Deno.test("stratifiedKFold() is reproducible from its seed and shuffles with it", () => {
  const y = labels({ 0: 30, 1: 30 });
  assertEquals(stratifiedKFold(y, 4, 7), stratifiedKFold(y, 4, 7));
  assert(JSON.stringify(stratifiedKFold(y, 4, 7)) !== JSON.stringify(stratifiedKFold(y, 4, 8)), "seeds differ");
});

Deno.test("stratifiedKFold() handles a class smaller than k", () => {
  const y = [0, 0, 0, 0, 0, 0, 1, 1];
  const folds = stratifiedKFold(y, 4, 0);
  assertEquals(folds.filter(({ test }) => test.some((i) => y[i] === 1)).length, 2);
  assert(folds.every(({ test }) => test.length === 2), "equal folds");
});

Deno.test("stratifiedKFold() rejects bad k and labels", () => {
  assertThrows(() => stratifiedKFold([0, 1, 0, 1], 1), RangeError, "at least 2");
  assertThrows(() => stratifiedKFold([0, 1, 0, 1], 5), RangeError, "at least 5 samples");
  assertThrows(() => stratifiedKFold([0, 1, NaN, 1], 2), RangeError, "y[2]");
});
