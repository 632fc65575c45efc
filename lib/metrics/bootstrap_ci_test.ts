import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "../../tests/assert.ts";
import { createRng } from "../random.ts";
import { accuracy } from "./accuracy.ts";
import { bootstrapCi } from "./bootstrap_ci.ts";
import { macroF1 } from "./macro_f1.ts";

/** n samples over 3 classes, each predicted right with probability `skill`. */
function noisyClassifier(n: number, skill: number, seed: number): [number[], number[]] {
  const rng = createRng(seed);
  const yTrue = Array.from({ length: n }, () => rng.int(0, 2));
  const yPred = yTrue.map((t) => (rng.next() < skill ? t : (t + rng.int(1, 2)) % 3));
  return [yTrue, yPred];
}

Deno.test("bootstrapCi() repeats for a seed and changes with it", () => {
  const [t, p] = noisyClassifier(80, 0.7, 1);
  const a = bootstrapCi(t, p, accuracy, { seed: 5, iterations: 500 });
  assertEquals(bootstrapCi(t, p, accuracy, { seed: 5, iterations: 500 }), a);
  // Record the resamples themselves: the same seed draws the same ones, another seed others.
  const drawn = (seed: number) => {
    const seen: string[] = [];
    bootstrapCi(t, p, (rt, rp) => (seen.push(`${rt}|${rp}`), accuracy(rt, rp)), { seed, iterations: 20 });
    return seen.slice(0, 20); // then the estimate, on the full sample
  };
  assertEquals(drawn(5), drawn(5));
  assert(drawn(5).every((s, i) => s !== drawn(6)[i]), "another seed draws other resamples");
  assertEquals(a.iterations, 500);
  assertEquals(a.confidence, 0.95);
});

Deno.test("bootstrapCi() interval contains the estimate and narrows with more samples", () => {
  const [ts, ps] = noisyClassifier(60, 0.75, 2);
  const [tl, pl] = noisyClassifier(3000, 0.75, 3);
  const small = bootstrapCi(ts, ps, accuracy, { seed: 1, iterations: 1000 });
  const large = bootstrapCi(tl, pl, accuracy, { seed: 1, iterations: 1000 });
  for (const ci of [small, large]) {
    assertEquals(ci.estimate, accuracy(ci === small ? ts : tl, ci === small ? ps : pl));
    assert(ci.low <= ci.estimate && ci.estimate <= ci.high, JSON.stringify(ci));
    assertLess(ci.low, ci.high);
  }
  assertLess((large.high - large.low) * 3, small.high - small.low);
  // Binomial standard error at n=3000 is about 0.008: a 95% interval about 0.03 wide.
  assertAlmostEquals(large.high - large.low, 2 * 1.96 * Math.sqrt(0.75 * 0.25 / 3000), 0.008);
  const narrow = bootstrapCi(ts, ps, accuracy, { seed: 1, iterations: 1000, confidence: 0.5 });
  assert(narrow.low >= small.low && narrow.high <= small.high, "a lower confidence gives a narrower interval");
});

Deno.test("bootstrapCi() is [1, 1] for a perfect classifier", () => {
  const y = [0, 1, 2, 2, 1, 0, 0, 1, 2, 0];
  assertEquals(bootstrapCi(y, y, accuracy, { seed: 3 }), {
    estimate: 1,
    low: 1,
    high: 1,
    confidence: 0.95,
    iterations: 2000,
    units: 10,
  });
  const f1 = bootstrapCi(y, y, (t, p) => macroF1(t, p), { seed: 3, iterations: 300 });
  assertEquals([f1.low, f1.high], [1, 1]);
});

Deno.test("bootstrapCi() skips resamples where the metric is not finite", () => {
  // "Recall of class 1" is undefined on resamples that miss class 1.
  const recall1 = (t: readonly number[], p: readonly number[]) => {
    const idx = t.flatMap((v, i) => (v === 1 ? [i] : []));
    return idx.length === 0 ? NaN : idx.filter((i) => p[i] === 1).length / idx.length;
  };
  const ci = bootstrapCi([0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 1], recall1, { seed: 4, iterations: 400 });
  assertLess(ci.iterations, 400);
  assert(ci.iterations > 0);
  assertEquals([ci.low, ci.high], [1, 1]);
  assertThrows(() => bootstrapCi([0], [0], () => NaN, { iterations: 3 }), RangeError, "not finite");
});

Deno.test("bootstrapCi() rejects bad input and options", () => {
  assertThrows(() => bootstrapCi([], [], accuracy), RangeError, "at least one sample");
  assertThrows(() => bootstrapCi([0], [0, 1], accuracy), RangeError, "differ in length");
  assertThrows(() => bootstrapCi([0], [0], accuracy, { iterations: 0 }), RangeError, "iterations=0");
  assertThrows(() => bootstrapCi([0], [0], accuracy, { confidence: 1 }), RangeError, "confidence=1");
});

Deno.test("bootstrapCi() with groups resamples whole patients, and widens when a patient's slices agree", () => {
  // 12 patients with 5 slices each; a patient's slices are all right or all wrong (as correlated slices are).
  const yTrue: number[] = [], yPred: number[] = [], patients: string[] = [];
  const rng = createRng(4);
  for (let pt = 0; pt < 12; pt++) {
    const right = rng.next() < 0.6;
    for (let s = 0; s < 5; s++) {
      const t = rng.int(0, 2);
      yTrue.push(t);
      yPred.push(right ? t : (t + 1) % 3);
      patients.push(`p${pt}`);
    }
  }
  const bySlice = bootstrapCi(yTrue, yPred, accuracy, { seed: 2, iterations: 2000 });
  const byPatient = bootstrapCi(yTrue, yPred, accuracy, { seed: 2, iterations: 2000, groups: patients });
  assertEquals(bySlice.units, 60);
  assertEquals(byPatient.units, 12);
  assertEquals(byPatient.estimate, bySlice.estimate);
  assertLess(bySlice.high - bySlice.low, byPatient.high - byPatient.low, "patients give the wider, honest interval");
  // Every resample keeps each drawn patient whole: its size is a multiple of 5.
  const sizes = new Set<number>();
  bootstrapCi(yTrue, yPred, (t, p) => (sizes.add(t.length % 5), accuracy(t, p)), {
    seed: 2,
    iterations: 50,
    groups: patients,
  });
  assertEquals([...sizes], [0]);
  assertThrows(() => bootstrapCi([0, 1], [0, 1], accuracy, { groups: ["a"] }), RangeError, "one group per sample");
});
