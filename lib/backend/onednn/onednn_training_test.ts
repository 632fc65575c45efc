import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertLess, relativeError } from "../../../tests/assert.ts";
import { assertTrainsWithoutLeak } from "../../../tests/model_checks.ts";
import { initBackend } from "../../backend.ts";
import { createModel, listModels } from "../../models/mod.ts";
import { trainStep } from "../../train/train_step.ts";
import { leanAdam } from "../../train/lean_adam.ts";
import { ignoreWithoutOneDnn } from "../../../tests/external_tools.ts";
import { gradCam } from "../../explain/grad_cam.ts";

const ignore = ignoreWithoutOneDnn();

/** Input sides the model tests use: AlexNet's 11x11/4 stem needs 63. */
const SIZE: Record<string, number> = { alexnet: 63 };

for (const name of listModels()) {
  Deno.test({
    name: `${name} takes a training step on onednn without leaking tensors`,
    ignore,
    fn: async () => {
      await initBackend("onednn");
      const size = SIZE[name] ?? 64;
      await assertTrainsWithoutLeak(createModel(name, { inputShape: [size, size, 3], numClasses: 4, seed: 1 }), size);
    },
  });
}

/** Three training steps of the plain CNN; returns the losses and the final weights. */
async function threeSteps(backend: "onednn" | "cpu"): Promise<{ losses: number[]; weights: number[] }> {
  await initBackend(backend);
  const { model } = createModel("cnn", { inputShape: [32, 32, 3], numClasses: 4, seed: 5 });
  const optimizer = leanAdam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomUniform([4, 32, 32, 3], 0, 1, "float32", 9) as tf.Tensor4D;
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], "int32"), 4) as tf.Tensor2D;
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = trainStep(model, optimizer, variables, x, y);
    losses.push((await r.loss.data())[0]);
    tf.dispose([r.loss, r.correct]);
  }
  const weights = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { losses, weights };
}

Deno.test({
  name: "three training steps of the CNN on onednn match the cpu backend's",
  ignore,
  fn: async () => {
    const native = await threeSteps("onednn");
    const cpu = await threeSteps("cpu");
    assertEquals(native.weights.length, cpu.weights.length);
    assertLess(relativeError(native.losses, cpu.losses), 1e-4, `losses ${native.losses} vs ${cpu.losses}`);
    assertLess(relativeError(native.weights, cpu.weights), 1e-4, "weights after three steps");
  },
});

/**
 * A fresh process (garbage collection exposed, so that resident memory is
 * read after a collection, not at the whim of the collector) trains ResNet50
 * for 30 steps (the pool and the allocator settle: measured flat from there
 * to step 240 at 804 MB), then 60 more, and reports live tensors, cached
 * primitives, pooled bytes and resident memory after each stretch.
 */
const LONG_RUN = `
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "${new URL("../../backend.ts", import.meta.url).href}";
import { createModel } from "${new URL("../../models/mod.ts", import.meta.url).href}";
import { trainStep } from "${new URL("../../train/train_step.ts", import.meta.url).href}";
import { leanAdam } from "${new URL("../../train/lean_adam.ts", import.meta.url).href}";
import { cachedPrimitives } from "${new URL("./dnnl_primitive.ts", import.meta.url).href}";
import { bufferPool } from "${new URL("./buffer_pool.ts", import.meta.url).href}";
await initBackend("onednn");
const { model } = createModel("resnet50", { inputShape: [32, 32, 3], numClasses: 4, seed: 1 });
const optimizer = leanAdam(1e-3);
const variables = model.trainableWeights.map((w) => w.read());
const x = tf.randomUniform([4, 32, 32, 3], 0, 1, "float32", 7);
const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], "int32"), 4);
const state = () => {
  globalThis.gc();
  return { tensors: tf.memory().numTensors, primitives: cachedPrimitives(), pooled: bufferPool.freeBytes,
    rss: Deno.memoryUsage().rss };
};
const run = async (steps) => {
  for (let i = 0; i < steps; i++) {
    const r = trainStep(model, optimizer, variables, x, y);
    await r.loss.data();
    tf.dispose([r.loss, r.correct]);
  }
  return state();
};
console.log(JSON.stringify([await run(30), await run(60)]));
`;

Deno.test({
  name: "onednn training keeps tensors, native primitives and resident memory flat over a long run",
  ignore,
  fn: async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--v8-flags=--expose-gc",
        "--config",
        new URL("../../../deno.json", import.meta.url).pathname,
        LONG_RUN,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert(out.success, stderr);
    const [after30, after90] = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      tensors: number;
      primitives: number;
      pooled: number;
      rss: number;
    }[];
    assertEquals(after90.tensors, after30.tensors, "live tensors after 60 more steps");
    assertEquals(after90.primitives, after30.primitives, "cached oneDNN primitives after 60 more steps");
    assert(after90.pooled > 0, "freed outputs went back to the pool");
    const grownMb = (after90.rss - after30.rss) / 2 ** 20;
    // One step's activations here are about 25 MB: a leak of them would add 1.5 GB over 60 steps.
    assertLess(grownMb, 32, `resident memory grew ${grownMb.toFixed(0)} MB over 60 steps`);
  },
});

/** Grad-CAM of a seeded ResNet50 on one backend: the heatmap and the probabilities. */
async function resnetGradCam(backend: "onednn" | "cpu"): Promise<{ heatmap: number[]; probabilities: number[] }> {
  await initBackend(backend);
  const built = createModel("resnet50", { inputShape: [32, 32, 3], numClasses: 4, seed: 3 });
  const image = tf.randomUniform([32, 32, 3], 0, 1, "float32", 4) as tf.Tensor3D;
  try {
    const r = await gradCam(built, image, { classIndex: 2 });
    return { heatmap: Array.from(r.heatmap), probabilities: Array.from(r.probabilities) };
  } finally {
    image.dispose();
    built.model.dispose();
  }
}

Deno.test({
  name: "Grad-CAM of a branched model (ResNet50) on onednn matches the cpu backend's",
  ignore,
  fn: async () => {
    const native = await resnetGradCam("onednn");
    const cpu = await resnetGradCam("cpu");
    assertLess(relativeError(native.probabilities, cpu.probabilities), 1e-4, "probabilities");
    assertLess(relativeError(native.heatmap, cpu.heatmap), 1e-3, "heatmap");
  },
});
