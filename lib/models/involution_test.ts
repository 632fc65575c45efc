import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { loadModel, saveModel } from "../train/save.ts";
import { Involution } from "./involution.ts";

/** The layer's weights by short name (`reduce_kernel`, `bn_gamma`, ...). */
function weightsOf(layer: Involution): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const w of layer.weights) out[w.originalName.split("/").pop()!] = w.read();
  return out;
}

/** Gives the batch norm non-trivial statistics, so that the reference checks them too. */
function randomizeBatchNorm(layer: Involution, seed: number): void {
  const names = layer.weights.map((w) => w.originalName.split("/").pop()!);
  const ranges: Record<string, [number, number]> = {
    bn_gamma: [0.5, 1.5],
    bn_beta: [-0.5, 0.5],
    bn_moving_mean: [-0.3, 0.3],
    bn_moving_variance: [0.5, 2],
  };
  const fresh: tf.Tensor[] = [];
  // getWeights() hands back the variables themselves: only the new values are disposed.
  const values = layer.getWeights().map((t, i) => {
    const range = ranges[names[i]];
    if (range == null) return t;
    const v = tf.randomUniform([t.shape[0]!], range[0], range[1], "float32", seed + i);
    fresh.push(v);
    return v;
  });
  layer.setWeights(values);
  tf.dispose(fresh);
}

/**
 * A direct loop version of `involution_naive.py` in inference mode: average
 * pool, 1x1 conv, batch norm with moving statistics, ReLU, 1x1 conv + bias,
 * then for every output pixel and channel the sum over the zero-padded KxK
 * window of kernel * input. Height and width must divide by the stride.
 */
function reference(
  x: tf.Tensor4D,
  w: Record<string, tf.Tensor>,
  k: number,
  stride: number,
  groupChannels: number,
  epsilon: number,
): Float32Array {
  const [B, H, W, C] = x.shape;
  const xs = x.dataSync();
  const w1 = w.reduce_kernel.dataSync(), w2 = w.span_kernel.dataSync(), b2 = w.span_bias.dataSync();
  const gamma = w.bn_gamma.dataSync(), beta = w.bn_beta.dataSync();
  const mean = w.bn_moving_mean.dataSync(), variance = w.bn_moving_variance.dataSync();
  const R = w.reduce_kernel.shape[3]!, Q = w.span_kernel.shape[3]!;
  const Ho = H / stride, Wo = W / stride, taps = k * k, pad = (k - 1) / 2;
  const at = (b: number, y: number, xx: number, c: number) => xs[((b * H + y) * W + xx) * C + c];
  const out = new Float32Array(B * Ho * Wo * C);
  for (let b = 0; b < B; b++) {
    for (let y = 0; y < Ho; y++) {
      for (let xx = 0; xx < Wo; xx++) {
        const pooled = new Float64Array(C);
        for (let c = 0; c < C; c++) {
          for (let dy = 0; dy < stride; dy++) {
            for (let dx = 0; dx < stride; dx++) pooled[c] += at(b, y * stride + dy, xx * stride + dx, c);
          }
          pooled[c] /= stride * stride;
        }
        const hidden = new Float64Array(R);
        for (let o = 0; o < R; o++) {
          let s = 0;
          for (let c = 0; c < C; c++) s += pooled[c] * w1[c * R + o];
          s = (s - mean[o]) / Math.sqrt(variance[o] + epsilon) * gamma[o] + beta[o];
          hidden[o] = Math.max(0, s);
        }
        const kernel = new Float64Array(Q);
        for (let q = 0; q < Q; q++) {
          let s = b2[q];
          for (let o = 0; o < R; o++) s += hidden[o] * w2[o * Q + q];
          kernel[q] = s;
        }
        for (let c = 0; c < C; c++) {
          const g = Math.floor(c / groupChannels);
          let s = 0;
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const sy = y * stride + i - pad, sx = xx * stride + j - pad;
              if (sy < 0 || sy >= H || sx < 0 || sx >= W) continue;
              s += kernel[g * taps + i * k + j] * at(b, sy, sx, c);
            }
          }
          out[((b * Ho + y) * Wo + xx) * C + c] = s;
        }
      }
    }
  }
  return out;
}

Deno.test("Involution keeps the channels; stride 2 halves the map, rounding up", async () => {
  await initBackend("wasm");
  const input = tf.input({ shape: [8, 8, 32] });
  const symbolic = (stride: number) =>
    (new Involution({ kernelSize: 3, stride, seed: 1 }).apply(input) as tf.SymbolicTensor).shape;
  assertEquals(symbolic(1), [null, 8, 8, 32]);
  assertEquals(symbolic(2), [null, 4, 4, 32]);
  const shapes = tf.tidy(() =>
    [
      [[2, 8, 8, 32], 1],
      [[2, 8, 8, 32], 2],
      [[1, 5, 7, 16], 2],
    ].map(([shape, stride]) =>
      (new Involution({ stride: stride as number, seed: 2 }).apply(tf.ones(shape as number[])) as tf.Tensor).shape
    )
  );
  assertEquals(shapes, [[2, 8, 8, 32], [2, 4, 4, 32], [1, 3, 4, 16]]);
});

Deno.test("Involution matches a loop reference of involution_naive.py", async () => {
  await initBackend("wasm");
  for (const [k, stride] of [[3, 1], [3, 2], [5, 1], [7, 2]]) {
    const layer = new Involution({ kernelSize: k, stride, reductionRatio: 2, groupChannels: 4, seed: 10 + k });
    const x = tf.randomNormal([2, 6, 6, 8], 0, 1, "float32", 3) as tf.Tensor4D;
    const y = layer.apply(x) as tf.Tensor;
    randomizeBatchNorm(layer, 20 + k);
    y.dispose();
    const got = tf.tidy(() => (layer.apply(x) as tf.Tensor).dataSync());
    const want = reference(x, weightsOf(layer), k, stride, 4, layer.epsilon);
    assertEquals(got.length, want.length, `K=${k} stride=${stride} size`);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    assertLess(worst, 1e-4, `K=${k} stride=${stride} max difference`);
    assert(want.some((v) => Math.abs(v) > 0.1), "reference is not trivially zero");
    x.dispose();
    layer.dispose();
  }
});

Deno.test("Involution passes gradients to its input and every trainable weight", async () => {
  await initBackend("wasm");
  for (const stride of [1, 2]) {
    const layer = new Involution({ kernelSize: 3, stride, reductionRatio: 2, groupChannels: 4, seed: 7 });
    const x = tf.randomNormal([2, 6, 6, 8], 0, 1, "float32", 4);
    const r = tf.randomNormal([2, 6 / stride, 6 / stride, 8], 0, 1, "float32", 5);
    tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
    assertEquals(layer.trainableWeights.length, 5);
    assertEquals(layer.nonTrainableWeights.length, 2);
    const meanBefore = Array.from(weightsOf(layer).bn_moving_mean.dataSync());
    const loss = () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, r)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss, layer.trainableWeights.map((w) => w.read() as tf.Variable));
    assert(Number.isFinite(value.dataSync()[0]), "finite loss");
    for (const w of layer.trainableWeights) {
      const g = grads[(w.read() as tf.Variable).name];
      assert(g != null, `gradient for ${w.originalName}`);
      assert(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]) > 0, `non-zero gradient for ${w.originalName}`);
    }
    const meanAfter = Array.from(weightsOf(layer).bn_moving_mean.dataSync());
    assert(JSON.stringify(meanBefore) !== JSON.stringify(meanAfter), "training updates the moving mean");
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r)))(x);
    assertEquals(dx.shape, x.shape);
    assert(tf.tidy(() => tf.max(tf.abs(dx)).dataSync()[0]) > 0, "non-zero input gradient");
    // Directional derivative against central differences (the layer is piecewise quadratic in x).
    const v = tf.randomNormal(x.shape, 0, 1, "float32", 6);
    const f = (t: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, r)).dataSync()[0]);
    const eps = 1e-3; // 1e-2 crosses ReLU kinks of the kernel branch here
    const numeric = tf.tidy(() => (f(tf.add(x, tf.mul(v, eps))) - f(tf.sub(x, tf.mul(v, eps)))) / (2 * eps));
    const analytic = tf.tidy(() => tf.sum(tf.mul(dx, v)).dataSync()[0]);
    assertAlmostEquals(analytic, numeric, 1e-2 * Math.max(1, Math.abs(numeric)), `stride ${stride} d/dx`);
    tf.dispose([x, r, v, dx, value, ...Object.values(grads)]);
    layer.dispose();
  }
});

Deno.test("Involution round-trips through saveModel()/loadModel()", async () => {
  await initBackend("wasm");
  const input = tf.input({ shape: [8, 8, 16], name: "input" });
  const layer = new Involution({ kernelSize: 3, stride: 2, groupChannels: 8, seed: 9, name: "inv" });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  randomizeBatchNorm(layer, 30);
  const dir = await Deno.makeTempDir();
  try {
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const copy = loaded.getLayer("inv") as Involution;
    assert(copy instanceof Involution, "loads as Involution");
    assertEquals(
      [copy.kernelSize, copy.stride, copy.reductionRatio, copy.groupChannels, copy.seed],
      [3, 2, 4, 8, 9],
    );
    const x = tf.randomNormal([2, 8, 8, 16], 0, 1, "float32", 8);
    const a = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const b = tf.tidy(() => Array.from((loaded.predict(x) as tf.Tensor).dataSync()));
    assertEquals(b, a);
    x.dispose();
    loaded.dispose();
  } finally {
    model.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Involution rejects bad options, repeating the value", async () => {
  await initBackend("wasm");
  assertThrows(() => new Involution({ kernelSize: 4 }), RangeError, "kernelSize=4");
  assertThrows(() => new Involution({ stride: 3 }), RangeError, "stride=3");
  assertThrows(
    () => new Involution({ groupChannels: 16 }).apply(tf.input({ shape: [4, 4, 24] })),
    RangeError,
    "channels=24, groupChannels=16",
  );
});
