import { assertEquals, assertRejects, assertThrows } from "../../tests/assert.ts";
import { DatasetError } from "./dataset.ts";
import { compileClassMap, keypointClass, readClassMap, TIANCHI_CLASS_MAP } from "./keypoint_classes.ts";

Deno.test("keypointClass() merges labels, ignoring case and separators", () => {
  const map = compileClassMap({ bulge: "Bulge", protrusion: "Herniated disk", "Extrusion": "Herniated disk" });
  assertEquals(map.classes, ["Bulge", "Herniated disk"]);
  assertEquals(keypointClass({ label: "PROTRUSION" }, map), { className: "Herniated disk" });
  assertEquals(keypointClass({ label: "extrusion", level: "L4-L5" }, map), { className: "Herniated disk" });
  assertEquals(keypointClass({ label: " Bulge " }, map), { className: "Bulge" });
});

Deno.test("keypointClass() prefers a key qualified by the level's kind", () => {
  const map = compileClassMap(TIANCHI_CLASS_MAP);
  assertEquals(keypointClass({ label: "normal", level: "L4-L5" }, map), { className: "Normal" });
  assertEquals(keypointClass({ label: "normal", level: "L4" }, map), { className: "Normal vertebra" });
  assertEquals(keypointClass({ label: "normal" }, map), { className: "Normal" }, "no level: the plain key");
  assertEquals(keypointClass({ label: "degeneration", level: "L2" }, map), { className: "Degenerated vertebra" });
});

Deno.test("keypointClass() gives a reason for labels the map does not cover, and reads multi-finding labels", () => {
  const map = compileClassMap(TIANCHI_CLASS_MAP);
  const r = keypointClass({ label: "schmorl node", level: "L1-L2" }, map);
  assertEquals(r, { reason: 'label "schmorl node" (disc) is not in the class map' });
  assertEquals(keypointClass({ label: "schmorl node,bulge", level: "L1-L2" }, map), { className: "Bulge" });
  assertEquals(keypointClass({ label: "degeneration", level: "L1-L2" }, map), {
    reason: 'label "degeneration" (disc) is not in the class map',
  });
});

Deno.test("compileClassMap() rejects empty classes and unknown qualifiers", () => {
  assertThrows(() => compileClassMap({ bulge: "" }), DatasetError, 'class of "bulge"');
  assertThrows(() => compileClassMap({ "disk:bulge": "Bulge" }), DatasetError, "Valid qualifiers are: disc, vertebra");
});

Deno.test("readClassMap() reads inline JSON or a file, and names bad input", async () => {
  assertEquals(await readClassMap('{"v2": "Bulge"}'), { v2: "Bulge" });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/map.json`, '{"protrusion": "Herniated disk"}');
    assertEquals(await readClassMap(`${dir}/map.json`), { protrusion: "Herniated disk" });
    await assertRejects(() => readClassMap(`${dir}/missing.json`), DatasetError, "missing.json");
    await assertRejects(() => readClassMap('{"a": 3}'), DatasetError, 'class of "a"');
    await assertRejects(() => readClassMap("{[1]}"), DatasetError, "not JSON");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
