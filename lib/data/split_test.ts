import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { findPatientLeaks, splitByPatient } from "./split.ts";

// 100 patients with 2 slices each, 25 patients per class.
const items = Array.from(
  { length: 200 },
  (_, i) => ({ label: Math.floor(i / 50), patientId: `p${Math.floor(i / 2)}` }),
);

Deno.test("splitByPatient() keeps every patient in one split, stratified 80:10:10", () => {
  const split = splitByPatient(items, { seed: 1 });
  assertEquals(findPatientLeaks(items, split), []);
  assertEquals(split.train.length + split.val.length + split.test.length, items.length);
  assertEquals(new Set([...split.train, ...split.val, ...split.test]).size, items.length);
  for (let label = 0; label < 4; label++) {
    const count = (idx: number[]) => idx.filter((i) => items[i].label === label).length;
    // 25 patients: 20 train, and the 5 left shared by val and test (2.5 each).
    assertEquals(count(split.train), 40, `class ${label} train slices`);
    assert(count(split.val) >= 4 && count(split.test) >= 4, `class ${label} reaches val and test`);
    assert(Math.abs(count(split.train) / 50 - 0.8) <= 0.08, `class ${label} train share`);
  }
});

Deno.test("splitByPatient() gives val and test a patient of each class from three patients up", () => {
  const three = Array.from({ length: 9 }, (_, i) => ({ label: Math.floor(i / 3), patientId: `q${i}` }));
  const split = splitByPatient(three, { seed: 2 });
  for (let label = 0; label < 3; label++) {
    for (const key of ["train", "val", "test"] as const) {
      assertEquals(split[key].filter((i) => three[i].label === label).length, 1, `class ${label} in ${key}`);
    }
  }
});

Deno.test("splitByPatient() depends on the seed only", () => {
  assertEquals(splitByPatient(items, { seed: 5 }), splitByPatient(items, { seed: 5 }));
  assert(JSON.stringify(splitByPatient(items, { seed: 5 })) !== JSON.stringify(splitByPatient(items, { seed: 6 })));
});

Deno.test("findPatientLeaks() reports a patient in two splits", () => {
  const leaks = findPatientLeaks(items, { train: [0], val: [1], test: [] });
  assertEquals(leaks, [{ patientId: "p0", splits: ["train", "val"] }]);
});

Deno.test("splitByPatient() rejects ratios that do not sum to 1", () => {
  assertThrows(() => splitByPatient(items, { ratios: [0.5, 0.2, 0.2] }), RangeError, "0.5, 0.2, 0.2");
});
