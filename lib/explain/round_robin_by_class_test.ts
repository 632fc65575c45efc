import { assertEquals } from "../../tests/assert.ts";
import { roundRobinByClass } from "./round_robin_by_class.ts";

Deno.test("roundRobinByClass() takes the classes in turn and keeps each class's order", () => {
  assertEquals(roundRobinByClass([0, 0, 1, 1, 2]), [0, 2, 4, 1, 3]);
  assertEquals(roundRobinByClass([3, 1, 3, 3, 1]), [1, 0, 4, 2, 3], "classes in index order");
  assertEquals(roundRobinByClass([]), []);
  const labels = [2, 2, 2, 0, 1, 1, 0, 2];
  assertEquals([...roundRobinByClass(labels)].sort((a, b) => a - b), labels.map((_, i) => i), "a permutation");
});
