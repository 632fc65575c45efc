/**
 * Every kernel the fast backends route (onednn's oneDNN primitives, wasm's
 * training kernels) against tfjs' cpu backend, on the same inputs: the
 * paper's layer configurations, randomized shapes, forward and gradients.
 * Bound: relative error (2-norm) at most 1e-4, for float32 sums taken in
 * another order; shapes equal exactly.
 */
import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertLess } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createRng } from "../random.ts";
import { ignoreWithoutOneDnn } from "../../tests/external_tools.ts";
import { batchNormTraining } from "./fused_layers.ts";

const REL_TOL = 1e-4;
const BACKENDS = ["onednn", "wasm"] as const;
type Fast = typeof BACKENDS[number];
const onednnMissing = ignoreWithoutOneDnn();

/** Seeded normal values for a shape. */
function data(shape: number[], seed: number, scale = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale);
}

/** Runs `build` on a backend; returns each output's shape and values. */
async function outputs(backend: string, build: () => tf.Tensor[]): Promise<{ shape: number[]; values: number[] }[]> {
  await initBackend(backend as Fast);
  const before = tf.memory().numTensors;
  const out = tf.tidy(build);
  const result = out.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
  tf.dispose(out);
  assertEquals(tf.memory().numTensors, before, `tensors leaked on ${backend}`);
  return result;
}

/** Checks `build` on `backend` against cpu. */
async function matchesCpu(backend: Fast, label: string, build: () => tf.Tensor[]): Promise<void> {
  const fast = await outputs(backend, build);
  const cpu = await outputs("cpu", build);
  assertEquals(fast.length, cpu.length, `${label}: output count`);
  fast.forEach((f, i) => {
    assertEquals(f.shape, cpu[i].shape, `${label}: shape of output ${i} on ${backend}`);
    assertLess(relError(f.values, cpu[i].values), REL_TOL, `${label}: output ${i} on ${backend}`);
  });
}

/** ‖a − b‖ / ‖b‖, NaN-aware: a NaN where cpu has none is an infinite error. */
function relError(a: number[], b: number[]): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity;
    if (Number.isNaN(b[i])) continue;
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / (den || 1));
}

type Shape4 = [number, number, number, number];
interface ConvCase {
  x: Shape4;
  w: Shape4;
  strides: number | [number, number];
  pad: "same" | "valid";
  depthwise: boolean;
  dilation?: number;
  why: string;
}

// Every configuration of the paper's architectures, and dilation.
const PAPER_CASES: ConvCase[] = [
  { x: [2, 35, 35, 3], w: [11, 11, 3, 4], strides: 4, pad: "valid", depthwise: false, why: "AlexNet conv1 11x11/4" },
  { x: [1, 227, 227, 3], w: [11, 11, 3, 2], strides: 4, pad: "valid", depthwise: false, why: "11x11/4 at 227" },
  { x: [2, 17, 17, 3], w: [7, 7, 3, 4], strides: 2, pad: "same", depthwise: false, why: "ResNet stem 7x7/2" },
  { x: [2, 8, 8, 6], w: [1, 1, 6, 5], strides: 2, pad: "valid", depthwise: false, why: "ResNet 1x1/2" },
  { x: [2, 8, 8, 6], w: [1, 1, 6, 5], strides: 1, pad: "same", depthwise: false, why: "1x1 bottleneck" },
  { x: [2, 8, 8, 3], w: [1, 1, 3, 7], strides: 1, pad: "same", depthwise: false, why: "1x1 expanding" },
  { x: [2, 9, 9, 4], w: [3, 3, 4, 6], strides: 1, pad: "same", depthwise: false, why: "VGG 3x3 same" },
  { x: [2, 9, 9, 4], w: [3, 3, 4, 6], strides: 1, pad: "valid", depthwise: false, why: "3x3 valid" },
  { x: [2, 12, 12, 3], w: [5, 5, 3, 4], strides: 1, pad: "same", depthwise: false, why: "AlexNet 5x5" },
  { x: [2, 9, 9, 4], w: [3, 3, 4, 1], strides: 1, pad: "same", depthwise: true, why: "MobileNet dw 3x3/1" },
  { x: [2, 10, 10, 4], w: [3, 3, 4, 1], strides: 2, pad: "same", depthwise: true, why: "MobileNet dw 3x3/2" },
  { x: [2, 11, 11, 4], w: [3, 3, 4, 1], strides: 2, pad: "valid", depthwise: true, why: "dw 3x3/2 valid" },
  { x: [1, 7, 7, 3], w: [3, 3, 3, 2], strides: 1, pad: "same", depthwise: true, why: "dw multiplier 2" },
  { x: [2, 11, 11, 4], w: [3, 3, 4, 5], strides: 1, pad: "same", depthwise: false, dilation: 2, why: "dilated 3x3" },
  { x: [2, 11, 11, 4], w: [3, 3, 4, 1], strides: 1, pad: "valid", depthwise: true, dilation: 2, why: "dilated dw" },
];

/** Randomized shapes, seeded: batch, sizes, channels, kernel sides, strides (each side its own), padding. */
function randomCases(count: number, seed: number): ConvCase[] {
  const rng = createRng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
  return Array.from({ length: count }, (_, i) => {
    const depthwise = i % 3 === 2, kh = int(1, 5), kw = int(1, 4), inC = int(1, 8);
    return {
      x: [int(1, 3), int(kh + 1, 16), int(kw + 1, 16), inC],
      w: [kh, kw, inC, depthwise ? int(1, 2) : int(1, 9)],
      strides: [int(1, 3), int(1, 3)],
      pad: rng.next() < 0.5 ? "same" : "valid",
      depthwise,
      why: `random ${i}`,
    } as ConvCase;
  });
}

/** The conv, and the gradients of sum(conv * r) with respect to x and w (none for dilation: tfjs has none). */
function convOutputs(c: ConvCase): tf.Tensor[] {
  const x = tf.tensor4d(data(c.x, 1), c.x), w = tf.tensor4d(data(c.w, 2), c.w);
  const d = c.dilation ?? 1;
  const f = (a: tf.Tensor4D, b: tf.Tensor4D) =>
    c.depthwise ? tf.depthwiseConv2d(a, b, c.strides, c.pad, "NHWC", d) : tf.conv2d(a, b, c.strides, c.pad, "NHWC", d);
  const y = f(x, w);
  if (d > 1) return [y];
  const r = tf.tensor(data(y.shape, 3), y.shape);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor4D, b as tf.Tensor4D).mul(r).sum())([x, w]);
  return [y, dx, dw];
}

/** Average pooling that leaves padding out of the count, as depthwise convolutions with ones. */
function averageByConv(x: tf.Tensor4D, k: number, s: number, pad: "same" | "valid"): tf.Tensor4D {
  const c = x.shape[3];
  const ones = tf.ones([k, k, c, 1]) as tf.Tensor4D;
  const sums = tf.depthwiseConv2d(x, ones, s, pad);
  const counts = tf.depthwiseConv2d(tf.onesLike(x) as tf.Tensor4D, ones, s, pad);
  return sums.div(counts);
}

for (const backend of BACKENDS) {
  const ignore = backend === "onednn" && onednnMissing;

  Deno.test({
    name: `${backend}: conv and depthwise conv, forward and both gradients, match cpu on the paper's layers`,
    ignore,
    fn: async () => {
      for (const c of PAPER_CASES) await matchesCpu(backend, `${c.why} x=${c.x} w=${c.w}`, () => convOutputs(c));
    },
  });

  Deno.test({
    name: `${backend}: conv and depthwise conv match cpu on randomized shapes`,
    ignore,
    fn: async () => {
      for (const c of randomCases(12, 7)) {
        await matchesCpu(backend, `${c.why} x=${c.x} w=${c.w} s=${c.strides} ${c.pad}`, () => convOutputs(c));
      }
    },
  });

  Deno.test({
    name: `${backend}: fused conv with bias and ReLU, ReLU6 or none, and its gradients, match cpu`,
    ignore,
    fn: async () => {
      for (const activation of ["linear", "relu", "relu6"] as const) {
        for (const depthwise of [false, true]) {
          await matchesCpu(backend, `fused ${depthwise ? "depthwise " : ""}${activation}`, () => {
            const x = tf.tensor4d(data([2, 9, 9, 4], 1, 3), [2, 9, 9, 4]);
            const w = tf.tensor4d(data([3, 3, 4, depthwise ? 1 : 6], 2), [3, 3, 4, depthwise ? 1 : 6]);
            const b = tf.tensor1d(data([depthwise ? 4 : 6], 3));
            const f = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => {
              const args = { x: xi as tf.Tensor4D, filter: wi as tf.Tensor4D, strides: 2, pad: "same" as const };
              return depthwise
                ? tf.fused.depthwiseConv2d({ ...args, bias: bi, activation })
                : tf.fused.conv2d({ ...args, bias: bi, activation });
            };
            const y = f(x, w, b);
            const r = tf.tensor(data(y.shape, 4), y.shape);
            return [
              y,
              ...tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => f(xi, wi, bi).mul(r).sum())([x, w, b]),
            ];
          });
        }
      }
    },
  });

  Deno.test({
    name: `${backend}: matMul in every transpose, batched, broadcast and fused with bias and ReLU, match cpu`,
    ignore,
    fn: async () => {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        await matchesCpu(backend, `matMul ta=${ta} tb=${tb}`, () => {
          const a = tf.tensor2d(data([7, 5], 1), ta ? [7, 5] : [5, 7]);
          const b = tf.tensor2d(data([7, 6], 2), tb ? [6, 7] : [7, 6]);
          return [tf.matMul(a, b, ta, tb)];
        });
      }
      await matchesCpu(backend, "batched", () => [
        tf.matMul(tf.tensor3d(data([3, 4, 5], 1), [3, 4, 5]), tf.tensor3d(data([3, 5, 2], 2), [3, 5, 2])),
      ]);
      await matchesCpu(backend, "batch broadcast", () => [
        tf.matMul(tf.tensor3d(data([1, 4, 5], 1), [1, 4, 5]), tf.tensor3d(data([3, 5, 2], 2), [3, 5, 2])),
      ]);
      await matchesCpu(backend, "dense layer, fused, with gradients", () => {
        const x = tf.tensor2d(data([16, 300], 1), [16, 300]), w = tf.tensor2d(data([300, 64], 2, 0.1), [300, 64]);
        const b = tf.tensor1d(data([64], 3));
        const f = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
          tf.fused.matMul({ a: xi as tf.Tensor2D, b: wi as tf.Tensor2D, bias: bi, activation: "relu" });
        const r = tf.tensor2d(data([16, 64], 4), [16, 64]);
        return [
          f(x, w, b),
          ...tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => f(xi, wi, bi).mul(r).sum())([x, w, b]),
        ];
      });
    },
  });

  Deno.test({
    name: `${backend}: max and average pooling and their gradients match cpu`,
    ignore,
    fn: async () => {
      const cases: [number, number, "same" | "valid"][] = [[3, 2, "same"], [2, 2, "valid"], [3, 1, "same"], [
        3,
        2,
        "valid",
      ]];
      for (const [k, s, pad] of cases) {
        for (const kind of ["max", "avg"] as const) {
          const label = `${kind} pool ${k}x${k}/${s} ${pad}`;
          const build = (reference: boolean) => () => {
            const x = tf.tensor4d(data([2, 11, 11, 5], 1), [2, 11, 11, 5]);
            const f = (xi: tf.Tensor) =>
              kind === "max"
                ? tf.maxPool(xi as tf.Tensor4D, k, s, pad)
                : reference
                ? averageByConv(xi as tf.Tensor4D, k, s, pad)
                : tf.avgPool(xi as tf.Tensor4D, k, s, pad);
            const y = f(x);
            const r = tf.tensor(data(y.shape, 2), y.shape);
            return [y, tf.grad((xi: tf.Tensor) => f(xi).mul(r).sum())(x)];
          };
          // tfjs' own AvgPoolGrad (cpu, and wasm after it) divides by the whole window even where 'same' padding
          // left it short, which is not the gradient of its forward; oneDNN's is. Checked there against the
          // gradient of the same average written as convolutions.
          const shortWindows = kind === "avg" && pad === "same";
          if (shortWindows && backend === "wasm") continue;
          const fast = await outputs(backend, build(false));
          const cpu = await outputs("cpu", build(shortWindows));
          fast.forEach((f, i) => {
            assertEquals(f.shape, cpu[i].shape, `${label}: shape of output ${i}`);
            assertLess(relError(f.values, cpu[i].values), REL_TOL, `${label}: output ${i} on ${backend}`);
          });
        }
      }
    },
  });

  Deno.test({
    name: `${backend}: training-mode batch norm and its whole gradient match cpu's composition`,
    ignore,
    fn: async () => {
      for (const shape of [[8, 6, 6, 16], [4, 3], [2, 17, 17, 64]]) {
        const c = shape[shape.length - 1];
        const build = (fused: boolean) => () => {
          const x = tf.tensor(data(shape, 1, 2), shape).add(0.5);
          const gamma = tf.tensor1d(data([c], 2)), beta = tf.tensor1d(data([c], 3));
          const r = tf.tensor(data(shape, 4), shape);
          const f = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
            if (fused) {
              const { y, mean, variance } = batchNormTraining(xi, g, b, 1e-3);
              tf.dispose([mean, variance]); // kept out of tidy for the moving averages
              return y;
            }
            const { mean, variance } = tf.moments(xi, shape.map((_, i) => i).slice(0, -1));
            return xi.sub(mean).div(variance.add(1e-3).sqrt()).mul(g).add(b);
          };
          return [
            f(x, gamma, beta),
            ...tf.grads((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => f(xi, g, b).mul(r).sum())([x, gamma, beta]),
          ];
        };
        const fast = await outputs(backend, build(true));
        const cpu = await outputs("cpu", build(false));
        fast.forEach((f, i) => {
          assertEquals(f.shape, cpu[i].shape);
          assertLess(relError(f.values, cpu[i].values), REL_TOL, `batch norm ${shape}, output ${i} on ${backend}`);
        });
      }
    },
  });

  Deno.test({
    name: `${backend}: elementwise ops, broadcasts, ReLU, ReLU6, clip and their gradients match cpu`,
    ignore,
    fn: async () => {
      const big: number[] = [8, 16, 16, 32];
      const pairs: [string, number[], number[]][] = [
        ["same shape", big, big],
        ["bias", big, [32]],
        ["pooled", [8, 4, 4, 64], [8, 1, 1, 64]],
        ["scalar", big, []],
        ["broadcast first", [32], big],
      ];
      for (const [what, sa, sb] of pairs) {
        await matchesCpu(backend, `binary ${what}`, () => {
          const a = tf.tensor(data(sa, 1), sa), b = tf.tensor(data(sb, 2), sb).abs().add(0.5);
          return [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b), tf.maximum(a, b), tf.minimum(a, b)];
        });
      }
      await matchesCpu(backend, "activations", () => {
        const x = tf.tensor(data(big, 1, 5), big);
        const r = tf.tensor(data(big, 2), big);
        const acts = [
          (t: tf.Tensor) => tf.relu(t),
          (t: tf.Tensor) => tf.relu6(t),
          (t: tf.Tensor) => tf.clipByValue(t, -1, 3),
        ];
        return acts.flatMap((f) => [f(x), tf.grad((t: tf.Tensor) => f(t).mul(r).sum())(x)]);
      });
    },
  });

  Deno.test({
    name: `${backend}: an image transform of a batch matches cpu's, image by image`,
    ignore,
    fn: async () => {
      // tfjs' cpu Transform returns after the first image of a batch, so the reference runs it on one at a time.
      const shape: Shape4 = [4, 20, 24, 2];
      const rows = [[1.1, 0.2, -2, -0.1, 0.9, 1.5, 0, 0], [0.8, 0, 3, 0, 0.8, 3, 0, 0]];
      const build = (oneByOne: boolean) => () =>
        // Bilinear, as our augmentation uses (wasm's nearest rounds halves another way than cpu's).
        ["bilinear"].map((interpolation) => {
          const x = tf.tensor4d(data(shape, 1), shape);
          const t = tf.tensor2d([rows[0], rows[1], rows[0], rows[1]]);
          const f = (xi: tf.Tensor4D, ti: tf.Tensor2D) =>
            tf.image.transform(xi, ti, interpolation as "bilinear", "constant", 0.25);
          if (!oneByOne) return f(x, t);
          return tf.concat(tf.split(x, 4).map((xi, i) => f(xi as tf.Tensor4D, tf.slice(t, [i, 0], [1, 8]))));
        });
      const fast = await outputs(backend, build(false));
      const cpu = await outputs("cpu", build(true));
      fast.forEach((f, i) => {
        assertEquals(f.shape, cpu[i].shape);
        assertLess(relError(f.values, cpu[i].values), REL_TOL, `transform ${i} on ${backend}`);
      });
    },
  });

  Deno.test({
    name: `${backend}: sums, means, slice, pad, concat and split match cpu`,
    ignore,
    fn: async () => {
      const shape = [8, 16, 16, 32];
      await matchesCpu(backend, "reductions", () => {
        const x = tf.tensor(data(shape, 1), shape);
        return [
          tf.sum(x, [0, 1, 2]),
          tf.sum(x, [1, 2], true),
          tf.sum(x, 3),
          tf.mean(x, [1, 2]),
          tf.mean(x, [0]),
          tf.sum(x, [0, 2]),
        ];
      });
      await matchesCpu(backend, "copies", () => {
        const x = tf.tensor4d(data(shape, 1), shape as Shape4);
        const parts = tf.split(x, [5, 27], 3);
        return [
          tf.slice(x, [1, 2, 3, 4], [5, 6, 7, 8]),
          tf.slice(x, [0, 1, 1, 0], [-1, 14, 14, -1]),
          tf.pad(x, [[0, 0], [1, 2], [3, 0], [0, 0]]),
          tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], -1.5),
          tf.concat([x, x.mul(2)], 3),
          tf.concat([x, x], 0),
          ...parts,
        ];
      });
    },
  });
}

Deno.test({
  name: `onednn: batch norm with the ReLU after it fused in, and its gradient, match cpu's composition`,
  ignore: onednnMissing, // the fused ReLU runs on onednn only
  fn: async () => {
    for (const shape of [[8, 6, 6, 16], [2, 17, 17, 64]]) {
      const c = shape[shape.length - 1];
      const build = (fused: boolean) => () => {
        const x = tf.tensor(data(shape, 1, 2), shape).add(0.2);
        const gamma = tf.tensor1d(data([c], 2)), beta = tf.tensor1d(data([c], 3));
        const r = tf.tensor(data(shape, 4), shape);
        const f = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          if (fused) {
            const { y, mean, variance } = batchNormTraining(xi, g, b, 1e-3, true);
            tf.dispose([mean, variance]);
            return y;
          }
          const { mean, variance } = tf.moments(xi, shape.map((_, i) => i).slice(0, -1));
          return tf.relu(xi.sub(mean).div(variance.add(1e-3).sqrt()).mul(g).add(b));
        };
        const grads = tf.grads((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => f(xi, g, b).mul(r).sum());
        return [f(x, gamma, beta), ...grads([x, gamma, beta])];
      };
      const fast = await outputs("onednn", build(true));
      const cpu = await outputs("cpu", build(false));
      fast.forEach((f, i) => {
        assertEquals(f.shape, cpu[i].shape);
        assertLess(relError(f.values, cpu[i].values), REL_TOL, `batch norm + ReLU ${shape}, output ${i}`);
      });
    }
  },
});
