import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertLess, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createModel } from "../models/mod.ts";
import { ExplainError } from "./explain_error.ts";
import { featureGradients } from "./feature_gradients.ts";
import { gradCam } from "./grad_cam.ts";
import { gradCamPlusPlus } from "./grad_cam_plus_plus.ts";
import { gapModel, maxAbsDiff, randomImage } from "./test_util.ts";

/** The input of the "predictions" layer: features for a Dense head, logits for an Activation head. */
function predictionsInput(model: tf.LayersModel): tf.SymbolicTensor {
  return model.getLayer("predictions").input as tf.SymbolicTensor;
}

/**
 * Reference d(score)/dA computed by tfjs' own graph executor: a sub-model from
 * the input to the head, run with the target layer's `call` replaced by one
 * that returns the fed feature map, differentiated with tf.grad.
 */
async function referenceGradients(
  model: tf.LayersModel,
  layerName: string,
  x: tf.Tensor4D,
  score: (h: tf.Tensor) => tf.Scalar,
): Promise<{ a: Float32Array; g: Float32Array }> {
  const layer = model.getLayer(layerName);
  const head = predictionsInput(model);
  const sub = tf.model({ inputs: model.inputs, outputs: [layer.output as tf.SymbolicTensor, head] });
  const [a, h0] = sub.predict(x) as tf.Tensor[];
  h0.dispose();
  const patched = layer as unknown as { call: (inputs: tf.Tensor | tf.Tensor[]) => tf.Tensor };
  let fed: tf.Tensor = a;
  patched.call = () => fed;
  try {
    const g = tf.grad((v: tf.Tensor) => {
      fed = v;
      const [, h] = sub.apply(x, { training: false }) as tf.Tensor[];
      return score(h);
    })(a);
    const out = { a: (await a.data()) as Float32Array, g: (await g.data()) as Float32Array };
    tf.dispose([a, g]);
    return out;
  } finally {
    delete (patched as { call?: unknown }).call; // back to the prototype's method
  }
}

const SIZES: Record<string, number> = {
  cnn: 32,
  alexnet: 64,
  vgg16: 32,
  vgg16_involution: 32,
  mobilenet: 64,
  mobilenet_v2: 64,
  resnet50: 64,
  densenet121: 64,
};

for (const [name, size] of Object.entries(SIZES)) {
  Deno.test(`featureGradients() and gradCam() on ${name} (${size}x${size}) match tfjs' own executor`, async () => {
    await initBackend("wasm");
    const built = createModel(name, { inputShape: [size, size, 3], numClasses: 4 });
    const { model, gradCamLayer } = built;
    const x = tf.tidy(() => tf.expandDims(randomImage(size, 3), 0)) as tf.Tensor4D;
    try {
      const width = predictionsInput(model).shape[1] as number;
      const v = Float32Array.from({ length: width }, (_, i) => Math.sin(i + 1));
      const score = (h: tf.Tensor) => tf.sum(tf.mul(h, tf.tensor1d(v))) as tf.Scalar;
      const before = tf.memory().numTensors;
      const ours = await featureGradients(model, x, { layerName: gradCamLayer, head: predictionsInput(model), score });
      const a = (await ours.activations.data()) as Float32Array, g = (await ours.gradients.data()) as Float32Array;
      assertEquals(ours.activations.shape, [1, ...(model.getLayer(gradCamLayer).outputShape as number[]).slice(1)]);
      tf.dispose([ours.activations, ours.gradients]);
      assertEquals(tf.memory().numTensors, before, "featureGradients leaves only what it returns");
      const ref = await referenceGradients(model, gradCamLayer, x, score);
      const scale = (m: ArrayLike<number>) => Math.max(...Array.from(m, Math.abs));
      assertLess(maxAbsDiff(a, ref.a), 1e-4 * scale(ref.a) + 1e-7, "feature map");
      assertLess(maxAbsDiff(g, ref.g), 1e-4 * scale(ref.g) + 1e-9, "gradient");
      assert(scale(ref.g) > 0, "a non-zero gradient");

      const probs = tf.tidy(() => model.predict(x) as tf.Tensor);
      const p = (await probs.data()) as Float32Array;
      probs.dispose();
      const cam = await gradCam(built, x);
      assertEquals(cam.heatmap.length, size * size);
      assert(cam.heatmap.every((h) => h >= 0 && h <= 1), "heatmap in [0, 1]");
      assertLess(maxAbsDiff(cam.probabilities, p), 1e-5, "probabilities match predict()");
      const pp = await gradCamPlusPlus(built, x, { classIndex: 0 });
      assert(pp.heatmap.every((h) => h >= 0 && h <= 1), "Grad-CAM++ heatmap in [0, 1]");
      assertEquals(tf.memory().numTensors, before, "tensors after gradCam and gradCamPlusPlus");
    } finally {
      x.dispose();
      model.dispose();
    }
  });
}

Deno.test("featureGradients() rejects a head that does not depend on the layer", async () => {
  await initBackend("wasm");
  const model = gapModel(16, 3);
  const x = randomImage(16);
  const score = (h: tf.Tensor) => tf.sum(h) as tf.Scalar;
  await assertRejects(
    () =>
      featureGradients(model, x, {
        layerName: "target",
        head: model.getLayer("conv1").output as tf.SymbolicTensor,
        score,
      }),
    ExplainError,
    "does not depend on",
  );
  x.dispose();
  model.dispose();
});

Deno.test("featureGradients() frees the tape when the score throws or ignores the head", async () => {
  await initBackend("wasm");
  const model = gapModel(16, 3);
  const x = randomImage(16);
  const head = model.getLayer("gap").output as tf.SymbolicTensor;
  const before = tf.memory().numTensors;
  await assertRejects(
    () =>
      featureGradients(model, x, {
        layerName: "target",
        head,
        score: () => {
          throw new Error("boom");
        },
      }),
    Error,
    "boom",
  );
  await assertRejects(
    () => featureGradients(model, x, { layerName: "target", head, score: (h) => h as unknown as tf.Scalar }),
    TypeError,
    "scalar",
  );
  const zero = await featureGradients(model, x, { layerName: "target", head, score: () => tf.scalar(2) });
  assertEquals(zero.score, 2);
  assertEquals(Math.max(...Array.from(await zero.gradients.data(), Math.abs)), 0);
  tf.dispose([zero.activations, zero.gradients]);
  assertEquals(tf.memory().numTensors, before);
  x.dispose();
  model.dispose();
});
