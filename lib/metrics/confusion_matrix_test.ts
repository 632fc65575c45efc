import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { confusionMatrix } from "./confusion_matrix.ts";

Deno.test("confusionMatrix() counts true rows against predicted columns", () => {
  assertEquals(confusionMatrix([0, 1, 2, 2, 1], [0, 2, 2, 1, 1], 3), [[1, 0, 0], [0, 1, 1], [0, 1, 1]]);
  assertEquals(confusionMatrix([], [], 2), [[0, 0], [0, 0]]);
});

Deno.test("confusionMatrix() rejects mismatched lengths and out-of-range classes", () => {
  assertThrows(() => confusionMatrix([0], [0, 1], 2), RangeError, "differ in length");
  assertThrows(() => confusionMatrix([0, 3], [0, 1], 2), RangeError, "position 1");
});
