import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import {
  type MetaLearner,
  type SplitProbabilities,
  stackEnsemble,
  stackingFeatures,
  StackingLeakError,
} from "./stacking.ts";

/** Two members on a 2-class problem: member 0 is reliable, member 1 says the opposite. */
function splitOf(prefix: string, labels: number[]): SplitProbabilities {
  return {
    ids: labels.map((_, i) => `${prefix}:${i}`),
    labels,
    probs: [
      labels.map((c) => (c === 0 ? [0.8, 0.2] : [0.3, 0.7])),
      labels.map((c) => (c === 0 ? [0.1, 0.9] : [0.9, 0.1])),
    ],
  };
}

/** A meta-learner that records what it is fitted on. */
class Recorder implements MetaLearner {
  seen: number[][] = [];
  labels: number[] = [];
  fit(X: number[][], y: number[]) {
    this.seen = X;
    this.labels = y;
  }
  predictProba(X: number[][]): number[][] {
    return X.map(() => [0.5, 0.5]);
  }
  toJSON() {
    return {};
  }
}

Deno.test("stackingFeatures() joins each image's member probabilities", () => {
  assertEquals(stackingFeatures([[[0.9, 0.1], [0.2, 0.8]], [[0.3, 0.7], [0.6, 0.4]]]), [[0.9, 0.1, 0.3, 0.7], [
    0.2,
    0.8,
    0.6,
    0.4,
  ]]);
});

Deno.test("stackEnsemble() fits the meta-learner on validation only, never on a test image", () => {
  const val = splitOf("val", [0, 1, 0, 1, 0, 1]);
  const test = splitOf("test", [1, 1, 0, 0]);
  test.labels = [9, 9, 9, 9]; // test labels must not matter
  const spy = new Recorder();
  const r = stackEnsemble(val, test, { meta: spy });
  assertEquals(spy.seen, stackingFeatures(val.probs), "fitted on exactly the validation rows");
  assertEquals(spy.labels, val.labels);
  assertEquals(r.trainedOn, val.ids);
  assert(r.trainedOn.every((id) => !test.ids.includes(id)), "no test id in the training set");
  assertEquals(r.probs.length, 4);
  assertEquals(r.metaName, "custom");
});

Deno.test("stackEnsemble() refuses validation and test that share an image", () => {
  const val = splitOf("x", [0, 1, 0, 1]);
  const test = splitOf("x", [0, 1]);
  assertThrows(() => stackEnsemble(val, test), StackingLeakError, "would train on 2 test image(s)");
});

Deno.test("stackEnsemble() with the logistic or SVM meta-learner learns to trust the reliable member", () => {
  const val = splitOf("val", [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  const test = splitOf("test", [1, 0, 0, 1, 1]);
  for (const meta of ["lr", "svm"] as const) {
    const r = stackEnsemble(val, test, { meta, C: 10 });
    assertEquals(r.probs.map((p) => p.indexOf(Math.max(...p))), test.labels, meta);
    r.probs.forEach((p) => assert(Math.abs(p[0] + p[1] - 1) < 1e-9, `${meta} sums to 1`));
    assertEquals(r.trainedOn.length, 12);
  }
});
