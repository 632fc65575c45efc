import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { findPatientLeaks, readSplit, splitByPatient, splitWarnings, writeSplit } from "./split.ts";

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

Deno.test("splitByPatient({ by: 'image' }) splits images independently, and leaks patients", () => {
  const split = splitByPatient(items, { seed: 1, by: "image" });
  assertEquals(split.train.length + split.val.length + split.test.length, items.length);
  assert(findPatientLeaks(items, split).length > 0, "the naive split leaks patients, as it should show");
});

Deno.test("splitWarnings() names a class too small to reach every split", () => {
  const few = [...items, { label: 9, patientId: "lonely" }];
  const split = splitByPatient(few, { seed: 1 });
  const warnings = splitWarnings(few, split, undefined);
  assertEquals(warnings.length, 1);
  assert(warnings[0].includes('"9"') && warnings[0].includes("1 patient"), warnings[0]);
});

Deno.test("writeSplit()/readSplit() round-trip by path and reject unknown paths", async () => {
  const paths = items.map((_, i) => `img${i}.png`);
  const split = splitByPatient(items, { seed: 3 });
  const dir = await Deno.makeTempDir();
  try {
    await writeSplit(`${dir}/split.json`, paths, split, { seed: 3 });
    assertEquals(await readSplit(`${dir}/split.json`, paths), split);
    let message = "";
    try {
      await readSplit(`${dir}/split.json`, paths.slice(1));
    } catch (e) {
      message = (e as Error).message;
    }
    assert(message.includes("img0.png") && message.includes("split.json"), message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
