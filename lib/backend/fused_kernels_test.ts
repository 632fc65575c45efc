import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertLess, relativeError } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createRng } from "../random.ts";
import { fusedKernelsActive, setFusedKernels } from "./fused_kernels.ts";
import { leanAdam } from "../train/lean_adam.ts";

/** Runs `f` with the fused kernels on, then off (tfjs' own ops), on wasm. */
async function fusedAndPlain<T>(f: () => T): Promise<[T, T]> {
  await initBackend("wasm");
  const was = setFusedKernels(true);
  try {
    assert(fusedKernelsActive(), "fused kernels are active on wasm");
    const fused = f();
    setFusedKernels(false);
    assert(!fusedKernelsActive());
    return [fused, f()];
  } finally {
    setFusedKernels(was);
  }
}

/** A BN layer's output, moving statistics after one training call, and gradients of a weighted sum. */
function batchNormCase(shape: number[], values: number[], epsilon: number) {
  const channels = shape[shape.length - 1];
  const layer = tf.layers.batchNormalization({
    momentum: 0.9,
    epsilon,
    gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }),
    betaInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 4 }),
    inputShape: shape.slice(1),
  });
  layer.build(shape);
  const x = tf.tensor(values, shape);
  // An uneven weight per element, so dx depends on the whole formula.
  const weights = tf.tidy(() => tf.sin(tf.mul(tf.range(0, values.length), 0.37)).reshape(shape));
  const gamma = layer.trainableWeights[0].read() as tf.Variable, beta = layer.trainableWeights[1].read() as tf.Variable;
  const f = (a: tf.Tensor, _g: tf.Tensor, _b: tf.Tensor) =>
    tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, weights)) as tf.Scalar;
  const { value, grads } = tf.valueAndGrads(f)([x, gamma, beta]);
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const out = {
    y: Array.from(y.dataSync()),
    loss: value.dataSync()[0],
    dx: Array.from(grads[0].dataSync()),
    dGamma: Array.from(grads[1].dataSync()),
    dBeta: Array.from(grads[2].dataSync()),
    // Two training calls ran: the moving averages moved twice.
    movingMean: Array.from(layer.getWeights()[2].dataSync()),
    movingVariance: Array.from(layer.getWeights()[3].dataSync()),
  };
  assertEquals(out.dGamma.length, channels);
  tf.dispose([x, weights, y, value, ...grads, ...layer.weights.map((w) => w.read())]);
  return out;
}

Deno.test("fused batch norm equals tfjs' composition: output, moving averages and all three gradients", async () => {
  const rng = createRng(11);
  for (
    const [shape, epsilon, offset] of [
      [[2, 5, 4, 3], 1e-3, 0],
      [[3, 7, 7, 16], 1.001e-5, 0],
      [[6, 10], 1e-3, 0],
      // A large mean over a small spread: the moments' pass must not cancel.
      [[2, 4, 4, 5], 1e-3, 1000],
    ] as const
  ) {
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    const values = Array.from({ length: n }, () => offset + rng.normal() * 2 + 0.5);
    const [fused, plain] = await fusedAndPlain(() => batchNormCase([...shape], values, epsilon));
    const label = `shape ${shape}, epsilon ${epsilon}, offset ${offset}`;
    for (const key of ["y", "dx", "dGamma", "dBeta", "movingMean", "movingVariance"] as const) {
      assertLess(relativeError(fused[key], plain[key]), offset ? 2e-3 : 1e-4, `${key}, ${label}`);
    }
    assert(fused.dx.some((v) => Math.abs(v) > 1e-3), `dx is not all zero, ${label}`);
  }
});

Deno.test("fused batch norm leaks no tensors across training steps and keeps inference on tfjs' path", async () => {
  await initBackend("wasm");
  const input = tf.input({ shape: [6, 6, 4] });
  const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(
    tf.layers.flatten().apply(tf.layers.batchNormalization().apply(input)),
  ) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  model.compile({ optimizer: leanAdam(1e-2), loss: "categoricalCrossentropy" });
  const x = tf.randomNormal([4, 6, 6, 4], 0, 1, "float32", 2), y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], "int32"), 3);
  await model.trainOnBatch(x, y);
  const before = tf.memory().numTensors;
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) losses.push(await model.trainOnBatch(x, y) as number);
  assertEquals(tf.memory().numTensors, before, "tensor count flat across steps");
  assertLess(losses[2], losses[0], "the loss falls");
  const [fusedInfer, plainInfer] = await fusedAndPlain(() =>
    tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()))
  );
  assertEquals(fusedInfer, plainInfer, "inference is tfjs' own either way");
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("fused ReLU, ReLU6 and clip gradients equal tfjs' exactly, zeros and bounds included", async () => {
  const rng = createRng(12);
  const values = Array.from(
    { length: 400 },
    (_, i) => i % 7 === 0 ? 0 : i % 13 === 0 ? -0 : i % 11 === 0 ? 6 : rng.normal() * 5,
  );
  const cases: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ["relu", (x) => tf.relu(x)],
    ["relu6", (x) => tf.relu6(x)],
    ["clip [-1, 2]", (x) => tf.clipByValue(x, -1, 2)],
    ["Keras ReLU(max_value=6)", (x) => tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.Tensor],
  ];
  for (const [name, f] of cases) {
    const [fused, plain] = await fusedAndPlain(() =>
      tf.tidy(() => {
        const x = tf.tensor1d(values);
        const w = tf.linspace(-1, 1, values.length);
        return Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), w)))(x).dataSync());
      })
    );
    assertEquals(fused, plain, name);
    assert(fused.some((v) => v !== 0) && fused.some((v) => v === 0), `${name}: some gradients pass, some stop`);
  }
});

Deno.test("fused Adam is bit-identical to tfjs' Adam on a larger tensor over several steps", async () => {
  const rng = createRng(13);
  const init = Array.from({ length: 3000 }, () => rng.normal());
  const target = Array.from({ length: 3000 }, () => rng.normal());
  const [fused, plain] = await fusedAndPlain(() => {
    const v = tf.variable(tf.tensor1d(init), true, `adam_${Math.random()}`);
    const t = tf.tensor1d(target);
    const opt = leanAdam(0.01);
    for (let i = 0; i < 4; i++) opt.minimize(() => tf.sum(tf.square(tf.sub(v, t))) as tf.Scalar, false, [v]);
    const out = Array.from(v.dataSync());
    opt.dispose();
    tf.dispose([v, t]);
    return out;
  });
  assertEquals(fused, plain);
  assert(fused.some((v, i) => v !== init[i]), "the variable moved");
});

Deno.test("a model's first conv skips its unneeded input gradient; every weight gradient is unchanged", async () => {
  const build = () => {
    const input = tf.input({ shape: [8, 8, 3] });
    let x = tf.layers.zeroPadding2d({ padding: 1 }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, name: "c1", kernelInitializer: "glorotUniform" })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 5, kernelSize: 3, padding: "same", name: "c2" }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2 }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  };
  const run = async () => {
    const model = build();
    // The same weights for both runs.
    model.setWeights(
      model.getWeights().map((w, i) => tf.tidy(() => tf.sin(tf.range(0, w.size).add(i)).reshape(w.shape))),
    );
    const x = tf.tidy(() => tf.cos(tf.range(0, 2 * 8 * 8 * 3)).reshape([2, 8, 8, 3]));
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let grads: number[][] = [];
    const info = await tf.profile(() => {
      const { value, grads: g } = tf.variableGrads(
        () => tf.sum(tf.square(model.apply(x) as tf.Tensor)) as tf.Scalar,
        vars,
      );
      grads = vars.map((v) => Array.from(g[v.name].dataSync()));
      tf.dispose([value, ...Object.values(g)]);
      return tf.scalar(0);
    });
    tf.dispose(x);
    model.dispose();
    return { grads, inputGrads: info.kernels.filter((k) => k.name === "Conv2DBackpropInput").length };
  };
  await initBackend("wasm");
  const was = setFusedKernels(true);
  const fused = await run();
  setFusedKernels(false);
  const plain = await run();
  setFusedKernels(was);
  assertEquals(plain.inputGrads, 2, "tfjs computes both convs' input gradients");
  assertEquals(fused.inputGrads, 1, "only the second conv's input gradient is computed");
  fused.grads.forEach((g, i) => assertLess(relativeError(g, plain.grads[i]), 1e-5, `weight ${i}`));
});

Deno.test("in-place Adam never changes a clone that shares the variable's data", async () => {
  await initBackend("wasm");
  const was = setFusedKernels(true);
  try {
    const v = tf.variable(tf.tensor1d([1, 2, 3]), true, `clone_${Math.random()}`);
    const snapshot = tf.clone(v);
    const opt = leanAdam(0.1);
    opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
    assertEquals(Array.from(snapshot.dataSync()), [1, 2, 3], "the clone keeps the old values");
    assertLess(v.dataSync()[0], 1, "the variable moved");
    snapshot.dispose();
    // With no clone left, the next step runs in place and still moves it.
    const before = v.dataSync()[0];
    opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
    assertLess(v.dataSync()[0], before);
    opt.dispose();
    v.dispose();
  } finally {
    setFusedKernels(was);
  }
});
