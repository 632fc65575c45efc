import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { confusionMatrix } from "./confusion_matrix.ts";
import { mostConfusedPairs } from "./most_confused_pairs.ts";

const LABELS = ["normal", "herniation", "stenosis"];
const MATRIX = [
  [10, 3, 0],
  [1, 6, 3],
  [4, 0, 2],
];

Deno.test("mostConfusedPairs() lists off-diagonal cells by count with the row rate", () => {
  const pairs = mostConfusedPairs(MATRIX, LABELS);
  assertEquals(pairs.map((p) => [p.trueLabel, p.predLabel, p.count]), [
    ["stenosis", "normal", 4],
    ["normal", "herniation", 3],
    ["herniation", "stenosis", 3],
    ["herniation", "normal", 1],
  ]);
  assertEquals(pairs[0], {
    trueLabel: "stenosis",
    predLabel: "normal",
    trueIndex: 2,
    predIndex: 0,
    count: 4,
    rate: 4 / 6,
  });
  assertEquals(pairs[1].rate, 3 / 13);
});

Deno.test("mostConfusedPairs() keeps row-major order for equal counts and honours top", () => {
  assertEquals(mostConfusedPairs(MATRIX, LABELS, 2).map((p) => p.count), [4, 3]);
  assertEquals(mostConfusedPairs(MATRIX, LABELS, 2)[1].trueLabel, "normal");
  assertEquals(mostConfusedPairs(MATRIX, LABELS, 0), []);
  assertEquals(mostConfusedPairs(MATRIX, LABELS, Infinity).length, 4);
});

Deno.test("mostConfusedPairs() returns nothing for a perfect classifier", () => {
  assertEquals(mostConfusedPairs(confusionMatrix([0, 1, 2], [0, 1, 2], 3), LABELS), []);
});

Deno.test("mostConfusedPairs() rejects a matrix that does not fit the labels and a bad top", () => {
  assertThrows(() => mostConfusedPairs(MATRIX, ["a", "b"]), RangeError, "3 rows but there are 2 labels");
  assertThrows(() => mostConfusedPairs([[1, 2], [3]], ["a", "b"]), RangeError, "not square");
  assertThrows(() => mostConfusedPairs([[1, -2], [3, 4]], ["a", "b"]), RangeError, "matrix[0][1]");
  assertThrows(() => mostConfusedPairs(MATRIX, LABELS, -1), RangeError, "top=-1");
});
