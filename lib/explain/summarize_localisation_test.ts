import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { summarizeLocalisation } from "./summarize_localisation.ts";

const random = (p: number) => ({ pointing: p, pointingTolerant: 2 * p, energy: p });

Deno.test("summarizeLocalisation() counts hits, averages energy over non-empty maps and the random baseline", () => {
  const s = summarizeLocalisation([
    { label: 1, hit: true, hitTolerant: true, energy: 0.5, random: random(0.1) },
    { label: 1, hit: false, hitTolerant: true, energy: 0.3, random: random(0.2) },
    { label: 2, hit: false, hitTolerant: false, energy: NaN, random: random(0.3) },
  ], ["Healthy", "Herniated disk", "Spinal stenosis"]);
  assertEquals(s.n, 3);
  assertEquals(s.pointingHits, 1);
  assertEquals(s.pointingTolerantHits, 2);
  assertAlmostEquals(s.pointing!, 1 / 3, 1e-12);
  assertAlmostEquals(s.pointingTolerant!, 2 / 3, 1e-12);
  assertAlmostEquals(s.energy!, 0.4, 1e-12, "the all-zero map is left out of the mean");
  assertEquals(s.emptyMaps, 1);
  assertAlmostEquals(s.random!.pointing, 0.2, 1e-12);
  assertAlmostEquals(s.random!.pointingTolerant, 0.4, 1e-12);
  assertEquals(Object.keys(s.byClass), ["Herniated disk", "Spinal stenosis"], "classes without images left out");
  assertEquals(s.byClass["Herniated disk"].pointing, 0.5);
  assertEquals(s.byClass["Spinal stenosis"].energy, null, "only an empty map: no energy");
  assertEquals(s.byClass["Spinal stenosis"].emptyMaps, 1);
});

Deno.test("summarizeLocalisation() gives nulls for no image and rejects unknown labels", () => {
  const s = summarizeLocalisation([], ["a", "b"]);
  assertEquals([s.n, s.pointing, s.pointingTolerant, s.energy, s.random], [0, null, null, null, null]);
  assertEquals(s.byClass, {});
  assertThrows(
    () => summarizeLocalisation([{ label: 2, hit: true, hitTolerant: true, energy: 1, random: random(0) }], ["a", "b"]),
    RangeError,
    "Received: 2",
  );
});
