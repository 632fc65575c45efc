import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { stratifiedGroupKFold } from "./stratified_group_k_fold.ts";

Deno.test("stratifiedGroupKFold() keeps every group in one fold and balances the classes", () => {
  // 12 patients, 3 slices each; classes by patient: 0,1,2,0,1,2,...
  const groups: string[] = [], y: number[] = [];
  for (let p = 0; p < 12; p++) for (let s = 0; s < 3; s++) (groups.push(`p${p}`), y.push(p % 3));
  const folds = stratifiedGroupKFold(y, groups, 4, 7);
  assertEquals(folds.length, 4);
  const seen = new Array<number>(y.length).fill(0);
  for (const f of folds) {
    for (const i of f.test) seen[i]++;
    const testGroups = new Set(f.test.map((i) => groups[i]));
    assert(f.train.every((i) => !testGroups.has(groups[i])), "no patient on both sides");
    assertEquals(f.test.length + f.train.length, y.length);
    // 12 patients, 4 per class, 4 folds: one patient of each class per fold.
    assertEquals([0, 1, 2].map((c) => f.test.filter((i) => y[i] === c).length), [3, 3, 3]);
  }
  assertEquals(seen, y.map(() => 1), "each sample in exactly one test fold");
  assertEquals(stratifiedGroupKFold(y, groups, 4, 7), folds, "seeded");
});

Deno.test("stratifiedGroupKFold() refuses fewer groups than folds", () => {
  assertThrows(() => stratifiedGroupKFold([0, 1, 0], ["a", "a", "b"], 3), RangeError, "at least 3 groups");
  assertThrows(() => stratifiedGroupKFold([0, 1], ["a"], 2), RangeError, "groups has 1");
});
