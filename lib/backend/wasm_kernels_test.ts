import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertLess, relativeError } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createRng } from "../random.ts";

/** Relative error bound for wasm vs cpu gradients: float32 sums in another order. */
const REL_TOL = 1e-4;

type Shape4 = [number, number, number, number];
interface ConvCase {
  x: Shape4;
  w: Shape4;
  strides: number | [number, number];
  pad: "same" | "valid";
  depthwise: boolean;
  why: string;
}

/** Gradients of sum(conv(x, w)^2) with respect to x and w, on one backend. */
async function convGrads(backend: "cpu" | "wasm", c: ConvCase, xs: number[], ws: number[]) {
  await initBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, c.x), w = tf.tensor4d(ws, c.w);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D) =>
      (c.depthwise ? tf.depthwiseConv2d(a, b, c.strides, c.pad) : tf.conv2d(a, b, c.strides, c.pad)).square().sum();
    const [dx, dw] = tf.grads(f as (...t: tf.Tensor[]) => tf.Tensor)([x, w]);
    const y = c.depthwise ? tf.depthwiseConv2d(x, w, c.strides, c.pad) : tf.conv2d(x, w, c.strides, c.pad);
    return [Array.from(dx.dataSync()), Array.from(dw.dataSync()), Array.from(y.dataSync())];
  });
}

async function checkCase(c: ConvCase, rng = createRng(1)) {
  const xs = Array.from({ length: c.x.reduce((a, b) => a * b) }, () => rng.normal());
  const ws = Array.from({ length: c.w.reduce((a, b) => a * b) }, () => rng.normal());
  const [dxW, dwW, yW] = await convGrads("wasm", c, xs, ws);
  const [dxC, dwC, yC] = await convGrads("cpu", c, xs, ws);
  const label = `${c.why}: x=${c.x} w=${c.w} strides=${c.strides} ${c.pad}`;
  assertLess(relativeError(yW, yC), REL_TOL, `forward, ${label}`);
  assertLess(relativeError(dxW, dxC), REL_TOL, `input gradient, ${label}`);
  assertLess(relativeError(dwW, dwC), REL_TOL, `filter gradient, ${label}`);
}

// The paper's layer configurations are checked on wasm (and onednn) in kernel_parity_test.ts.

Deno.test("wasm conv forward and gradients match cpu on randomized shapes", async () => {
  const rng = createRng(2024);
  for (let t = 0; t < 40; t++) {
    const depthwise = rng.next() < 0.35;
    const k = rng.pick([1, 2, 3, 5]), kw = rng.next() < 0.2 ? rng.pick([1, 3]) : k;
    const stride: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    const h = rng.int(k + 1, 14), w = rng.int(kw + 1, 14);
    const cin = rng.int(1, 5), cout = depthwise ? rng.int(1, 2) : rng.int(1, 5);
    await checkCase({
      x: [rng.int(1, 3), h, w, cin],
      w: [k, kw, cin, cout],
      strides: stride,
      pad: rng.pick(["same", "valid"] as const),
      depthwise,
      why: `random #${t}`,
    }, rng);
  }
});

async function onBoth(f: () => number[]): Promise<[number[], number[]]> {
  await initBackend("wasm");
  const a = f();
  await initBackend("cpu");
  const b = f();
  return [a, b];
}

Deno.test("wasm max-pool gradient matches cpu, overlapping windows and padding included", async () => {
  const rng = createRng(5);
  for (const [filter, stride, pad] of [[2, 2, "valid"], [3, 2, "same"], [3, 1, "same"], [2, 2, "same"]] as const) {
    const xs = Array.from({ length: 2 * 9 * 9 * 3 }, () => rng.normal());
    const [a, b] = await onBoth(() =>
      tf.tidy(() => {
        const x = tf.tensor4d(xs, [2, 9, 9, 3]);
        return Array.from(
          tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, filter, stride, pad).square().sum())(x).dataSync(),
        );
      })
    );
    assertLess(relativeError(a, b), REL_TOL, `maxPool ${filter}/${stride}/${pad}`);
  }
  // Ties: the gradient goes to the first maximum of each window, as on cpu.
  const ties = Array.from({ length: 2 * 8 * 8 * 3 }, () => Math.floor(rng.uniform(0, 3)));
  const [a, b] = await onBoth(() =>
    tf.tidy(() =>
      Array.from(
        tf.grad((v: tf.Tensor) =>
          tf.maxPool(v as tf.Tensor4D, 2, 2, "valid").mul(tf.range(1, 97).reshape([2, 4, 4, 3])).sum()
        )(
          tf.tensor4d(ties, [2, 8, 8, 3]),
        ).dataSync(),
      )
    )
  );
  assertEquals(a, b, "maxPool 2/2 with tied values");
});

Deno.test("wasm tile, sum and mean match cpu", async () => {
  const rng = createRng(6);
  const xs = Array.from({ length: 4 * 6 * 5 * 3 }, () => rng.normal());
  const cases: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ["tile", (x) => tf.tile(x.slice([0, 0, 0, 0], [1, 2, 1, 3]), [2, 3, 4, 2])],
    ["sum 0-2", (x) => tf.sum(x, [0, 1, 2])],
    ["sum 0-1 keepDims", (x) => tf.sum(x, [1, 0], true)],
    ["mean 0-2", (x) => tf.mean(x, [0, 1, 2])],
    ["mean 1 (built-in path)", (x) => tf.mean(x, 1)],
    ["sum all", (x) => tf.sum(x)],
  ];
  for (const [name, f] of cases) {
    const [a, b] = await onBoth(() => tf.tidy(() => Array.from(f(tf.tensor4d(xs, [4, 6, 5, 3])).dataSync())));
    assertEquals(a.length, b.length, name);
    assertLess(relativeError(a, b), REL_TOL, name);
  }
  const [ti, tc] = await onBoth(() =>
    tf.tidy(() => Array.from(tf.tile(tf.tensor([1, 2, 3, 4, 5, 6], [1, 2, 1, 3], "int32"), [2, 1, 3, 2]).dataSync()))
  );
  assertEquals(ti, tc, "int32 tile");
});

Deno.test("wasm matMul with transposed operands matches cpu, in every layout a dense layer's gradients use", async () => {
  const rng = createRng(8);
  const mats = (r: number, c: number) => Array.from({ length: r * c }, () => rng.normal());
  const [x, w, dy] = [mats(3, 40), mats(40, 24), mats(3, 24)];
  const cases: [string, () => tf.Tensor][] = [
    ["x·w", () => tf.matMul(tf.tensor2d(x, [3, 40]), tf.tensor2d(w, [40, 24]))],
    ["dy·wᵀ (input gradient)", () => tf.matMul(tf.tensor2d(dy, [3, 24]), tf.tensor2d(w, [40, 24]), false, true)],
    ["xᵀ·dy (weight gradient)", () => tf.matMul(tf.tensor2d(x, [3, 40]), tf.tensor2d(dy, [3, 24]), true, false)],
    ["w·dyᵀ (small b transposed)", () => tf.matMul(tf.tensor2d(w, [40, 24]), tf.tensor2d(dy, [3, 24]), false, true)],
    ["xᵀ·(dyᵀ)ᵀ both", () => tf.matMul(tf.tensor2d(x, [3, 40]), tf.tensor2d(dy, [24, 3]), true, true)],
    [
      "wᵀ·w (big transposed a: built-in)",
      () => tf.matMul(tf.tensor2d(w, [40, 24]), tf.tensor2d(w, [40, 24]), true, false),
    ],
    ["batch of 1", () => tf.matMul(tf.tensor3d(dy, [1, 3, 24]), tf.tensor3d(w, [1, 40, 24]), false, true)],
    [
      "batch of 2 (built-in)",
      () => tf.matMul(tf.tensor3d(x.slice(0, 80), [2, 1, 40]), tf.tensor3d(w.concat(w), [2, 40, 24])),
    ],
  ];
  for (const [name, f] of cases) {
    const [a, b] = await onBoth(() => tf.tidy(() => Array.from(f().dataSync())));
    assertEquals(a.length, b.length, name);
    assertLess(relativeError(a, b), REL_TOL, name);
  }
});

Deno.test("wasm training kernels leak no tensors", async () => {
  await initBackend("wasm");
  const x = tf.randomNormal([2, 9, 9, 4]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 4, 4]) as tf.Tensor4D, d = tf.randomNormal([3, 3, 4, 1]) as tf.Tensor4D;
  const step = () =>
    tf.tidy(() => {
      const g = tf.grads((...t: tf.Tensor[]) => {
        const [a, b, c] = t as tf.Tensor4D[];
        return tf.maxPool(tf.depthwiseConv2d(tf.conv2d(a, b, 2, "same"), c, 1, "same"), 2, 2, "valid").square().mean();
      })([x, w, d]);
      return g.map((t) => t.sum().dataSync()[0]);
    });
  step();
  const before = tf.memory().numTensors;
  const grads = step();
  assertEquals(tf.memory().numTensors, before);
  assert(grads.every((v) => Number.isFinite(v) && v !== 0), "gradients are finite and non-zero");
  tf.dispose([x, w, d]);
});
