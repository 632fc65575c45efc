import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createAugmentation, DEFAULT_AUGMENT_OPTIONS } from "./create_augmentation.ts";
import { maxAbsDiff, randomBatch } from "./test_util.ts";

const STRONG = { zoom: [0.8, 1.3], rotation: 45, flip: 0.5, contrast: [0.3, 3] } as const;

Deno.test("createAugmentation() gives the same batch for a seed and another for another seed", async () => {
  await initBackend("wasm");
  const x = randomBatch([4, 32, 32, 1], 1);
  const augment = createAugmentation(STRONG);
  const a = augment.apply(x, 42), b = augment.apply(x, 42), c = augment.apply(x, 43);
  assertEquals(maxAbsDiff(a, b), 0);
  assert(maxAbsDiff(a, c) > 0.05, "another seed changes the batch");
  assert(maxAbsDiff(a, x) > 0.05, "the batch is augmented");
  tf.dispose([x, a, b, c]);
});

Deno.test("createAugmentation() with every range at its no-op value returns the batch unchanged", async () => {
  await initBackend("wasm");
  const x = randomBatch([3, 16, 16, 3], 2);
  const out = createAugmentation({ zoom: 0, rotation: 0, flip: 0, contrast: 0 }).apply(x, 7);
  assertEquals(maxAbsDiff(out, x), 0);
  tf.dispose([x, out]);
});

Deno.test("createAugmentation() keeps values in [0, 1], draws per image and leaks no tensors", async () => {
  await initBackend("wasm");
  const one = randomBatch([1, 32, 32, 3], 3);
  const x = tf.tidy(() => tf.tile(one, [6, 1, 1, 1]) as tf.Tensor4D);
  const before = tf.memory().numTensors;
  const augment = createAugmentation(STRONG);
  for (const seed of [1, 2, 3]) {
    const out = augment.apply(x, seed);
    const [lo, hi] = tf.tidy(() => [tf.min(out).dataSync()[0], tf.max(out).dataSync()[0]]);
    assert(lo >= 0 && hi <= 1, `values in [0, 1]: [${lo}, ${hi}]`);
    const imgs = tf.unstack(out);
    assert(maxAbsDiff(imgs[0], imgs[1]) > 0.05, "images of one batch differ");
    tf.dispose([out, ...imgs]);
  }
  assertEquals(tf.memory().numTensors, before);
  tf.dispose([one, x]);
});

Deno.test("createAugmentation() fills in defaults and rejects bad options", () => {
  const augment = createAugmentation({ rotation: 15, contrast: 0.25 });
  assertEquals(augment.options, { ...DEFAULT_AUGMENT_OPTIONS, rotation: [-15, 15], contrast: [0.75, 1.25] });
  assertEquals(augment.transforms.map((t) => t.name), ["randomAffine", "randomFlip", "randomContrast"]);
  assertThrows(() => createAugmentation({ flip: -1 }), RangeError, "probability=-1");
  assertThrows(() => createAugmentation({ zoom: [1, 0.9] }), RangeError, "zoom=[1,0.9]");
});
