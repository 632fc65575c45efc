/**
 * Fused training kernels for the tfjs `wasm` backend: batch norm (forward
 * and backward), the ReLU / clipped-ReLU gradient and the Adam update, each
 * one or two plain loops over the wasm heap.
 *
 * Why: tfjs composes these from many small ops. Batch norm's backward pass
 * alone is over a dozen full passes over the feature map (moments, Tile,
 * Sum, Mean, RealDiv, ...), ReLU6's gradient is four (GreaterEqual,
 * LessEqual, LogicalAnd, Select) and Adam about ten per variable, each with
 * tfjs' per-op overhead (about 0.1 ms, times thousands of ops in a ResNet50
 * step). Profiles of ResNet50, DenseNet121 and the MobileNets on wasm spent
 * a fifth to a third of a step there (`deno task bench --profile`).
 *
 * Each kernel reads its inputs and writes its outputs in the wasm heap (no
 * copies). Batch-norm statistics are summed in float64. The Adam update
 * rounds every step to float32 in tfjs' order, so it is bit-identical to
 * `tf.train.adam` (tested).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { bufferPool } from "./onednn/buffer_pool.ts";

/** The parts of tfjs' cpu backend (and so of `onednn`) these kernels use. */
interface ArrayBackend {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

/** Backends the fused kernels run on. */
const FUSED_BACKENDS = ["wasm", "onednn"] as const;

/** New outputs and float32 views of tensors: tfjs' BackendWasm has these two (on its heap). */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** Adapts a kernel's backend to {@link HeapBackend}. */
function heapOf(backend: unknown): HeapBackend {
  const wasm = backend as Partial<HeapBackend>;
  if (typeof wasm.typedArrayFromHeap === "function") return backend as HeapBackend;
  const cpu = backend as ArrayBackend;
  return {
    makeOutput: (shape, dtype) => {
      if (dtype !== "float32") throw new TypeError(`fused kernels make float32 outputs only, not ${dtype}`);
      return cpu.makeTensorInfo(shape, dtype, bufferPool.take(shape.reduce((a, b) => a * b, 1)));
    },
    typedArrayFromHeap: (info) => {
      const values = cpu.data.get(info.dataId).values;
      if (!(values instanceof Float32Array)) throw new TypeError("fused kernels take float32 tensors only");
      return values;
    },
  };
}

type KernelConfig = Parameters<tf.KernelFunc>[0];

/** Kernel names of the fused training kernels (see {@link registerFusedKernels} for where each runs). */
export const FUSED_KERNELS = {
  batchNormTrain: "LumbarBatchNormTrain",
  batchNormGrad: "LumbarBatchNormGrad",
  clipGrad: "LumbarClipGrad",
  /** Batch norm then ReLU in one pass, and its gradient: registered on onednn only. */
  batchNormReluTrain: "LumbarBatchNormReluTrain",
  batchNormReluGrad: "LumbarBatchNormReluGrad",
} as const;

/**
 * Allocates outputs first and takes every heap view after: an allocation
 * can grow wasm memory, which replaces the heap buffer.
 */
function withHeap(
  config: KernelConfig,
  inputNames: string[],
  outShapes: number[][],
): { ins: Float32Array[]; outs: Float32Array[]; infos: tf.TensorInfo[] } {
  const backend = heapOf(config.backend);
  const infos = outShapes.map((s) => backend.makeOutput(s, "float32"));
  const inputs = config.inputs as Record<string, tf.TensorInfo>;
  const ins = inputNames.map((n) => {
    const info = inputs[n];
    if (info.dtype !== "float32") throw new TypeError(`fused kernel input ${n} must be float32, got ${info.dtype}`);
    return backend.typedArrayFromHeap(info);
  });
  const outs = infos.map((i) => backend.typedArrayFromHeap(i));
  return { ins, outs, infos };
}

/**
 * Batch norm in training mode over every axis but the last: outputs `y`,
 * the batch mean and (biased, as tfjs' `moments`) variance, and
 * 1/sqrt(variance + epsilon).
 */
function batchNormTrainKernel(config: KernelConfig): tf.TensorInfo[] {
  const x = (config.inputs as Record<string, tf.TensorInfo>).x;
  const channels = x.shape[x.shape.length - 1];
  const { epsilon } = config.attrs as unknown as { epsilon: number };
  const { ins: [xs, gamma, beta], outs: [y, mean, variance, invStd], infos } = withHeap(
    config,
    ["x", "gamma", "beta"],
    [x.shape, [channels], [channels], [channels]],
  );
  const n = xs.length / channels;
  // One pass for both moments, shifted by each channel's first value so
  // that float64 sums of squares do not cancel.
  const shiftBy = Float64Array.from(xs.subarray(0, channels));
  const s1 = new Float64Array(channels), s2 = new Float64Array(channels);
  for (let i = 0; i < xs.length;) {
    for (let c = 0; c < channels; c++, i++) {
      const d = xs[i] - shiftBy[c];
      s1[c] += d;
      s2[c] += d * d;
    }
  }
  const mu = new Float64Array(channels), acc = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = s1[c] / n;
    mu[c] = shiftBy[c] + m;
    acc[c] = Math.max(0, s2[c] - n * m * m);
  }
  const scale = new Float64Array(channels), shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const v = acc[c] / n, inv = 1 / Math.sqrt(v + epsilon);
    mean[c] = mu[c];
    variance[c] = v;
    invStd[c] = inv;
    scale[c] = gamma[c] * inv;
    shift[c] = beta[c] - mu[c] * scale[c];
  }
  for (let i = 0; i < xs.length;) {
    for (let c = 0; c < channels; c++, i++) y[i] = xs[i] * scale[c] + shift[c];
  }
  return infos;
}

/**
 * The whole derivative of training-mode batch norm (through the batch mean
 * and variance too), with xhat = (x - mean) * invStd over N values per channel:
 * dbeta = sum(dy), dgamma = sum(dy * xhat),
 * dx = gamma * invStd * (dy - dbeta / N - xhat * dgamma / N).
 */
function batchNormGradKernel(config: KernelConfig): tf.TensorInfo[] {
  const x = (config.inputs as Record<string, tf.TensorInfo>).x;
  const channels = x.shape[x.shape.length - 1];
  const { ins: [dy, xs, gamma, mean, invStd], outs: [dx, dGamma, dBeta], infos } = withHeap(
    config,
    ["dy", "x", "gamma", "mean", "invStd"],
    [x.shape, [channels], [channels]],
  );
  const n = xs.length / channels;
  const sumDy = new Float64Array(channels), sumDyXc = new Float64Array(channels);
  const mu = Float64Array.from(mean);
  for (let i = 0; i < xs.length;) {
    for (let c = 0; c < channels; c++, i++) {
      const d = dy[i];
      sumDy[c] += d;
      sumDyXc[c] += d * (xs[i] - mu[c]);
    }
  }
  // dx = a * dy + b * x + k per channel.
  const a = new Float64Array(channels), b = new Float64Array(channels), k = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const inv = invStd[c];
    dBeta[c] = sumDy[c];
    dGamma[c] = sumDyXc[c] * inv;
    a[c] = gamma[c] * inv;
    const e = (inv * inv * sumDyXc[c]) / n;
    b[c] = -a[c] * e;
    k[c] = a[c] * (e * mu[c] - sumDy[c] / n);
  }
  for (let i = 0; i < xs.length;) {
    for (let c = 0; c < channels; c++, i++) dx[i] = a[c] * dy[i] + b[c] * xs[i] + k[c];
  }
  return infos;
}

/**
 * Gradient of clip(x, lo, hi): dy where lo <= x <= hi (lo < x with
 * `loExclusive`), else 0: tfjs' ClipByValue rule, and ReLU's (dy where
 * x > 0) with lo = 0 exclusive and hi = Infinity.
 *
 * ReLU's case is branch-free on the float bits: x > 0 exactly when its bit
 * pattern b is a positive int32, and ((-b) & ~b) has its sign bit set then
 * only. A branch on the sign of x (half the pre-activations) mispredicts so
 * often that it measured 7 ns per value, against about 1 ns. NaN in x passes
 * dy through there (tfjs gives NaN); the NaN guard on the loss still sees it.
 */
function clipGradKernel(config: KernelConfig): tf.TensorInfo {
  const x = (config.inputs as Record<string, tf.TensorInfo>).x;
  const { lo, hi, loExclusive } = config.attrs as unknown as { lo: number; hi: number; loExclusive: boolean };
  const { ins: [dy, xs], outs: [dx], infos } = withHeap(config, ["dy", "x"], [x.shape]);
  const n = xs.length;
  if (loExclusive && lo === 0 && hi === Infinity) {
    const bits = new Int32Array(xs.buffer, xs.byteOffset, n);
    const dyBits = new Int32Array(dy.buffer, dy.byteOffset, n);
    const dxBits = new Int32Array(dx.buffer, dx.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const b = bits[i];
      dxBits[i] = dyBits[i] & (((-b) & ~b) >> 31);
    }
  } else if (loExclusive) {
    for (let i = 0; i < n; i++) {
      const v = xs[i];
      dx[i] = v > lo && v <= hi ? dy[i] : 0;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = xs[i];
      dx[i] = v >= lo && v <= hi ? dy[i] : 0;
    }
  }
  return infos[0];
}

/** Constants of one Adam step: every one already a float32, as tfjs makes its scalars. */
export interface AdamKernelAttrs {
  beta1: number;
  beta2: number;
  /** 1 - beta1 and 1 - beta2. */
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  /** 1 - beta1^t and 1 - beta2^t, as tfjs computes them in float32. */
  biasCorrection1: number;
  biasCorrection2: number;
  epsilon: number;
  negLearningRate: number;
}

/**
 * One Adam step, in tfjs' order of float32 operations:
 * m' = m*b1 + g*(1-b1); v' = v*b2 + g²*(1-b2);
 * w' = (m'/c1) / (sqrt(v'/c2) + eps) * -lr + w.
 * The moments are updated in place; the new value goes to `w2`.
 */
function adamLoop(
  w: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  w2: Float32Array,
  a: AdamKernelAttrs,
): void {
  const f = Math.fround;
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, biasCorrection1, biasCorrection2, epsilon, negLearningRate } = a;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * beta1) + f(gi * oneMinusBeta1));
    const vi = f(f(v[i] * beta2) + f(f(gi * gi) * oneMinusBeta2));
    m[i] = mi;
    v[i] = vi;
    const mHat = f(mi / biasCorrection1), vHat = f(vi / biasCorrection2);
    const denom = f(f(Math.sqrt(vHat)) + epsilon);
    w2[i] = f(f(f(mHat / denom) * negLearningRate) + w[i]);
  }
}

/**
 * One Adam step in double precision, each result rounded to float32 once
 * when stored: w' = w - (lr / c1) m' / (sqrt(v') / sqrt(c2) + eps). Not
 * bit-identical to tfjs' Adam (which rounds after every operation) but
 * closer to the exact update, and 3.5 ns per value against 12 for
 * {@link adamLoop}: the onednn backend, whose tfjs ops are JS loops too,
 * runs every variable through it (ResNet50's 23.6M weights: 83 ms a step,
 * not 280).
 */
function adamLoopDouble(
  w: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  w2: Float32Array,
  a: AdamKernelAttrs,
): void {
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, biasCorrection1, biasCorrection2, epsilon, negLearningRate } = a;
  const rootC2 = 1 / Math.sqrt(biasCorrection2), step = negLearningRate / biasCorrection1;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = m[i] * beta1 + gi * oneMinusBeta1;
    const vi = v[i] * beta2 + gi * gi * oneMinusBeta2;
    m[i] = mi;
    v[i] = vi;
    w2[i] = w[i] + step * mi / (Math.sqrt(vi) * rootC2 + epsilon);
  }
}

/**
 * On wasm, variables up to this size (2^18 values) take the fused step; larger ones tfjs' own ops. On onednn every
 * variable does: tfjs' ops there are plain JS loops too, each a pass and an allocation.
 */
const WASM_FUSED_ADAM_MAX_SIZE = 1 << 18;

/**
 * One Adam step ({@link adamLoop} on wasm, {@link adamLoopDouble} on
 * onednn): the moments written in place, when the backend holds each for
 * that one tensor only (a clone shares its data, and must not change), the
 * new value in one new tensor. On wasm, small variables only: the
 * float32-exact JS loop costs 10-20 ns per value
 * against about 11 for tfjs' ten ops, but tfjs pays about 1 ms of per-op
 * overhead per variable, which dominates the hundreds of batch-norm and bias
 * vectors of ResNet50 and DenseNet121. The value itself must not change in
 * place: XNNPACK caches the packed weights of a conv or matMul by tensor and
 * would go on using the old ones (seen as wrong gradients on the next step).
 *
 * @returns False, changing nothing, where it cannot run or should not: not wasm or onednn, not float32, shared
 *   moments, or on wasm a variable over {@link WASM_FUSED_ADAM_MAX_SIZE} values.
 */
export function fusedAdamStep(
  value: tf.Variable,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  attrs: AdamKernelAttrs,
): boolean {
  if (!fusedKernelsActive()) return false;
  const onednn = tf.getBackend() === "onednn";
  if (!onednn && value.size > WASM_FUSED_ADAM_MAX_SIZE) return false;
  const engineBackend = tf.backend() as unknown as { refCount(dataId: tf.DataId): number };
  const backend = heapOf(engineBackend);
  if ([value, m, v, g].some((t) => t.dtype !== "float32")) return false;
  if ([m, v].some((t) => engineBackend.refCount(t.dataId) !== 1)) return false;
  const out = backend.makeOutput(value.shape, "float32");
  const [w, mm, vv, gg, w2] = [value, m, v, g, out].map((t) => backend.typedArrayFromHeap(t));
  (onednn ? adamLoopDouble : adamLoop)(w, mm, vv, gg, w2, attrs);
  const next = tf.engine().makeTensorFromTensorInfo(out);
  value.assign(next);
  next.dispose();
  return true;
}

let registered = false;

/** Registers the fused kernels on wasm and onednn. Safe to call more than once. */
export function registerFusedKernels(): void {
  if (registered) return;
  registered = true;
  const kernels: [string, tf.KernelFunc][] = [
    [FUSED_KERNELS.batchNormTrain, batchNormTrainKernel as unknown as tf.KernelFunc],
    [FUSED_KERNELS.batchNormGrad, batchNormGradKernel as unknown as tf.KernelFunc],
    [FUSED_KERNELS.clipGrad, clipGradKernel as unknown as tf.KernelFunc],
  ];
  for (const backendName of FUSED_BACKENDS) {
    for (const [kernelName, kernelFunc] of kernels) {
      if (tf.getKernel(kernelName, backendName) == null) tf.registerKernel({ kernelName, backendName, kernelFunc });
    }
  }
}

/** `LUMBAR_FUSED=0` turns the fused kernels off, to compare against tfjs' own ops. */
function fusedFromEnv(): boolean {
  try {
    return Deno.env.get("LUMBAR_FUSED") !== "0";
  } catch {
    return true; // no env permission: the default
  }
}

let enabled = fusedFromEnv();

/**
 * Turns the fused kernels on or off (they are on by default on wasm). Off,
 * tfjs' own compositions run: for tests and benchmarks that compare them.
 *
 * @returns The previous setting.
 */
export function setFusedKernels(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Whether the fused kernels are switched on (they still run on wasm only). */
export function fusedKernelsEnabled(): boolean {
  return enabled;
}

/** Whether the fused kernels run now: enabled, registered and the backend is wasm or onednn. */
export function fusedKernelsActive(): boolean {
  return enabled && registered && (FUSED_BACKENDS as readonly string[]).includes(tf.getBackend());
}
