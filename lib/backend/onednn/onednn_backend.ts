/**
 * The `onednn` backend: tfjs' `cpu` backend (tensors are typed arrays in
 * ordinary memory, not the 4 GiB wasm heap), with every `cpu` kernel
 * registered under the new name too, and the kernels that dominate
 * training, inference and Grad-CAM routed to oneDNN: convolutions (plain,
 * fused, depthwise, and their gradients), matrix products and pooling.
 * A routed kernel falls back to the `cpu` one for what it does not cover
 * (NCHW, non-float32, broadcasts sgemm cannot express, other activations).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { type DnnlLibrary, openDnnl } from "./dnnl_library.ts";
import { clearPrimitiveCache, dnnlContext } from "./dnnl_primitive.ts";
import { type ConvActivation, convBackwardData, convBackwardWeights, convForward } from "./conv_kernels.ts";
import { poolBackward, poolForward, type PoolKind } from "./pool_kernels.ts";
import { batchMatMul } from "./matmul_kernels.ts";
import { float32Of, float32Output, type KernelArgs, sizeOf } from "./kernel_io.ts";
import { binary, type BinaryOp, eltwiseBackward, eltwiseForward, NATIVE_MIN_SIZE } from "./elementwise_kernels.ts";
import { sumMatrix } from "./reduce_kernels.ts";
import { padArray, sliceArray } from "./copy_kernels.ts";
import { batchNormGrad, batchNormTrain } from "./batch_norm_kernels.ts";
import { FUSED_KERNELS, registerFusedKernels } from "../fused_kernels.ts";

/** The backend's name, as `tf.getBackend()` reports it. */
export const ONEDNN_BACKEND = "onednn";

/** tfjs' cpu backend, with the primitive cache freed on dispose. */
class OneDnnBackend extends MathBackendCPU {
  constructor() {
    super();
    // The cpu backend otherwise prints an advert for tfjs-node on first use.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  override dispose(): void {
    clearPrimitiveCache();
    super.dispose();
  }
}

type Attrs = Record<string, unknown>;
type Fast = (args: KernelArgs, backend: MathBackendCPU) => tf.TensorInfo | undefined;
const bu = tf.backend_util;

/** Activations a fused conv or matmul can take natively. */
function nativeActivation(attrs: Attrs): ConvActivation | undefined {
  const a = (attrs.activation as string | undefined) ?? "linear";
  return a === "linear" || a === "relu" || a === "relu6" ? a : undefined;
}

function channelsLast(attrs: Attrs): boolean {
  const f = attrs.dataFormat as string | undefined;
  return f == null || bu.convertConv2DDataFormat(f as "NHWC" | "NCHW") === "channelsLast";
}

function inputsOf(args: KernelArgs): Record<string, tf.TensorInfo | null | undefined> {
  return args.inputs as unknown as Record<string, tf.TensorInfo | null | undefined>;
}

function conv(depthwise: boolean, fused: boolean): Fast {
  return (args, backend) => {
    const { x, filter, bias, preluActivationWeights } = inputsOf(args);
    const attrs = args.attrs as Attrs;
    const activation = fused ? nativeActivation(attrs) : "linear";
    if (activation == null || preluActivationWeights != null || !channelsLast(attrs)) return undefined;
    const info = bu.computeConv2DInfo(
      x!.shape as [number, number, number, number],
      filter!.shape as [number, number, number, number],
      attrs.strides as [number, number],
      (attrs.dilations as [number, number] | undefined) ?? [1, 1],
      attrs.pad as "same",
      attrs.dimRoundingMode as "round" | undefined,
      depthwise,
    );
    if (bias != null && sizeOf(bias.shape) !== info.outChannels) return undefined;
    const xs = float32Of(backend, x!), ws = float32Of(backend, filter!);
    const bs = bias != null ? float32Of(backend, bias) : undefined;
    if (xs == null || ws == null || (bias != null && bs == null)) return undefined;
    return float32Output(backend, info.outShape, convForward(info, depthwise, xs, ws, bs, activation));
  };
}

function convInputGrad(depthwise: boolean): Fast {
  return (args, backend) => {
    const { dy, filter } = inputsOf(args);
    const attrs = args.attrs as Attrs;
    if (!channelsLast(attrs)) return undefined;
    const inputShape = attrs.inputShape as [number, number, number, number];
    const info = bu.computeConv2DInfo(
      inputShape,
      filter!.shape as [number, number, number, number],
      attrs.strides as [number, number],
      (attrs.dilations as [number, number] | undefined) ?? [1, 1],
      attrs.pad as "same",
      attrs.dimRoundingMode as "round" | undefined,
      depthwise,
    );
    const dys = float32Of(backend, dy!), ws = float32Of(backend, filter!);
    if (dys == null || ws == null) return undefined;
    return float32Output(backend, [...inputShape], convBackwardData(info, depthwise, dys, ws));
  };
}

function convFilterGrad(depthwise: boolean): Fast {
  return (args, backend) => {
    const { x, dy } = inputsOf(args);
    const attrs = args.attrs as Attrs;
    if (!channelsLast(attrs)) return undefined;
    const filterShape = attrs.filterShape as [number, number, number, number];
    const info = bu.computeConv2DInfo(
      x!.shape as [number, number, number, number],
      filterShape,
      attrs.strides as [number, number],
      (attrs.dilations as [number, number] | undefined) ?? [1, 1],
      attrs.pad as "same",
      attrs.dimRoundingMode as "round" | undefined,
      depthwise,
    );
    const xs = float32Of(backend, x!), dys = float32Of(backend, dy!);
    if (xs == null || dys == null) return undefined;
    return float32Output(backend, [...filterShape], convBackwardWeights(info, depthwise, xs, dys));
  };
}

function poolInfo(shape: number[], attrs: Attrs): tf.backend_util.Conv2DInfo {
  return bu.computePool2DInfo(
    shape as [number, number, number, number],
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as "same",
    attrs.dimRoundingMode as "round" | undefined,
  );
}

function pool(kind: PoolKind): Fast {
  return (args, backend) => {
    const { x } = inputsOf(args);
    const xs = float32Of(backend, x!);
    if (xs == null) return undefined;
    const info = poolInfo(x!.shape, args.attrs as Attrs);
    return float32Output(backend, info.outShape, poolForward(info, kind, xs));
  };
}

function poolGrad(kind: PoolKind): Fast {
  return (args, backend) => {
    const { dy, input } = inputsOf(args);
    const dys = float32Of(backend, dy!), xs = float32Of(backend, input!);
    if (dys == null || xs == null) return undefined;
    const info = poolInfo(input!.shape, args.attrs as Attrs);
    return float32Output(backend, [...input!.shape], poolBackward(info, kind, dys, xs));
  };
}

function applyActivation(values: Float32Array, activation: ConvActivation): void {
  if (activation === "linear") return;
  const hi = activation === "relu6" ? 6 : Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    values[i] = v > 0 ? (v < hi ? v : hi) : (v === v ? 0 : v);
  }
}

function matMul(fused: boolean): Fast {
  return (args, backend) => {
    const { a, b, bias, preluActivationWeights } = inputsOf(args);
    const attrs = args.attrs as Attrs;
    const activation = fused ? nativeActivation(attrs) : "linear";
    if (activation == null || preluActivationWeights != null) return undefined;
    const transposeA = attrs.transposeA === true, transposeB = attrs.transposeB === true;
    const ra = a!.shape.length, rb = b!.shape.length;
    if (ra < 2 || rb < 2) return undefined;
    const m = transposeA ? a!.shape[ra - 1] : a!.shape[ra - 2];
    const k = transposeA ? a!.shape[ra - 2] : a!.shape[ra - 1];
    const kb = transposeB ? b!.shape[rb - 1] : b!.shape[rb - 2];
    const n = transposeB ? b!.shape[rb - 2] : b!.shape[rb - 1];
    if (k !== kb) return undefined; // the cpu kernel gives tfjs' own error
    const outerA = a!.shape.slice(0, -2), outerB = b!.shape.slice(0, -2);
    const batchA = sizeOf(outerA), batchB = sizeOf(outerB);
    let outer: number[];
    try {
      outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
    } catch {
      return undefined;
    }
    const same = batchA === batchB && outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
    if (!same && batchA !== 1 && batchB !== 1) return undefined;
    if (sizeOf(outer) !== Math.max(batchA, batchB)) return undefined;
    if (bias != null && sizeOf(bias.shape) !== n) return undefined;
    const as = float32Of(backend, a!), bs = float32Of(backend, b!);
    const biasValues = bias != null ? float32Of(backend, bias) : undefined;
    if (as == null || bs == null || (bias != null && biasValues == null)) return undefined;
    const c = batchMatMul({ batchA, batchB, m, n, k, transposeA, transposeB }, as, bs, biasValues);
    applyActivation(c, activation);
    return float32Output(backend, [...outer, m, n], c);
  };
}

/**
 * a (op) b where oneDNN can take it: same shapes, a scalar b, or a b that
 * repeats over a's leading dims. Commutative ops swap a broadcast a to b.
 */
function binaryOp(op: BinaryOp): Fast {
  const commutative = op === "add" || op === "mul" || op === "max" || op === "min";
  return (args, backend) => {
    let { a, b } = inputsOf(args) as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (sizeOf(a.shape) < sizeOf(b.shape) && commutative) [a, b] = [b, a];
    const n = sizeOf(a.shape), m = sizeOf(b.shape);
    if (n < NATIVE_MIN_SIZE) return undefined;
    let outShape: number[];
    try {
      outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    } catch {
      return undefined;
    }
    if (sizeOf(outShape) !== n || outShape.length !== a.shape.length) return undefined;
    let rows: number, cols: number;
    if (m === n || m === 1) [rows, cols] = [1, n];
    else {
      // b must be a's trailing dims (leading 1s allowed).
      const bDims = b.shape.slice(b.shape.findIndex((d) => d !== 1));
      const tail = a.shape.slice(a.shape.length - bDims.length);
      if (bDims.length === 0 || !bDims.every((d, i) => d === tail[i])) return undefined;
      [rows, cols] = [n / m, m];
    }
    if (m === n && !a.shape.every((d, i) => d === b.shape[i])) return undefined;
    const as = float32Of(backend, a), bs = float32Of(backend, b);
    if (as == null || bs == null) return undefined;
    return float32Output(backend, outShape, binary(op, as, bs, rows, cols));
  };
}

function sum(): Fast {
  return (args, backend) => {
    const { x } = inputsOf(args) as { x: tf.TensorInfo };
    const xs = float32Of(backend, x);
    if (xs == null || xs.length < NATIVE_MIN_SIZE) return undefined;
    const attrs = args.attrs as Attrs;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
    const rank = x.shape.length, k = axes.length;
    const leading = axes.every((d, i) => d === i), trailing = axes.every((d, i) => d === rank - k + i);
    if (k === 0 || k === rank || !(leading || trailing)) return undefined;
    const reducedSize = sizeOf(axes.map((d) => x.shape[d]));
    const rows = leading ? reducedSize : xs.length / reducedSize;
    const out = sumMatrix(xs, rows, xs.length / rows, leading ? "rows" : "cols");
    const shape = attrs.keepDims === true
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !axes.includes(i));
    return float32Output(backend, shape, out);
  };
}

function slice(): Fast {
  return (args, backend) => {
    const { x } = inputsOf(args) as { x: tf.TensorInfo };
    const xs = float32Of(backend, x);
    if (xs == null || x.shape.length === 0) return undefined;
    const attrs = args.attrs as Attrs;
    const [begin, size] = tf.slice_util.parseSliceParams(
      x as unknown as tf.Tensor,
      attrs.begin as number[],
      attrs.size as number[],
    );
    tf.slice_util.assertParamsValid(x as unknown as tf.Tensor, begin, size);
    return float32Output(backend, size, sliceArray(xs, x.shape, begin, size));
  };
}

function pad(): Fast {
  return (args, backend) => {
    const { x } = inputsOf(args) as { x: tf.TensorInfo };
    const xs = float32Of(backend, x);
    if (xs == null || x.shape.length === 0) return undefined;
    const attrs = args.attrs as Attrs;
    const paddings = attrs.paddings as [number, number][];
    const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
    return float32Output(backend, outShape, padArray(xs, x.shape, paddings, (attrs.constantValue as number) ?? 0));
  };
}

function activation(kind: "relu" | "relu6"): Fast {
  return (args, backend) => {
    const { x } = inputsOf(args) as { x: tf.TensorInfo };
    const xs = float32Of(backend, x);
    if (xs == null || xs.length < NATIVE_MIN_SIZE) return undefined;
    return float32Output(backend, [...x.shape], eltwiseForward(kind, xs));
  };
}

/** The fused ReLU/ReLU6 gradient of `fused_kernels.ts`, natively where its bounds are theirs. */
function clipGrad(): Fast {
  return (args, backend) => {
    const { dy, x } = inputsOf(args) as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const { lo, hi, loExclusive } = args.attrs as { lo: number; hi: number; loExclusive: boolean };
    const kind = loExclusive && lo === 0 ? (hi === Infinity ? "relu" : hi === 6 ? "relu6" : undefined) : undefined;
    const xs = float32Of(backend, x), dys = float32Of(backend, dy);
    if (kind == null || xs == null || dys == null || xs.length < NATIVE_MIN_SIZE) return undefined;
    return float32Output(backend, [...x.shape], eltwiseBackward(kind, dys, xs));
  };
}

function batchNormTrainKernel(): (args: KernelArgs, backend: MathBackendCPU) => tf.TensorInfo[] | undefined {
  return (args, backend) => {
    const { x, gamma, beta } = inputsOf(args) as Record<string, tf.TensorInfo>;
    const channels = x.shape[x.shape.length - 1];
    const [xs, gs, bs] = [x, gamma, beta].map((t) => float32Of(backend, t));
    if (xs == null || gs == null || bs == null) return undefined;
    const r = batchNormTrain(xs, channels, gs, bs, (args.attrs as { epsilon: number }).epsilon);
    return [
      float32Output(backend, [...x.shape], r.y),
      float32Output(backend, [channels], r.mean),
      float32Output(backend, [channels], r.variance),
      float32Output(backend, [channels], r.invStd),
    ];
  };
}

function batchNormGradKernel(): (args: KernelArgs, backend: MathBackendCPU) => tf.TensorInfo[] | undefined {
  return (args, backend) => {
    const { dy, x, gamma, mean, invStd } = inputsOf(args) as Record<string, tf.TensorInfo>;
    const epsilon = (args.attrs as { epsilon?: number }).epsilon;
    if (epsilon == null) return undefined;
    const channels = x.shape[x.shape.length - 1];
    const [dys, xs, gs, ms, is] = [dy, x, gamma, mean, invStd].map((t) => float32Of(backend, t));
    if (dys == null || xs == null || gs == null || ms == null || is == null) return undefined;
    const r = batchNormGrad(dys, xs, channels, gs, ms, is, epsilon);
    return [
      float32Output(backend, [...x.shape], r.dx),
      float32Output(backend, [channels], r.dGamma),
      float32Output(backend, [channels], r.dBeta),
    ];
  };
}

/** The kernels oneDNN runs; each falls back to the cpu kernel where it returns undefined. */
const ROUTED: [string, Fast][] = [
  ["Conv2D", conv(false, false)],
  ["FusedConv2D", conv(false, true)],
  ["Conv2DBackpropInput", convInputGrad(false)],
  ["Conv2DBackpropFilter", convFilterGrad(false)],
  ["DepthwiseConv2dNative", conv(true, false)],
  ["FusedDepthwiseConv2D", conv(true, true)],
  ["DepthwiseConv2dNativeBackpropInput", convInputGrad(true)],
  ["DepthwiseConv2dNativeBackpropFilter", convFilterGrad(true)],
  ["BatchMatMul", matMul(false)],
  ["_FusedMatMul", matMul(true)],
  ["MaxPool", pool("max")],
  ["MaxPoolGrad", poolGrad("max")],
  ["AvgPool", pool("avg")],
  ["AvgPoolGrad", poolGrad("avg")],
  ["Add", binaryOp("add")],
  ["Sub", binaryOp("sub")],
  ["Multiply", binaryOp("mul")],
  ["RealDiv", binaryOp("div")],
  ["Maximum", binaryOp("max")],
  ["Minimum", binaryOp("min")],
  ["Sum", sum()],
  ["Slice", slice()],
  ["PadV2", pad()],
  ["Relu", activation("relu")],
  ["Relu6", activation("relu6")],
];

/** Lumbar Lab's fused training kernels, natively; they fall back to their JS loops. */
const ROUTED_FUSED: [string, (args: KernelArgs, backend: MathBackendCPU) => tf.TensorInfo | tf.TensorInfo[] | undefined][] = [
  [FUSED_KERNELS.batchNormTrain, batchNormTrainKernel()],
  [FUSED_KERNELS.batchNormGrad, batchNormGradKernel()],
  [FUSED_KERNELS.clipGrad, clipGrad()],
];

/** Names of the kernels routed to oneDNN (for tests and docs). */
export const ONEDNN_ROUTED_KERNELS: readonly string[] = [...ROUTED, ...ROUTED_FUSED].map(([name]) => name);

let registered: DnnlLibrary | undefined;

/**
 * Opens oneDNN and registers the `onednn` backend with every kernel of
 * `cpu`. Safe to call more than once.
 *
 * @returns The library: path, version, ISA and threads.
 * @throws {OneDnnUnavailableError} When oneDNN 2.x is not installed.
 * @example
 * ```ts
 * registerOneDnnBackend();
 * await tf.setBackend("onednn");
 * ```
 */
export function registerOneDnnBackend(): DnnlLibrary {
  if (registered != null) return registered;
  const lib = openDnnl();
  dnnlContext();
  tf.registerBackend(ONEDNN_BACKEND, () => new OneDnnBackend(), 0);
  const routed = new Map(ROUTED);
  for (const config of tf.getKernelsForBackend("cpu")) {
    const fast = routed.get(config.kernelName);
    const cpuFunc = config.kernelFunc;
    const kernelFunc: tf.KernelFunc = fast == null ? cpuFunc : (args) => {
      return fast(args, args.backend as MathBackendCPU) ?? cpuFunc(args);
    };
    if (tf.getKernel(config.kernelName, ONEDNN_BACKEND) == null) {
      tf.registerKernel({ ...config, backendName: ONEDNN_BACKEND, kernelFunc });
    }
  }
  registerFusedKernels();
  for (const [kernelName, fast] of ROUTED_FUSED) {
    const js = tf.getKernel(kernelName, ONEDNN_BACKEND)!.kernelFunc;
    tf.unregisterKernel(kernelName, ONEDNN_BACKEND);
    tf.registerKernel({
      kernelName,
      backendName: ONEDNN_BACKEND,
      kernelFunc: (args) => fast(args, args.backend as MathBackendCPU) ?? js(args),
    });
  }
  registered = lib;
  return lib;
}
