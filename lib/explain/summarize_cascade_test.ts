import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { summarizeCascade } from "./summarize_cascade.ts";
import type { SanityCheckCascadeResult } from "./sanity_check_cascade.ts";

function cascade(original: number[], spearmans: number[], layers = ["predictions", "conv2", "conv1"]) {
  return {
    classIndex: 0,
    original: Float32Array.from(original),
    steps: layers.map((layer, k) => ({ layer, spearman: spearmans[k] })),
  } satisfies SanityCheckCascadeResult;
}

Deno.test("summarizeCascade() averages per step, counts a constant randomised map as 0 and passes below 0.5", () => {
  const s = summarizeCascade([cascade([0, 1, 2], [0.9, 0.5, 0.2]), cascade([2, 1, 0], [0.7, NaN, 0.4])]);
  assertEquals(s.layers, ["predictions", "conv2", "conv1"]);
  assertEquals(s.images, 2);
  assertAlmostEquals(s.meanSpearman[0], 0.8, 1e-12);
  assertAlmostEquals(s.meanSpearman[1], 0.25, 1e-12, "NaN (a constant map) counts as no similarity");
  assertAlmostEquals(s.final!, 0.3, 1e-12);
  assertEquals(s.passed, true);
  assertEquals(s.threshold, 0.5);
  assertEquals(s.verdict.startsWith("pass"), true, s.verdict);
  assertEquals(s.layersWithWeights, 3);
});

Deno.test("summarizeCascade() fails maps that stay similar, and leaves out constant originals", () => {
  const s = summarizeCascade([cascade([1, 1, 1], [NaN, NaN, NaN]), cascade([0, 1, 2], [0.95, 0.9, 0.8])], {
    threshold: 0.5,
    layersWithWeights: 10,
  });
  assertEquals(s.images, 1);
  assertEquals(s.constantOriginal, 1);
  assertAlmostEquals(s.final!, 0.8, 1e-12);
  assertEquals(s.passed, false);
  assertEquals(s.verdict.startsWith("FAIL"), true, s.verdict);
  assertEquals(s.layersWithWeights, 10);
});

Deno.test("summarizeCascade() says when nothing could be measured, and rejects mixed cascades", () => {
  const none = summarizeCascade([]);
  assertEquals([none.passed, none.final, none.images], [null, null, 0]);
  const constant = summarizeCascade([cascade([0, 0, 0], [NaN, NaN, NaN])]);
  assertEquals(constant.passed, null);
  assertEquals(constant.meanSpearman, [0, 0, 0]);
  assertEquals(constant.verdict.startsWith("not measured"), true);
  assertThrows(
    () => summarizeCascade([cascade([0, 1], [0, 0, 0]), cascade([0, 1], [0, 0], ["predictions", "conv1"])]),
    RangeError,
    "different layers",
  );
});

Deno.test("summarizeCascade() names what randomising the classifier alone did", () => {
  const s = summarizeCascade([cascade([0, 1, 2], [0.1, 0.4, 0.7])]);
  assertEquals(s.passed, false);
  assertEquals(
    s.verdict,
    "FAIL: the maps stay similar with random weights (mean rank correlation 0.70 >= 0.5 after the last step; " +
      "after randomising predictions alone: 0.10): they show the input, not what the model learned",
  );
});
