import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { saveModel } from "../train/save.ts";
import { createModel } from "./mod.ts";
import { loadWeights, WeightsMismatchError } from "./weights.ts";

async function withSaved(fn: (dir: string) => Promise<void>, options: Record<string, unknown> = {}) {
  await initBackend("wasm");
  const { model } = createModel("cnn", { inputShape: [32, 32, 3], seed: 1, ...options });
  const dir = await Deno.makeTempDir();
  try {
    await saveModel(model, dir);
    await fn(dir);
  } finally {
    model.dispose();
    await Deno.remove(dir, { recursive: true });
  }
}

function predict(model: tf.LayersModel, x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
}

Deno.test("loadWeights() restores a model's weights by layer name", async () => {
  await withSaved(async (dir) => {
    const source = createModel("cnn", { inputShape: [32, 32, 3], seed: 1 }).model;
    const target = createModel("cnn", { inputShape: [32, 32, 3], seed: 99 }).model;
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, "float32", 4);
    const loaded = await loadWeights(target, `${dir}/model.json`, { exclude: [] });
    assert(loaded.includes("block1_conv1") && loaded.includes("predictions"), `${loaded}`);
    assertEquals(predict(target, x), predict(source, x));
    tf.dispose([x]);
    source.dispose();
    target.dispose();
  });
});

Deno.test("loadWeights() skips the head by default, so another class count loads", async () => {
  await withSaved(async (dir) => {
    const target = createModel("cnn", { inputShape: [32, 32, 3], numClasses: 2, seed: 5 }).model;
    const loaded = await loadWeights(target, `${dir}/model.json`);
    assert(!loaded.includes("predictions") && loaded.includes("block4_conv1"), `${loaded}`);
    target.dispose();
  });
});

Deno.test("loadWeights() lists every layer that does not fit", async () => {
  await withSaved(async (dir) => {
    const other = createModel("cnn", { inputShape: [32, 32, 3], filters: [8, 32, 64, 128] } as never).model;
    const e = await assertRejects(() => loadWeights(other, `${dir}/model.json`), WeightsMismatchError, "block1_conv1");
    assert(e.message.includes("block1_bn") && e.message.includes("block2_conv1"), e.message);
    other.dispose();
    const gray = createModel("cnn", { inputShape: [32, 32, 1] }).model;
    const g = await assertRejects(() => loadWeights(gray, `${dir}/model.json`), WeightsMismatchError, "firstConv");
    assert(g.message.includes("[3,3,3,16]"), g.message);
    gray.dispose();
  });
});

Deno.test("loadWeights({ firstConv: 'sum' }) gives a 1-channel model the 3-channel model's response to gray", async () => {
  await withSaved(async (dir) => {
    const rgb = createModel("cnn", { inputShape: [32, 32, 3], seed: 1 }).model;
    const gray = createModel("cnn", { inputShape: [32, 32, 1], seed: 7 }).model;
    await loadWeights(gray, `${dir}/model.json`, { firstConv: "sum", exclude: [] });
    const g = tf.randomUniform([2, 32, 32, 1], 0, 1, "float32", 8);
    const g3 = tf.tile(g, [1, 1, 1, 3]);
    const a = predict(gray, g), b = predict(rgb, g3);
    assert(a.every((v, i) => Math.abs(v - b[i]) < 1e-5), `${a} vs ${b}`);
    tf.dispose([g, g3]);
    rgb.dispose();
    gray.dispose();
  });
});
