import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { resolveImageIds } from "./resolve_image_ids.ts";

const IDS = [
  "phantom:0",
  "phantom:1",
  "data/set/healthy/a.png",
  "data/set/herniated/a.png",
  "data/set/herniated/b.png",
];

Deno.test("resolveImageIds() matches ids, path suffixes and absolute paths", () => {
  assertEquals(resolveImageIds(IDS, ["phantom:1", "phantom:0"]), [1, 0]);
  assertEquals(resolveImageIds(IDS, ["herniated/b.png", "./healthy/a.png"]), [4, 2]);
  assertEquals(resolveImageIds(IDS, [`${Deno.cwd()}/data/set/herniated/a.png`]), [3]);
  assertEquals(resolveImageIds(IDS, ["phantom:1", "phantom:1"]), [1], "duplicates once");
});

Deno.test("resolveImageIds() names every reference that matches nothing or several images", () => {
  assertThrows(
    () => resolveImageIds(IDS, ["phantom:9", "a.png", "phantom:0"]),
    RangeError,
    '"phantom:9" matches no image; "a.png" matches 2 images',
  );
});
