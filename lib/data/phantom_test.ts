import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { CLASSES, generatePhantom } from "./phantom.ts";

Deno.test("generatePhantom() is deterministic for a seed", () => {
  const a = generatePhantom({ perClass: 3, size: 48, seed: 9 });
  const b = generatePhantom({ perClass: 3, size: 48, seed: 9 });
  const c = generatePhantom({ perClass: 3, size: 48, seed: 10 });
  assertEquals(a.length, 12);
  assert(a.every((it, i) => it.image.every((v, j) => v === b[i].image[j])), "same seed, same pixels");
  assert(a.some((it, i) => it.image.some((v, j) => v !== c[i].image[j])), "other seed, other pixels");
});

Deno.test("generatePhantom() images are in [0,1] with masks only on abnormal classes", () => {
  const items = generatePhantom({ perClass: 6, size: 64, seed: 1, difficulty: 0.3 });
  for (const it of items) {
    assertEquals(it.image.length, 64 * 64);
    assert(it.image.every((v) => v >= 0 && v <= 1), "intensities in [0,1]");
    const lesionPixels = it.mask.reduce((s, v) => s + v, 0);
    if (it.className === "Healthy") assertEquals(lesionPixels, 0, "healthy mask is empty");
    else assert(lesionPixels > 0, `${it.className} ${it.patientId}/${it.slice} has a lesion mask`);
    assertEquals(it.className, CLASSES[it.label]);
  }
});

Deno.test("generatePhantom() gives each patient several slices and ids that do not reveal the class", () => {
  const items = generatePhantom({ perClass: 9, size: 40, slicesPerPatient: 3 });
  const byPatient = new Map<string, number[]>();
  for (const it of items) byPatient.set(it.patientId, [...(byPatient.get(it.patientId) ?? []), it.label]);
  assertEquals(byPatient.size, 12);
  for (const labels of byPatient.values()) {
    assertEquals(labels.length, 3);
    assert(labels.every((l) => l === labels[0]), "one diagnosis per patient");
  }
  // Sorted ids must not come out grouped by class.
  const ordered = [...byPatient.keys()].sort().map((id) => byPatient.get(id)![0]);
  assert(ordered.some((l, i) => i > 0 && l < ordered[i - 1]), "ids are not in class order");
});

Deno.test("generatePhantom() lesions sit at the expected levels", () => {
  const items = generatePhantom({ perClass: 30, size: 40, slicesPerPatient: 1, seed: 3 });
  const herniated = items.filter((i) => i.className === "Herniated disk");
  const low = herniated.filter((i) => i.lesionLevels[0] === "L4/L5" || i.lesionLevels[0] === "L5/S1").length;
  assert(low / herniated.length >= 0.7, `herniations mostly at L4/L5 or L5/S1: ${low}/${herniated.length}`);
  for (const it of items.filter((i) => i.className === "Spondylosis")) {
    assert(it.lesionLevels.length >= 2, "spondylosis at 2 or more levels");
  }
  for (const it of items.filter((i) => i.className === "Spinal stenosis")) {
    assert(it.lesionLevels.length >= 1 && it.lesionLevels.length <= 2, "stenosis at 1-2 levels");
  }
});

Deno.test("generatePhantom() class weights make imbalance", () => {
  const items = generatePhantom({ perClass: 8, size: 32, slicesPerPatient: 2, classWeights: [1, 0.5, 0.25, 0] });
  const counts = CLASSES.map((_, l) => items.filter((i) => i.label === l).length);
  assertEquals(counts, [8, 4, 2, 0]);
});

Deno.test("generatePhantom() rejects bad options with the value", () => {
  assertThrows(() => generatePhantom({ size: 10 }), RangeError, "size=10");
  assertThrows(() => generatePhantom({ difficulty: 2 }), RangeError, "difficulty=2");
  assertThrows(() => generatePhantom({ classWeights: [1, 2] }), RangeError, "classWeights");
});
