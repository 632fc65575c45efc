/**
 * The `onednn` backend: tfjs' `cpu` backend (tensors are typed arrays in
 * ordinary memory, not the 4 GiB wasm heap), with every `cpu` kernel
 * registered under the new name too, and the kernels that dominate
 * training, inference and Grad-CAM routed to oneDNN ({@link ONEDNN_ROUTED_KERNELS}):
 * convolutions (plain, fused, depthwise, and their gradients), matrix
 * products, pooling, batch norm (with the ReLU after it fused in where the
 * graph allows), activations and their gradients, binary ops, sums and
 * means, and the copies (slice, pad, concat, split). A routed kernel falls
 * back to the `cpu` one for what it does not cover (NCHW, non-float32,
 * broadcasts oneDNN cannot express, other activations, tiny tensors).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { type DnnlLibrary, openDnnl } from "./dnnl_library.ts";
import { clearPrimitiveCache, dnnlContext } from "./dnnl_primitive.ts";
import { bufferPool } from "./buffer_pool.ts";
import { type ConvActivation, convBackwardData, convBackwardWeights, convForward } from "./conv_kernels.ts";
import { poolBackward, poolForward, type PoolKind } from "./pool_kernels.ts";
import { batchMatMul } from "./matmul_kernels.ts";
import { float32Of, float32Output, type KernelArgs, sizeOf } from "./kernel_io.ts";
import {
  binary,
  type BinaryOp,
  type Eltwise,
  eltwiseBackward,
  eltwiseForward,
  mergeBroadcastDims,
  NATIVE_MIN_SIZE,
} from "./elementwise_kernels.ts";
import { sumMiddle } from "./reduce_kernels.ts";
import { concatArrays, padArray, sliceArray, splitArray } from "./copy_kernels.ts";
import { batchNormGrad, batchNormTrain } from "./batch_norm_kernels.ts";
import { FUSED_KERNELS, registerFusedKernels } from "../fused_kernels.ts";

/** The backend's name, as `tf.getBackend()` reports it. */
export const ONEDNN_BACKEND = "onednn";

/**
 * tfjs' cpu backend whose kernel outputs come from {@link bufferPool}:
 * freed outputs go back to it, and reads hand out copies of pooled arrays,
 * since the pool will reuse them.
 */
class OneDnnBackend extends MathBackendCPU {
  constructor() {
    super();
    // The cpu backend otherwise prints an advert for tfjs-node on first use.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const removed = super.disposeData(dataId, force);
    if (removed && values instanceof Float32Array && !this.data.has(dataId)) bufferPool.give(values);
    return removed;
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    return unpooled(super.readSync(dataId));
  }

  override async read(dataId: tf.DataId): Promise<tf.backend_util.BackendValues> {
    return unpooled(await super.read(dataId));
  }

  override dispose(): void {
    clearPrimitiveCache();
    bufferPool.clear();
    super.dispose();
  }
}

/** A copy of values in a pooled array, which outlives its tensor; other values as they are. */
function unpooled<T>(values: T): T {
  return values instanceof Float32Array && bufferPool.owns(values) ? values.slice() as T : values;
}

/**
 * A cpu kernel's outputs, none sharing a pooled array with another tensor:
 * tfjs' cpu Slice (and what calls it: Unpack, StridedSlice) returns views
 * of its input, which would change when the input's array is recycled. An
 * output that is its input (Identity, Reshape: the same data, counted
 * twice) is left alone.
 */
function detachFromPool(args: KernelArgs, out: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo | tf.TensorInfo[] {
  const backend = args.backend as MathBackendCPU;
  const inputs = Object.values(args.inputs as Record<string, tf.TensorInfo | null>).filter((t) => t != null);
  let shared: Set<ArrayBufferLike> | undefined;
  for (const info of Array.isArray(out) ? out : [out]) {
    const entry = backend.data.get(info.dataId);
    if (!(entry?.values instanceof Float32Array) || !bufferPool.owns(entry.values)) continue;
    if (inputs.some((t) => t!.dataId === info.dataId)) continue;
    shared ??= new Set(
      inputs.map((t) => backend.data.get(t!.dataId)?.values as ArrayBufferView | undefined)
        .filter((v) => v != null).map((v) => v!.buffer),
    );
    if (shared.has(entry.values.buffer)) entry.values = entry.values.slice();
  }
  return out;
}

type Attrs = Record<string, unknown>;
type Fast = (args: KernelArgs, backend: MathBackendCPU) => tf.TensorInfo | tf.TensorInfo[] | undefined;
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

/** tfjs' geometry of a conv (or depthwise conv) of an NHWC input by a filter, from a kernel's attributes. */
function convInfoOf(xShape: number[], filterShape: number[], attrs: Attrs, depthwise: boolean) {
  return bu.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    (attrs.dilations as [number, number] | undefined) ?? [1, 1],
    attrs.pad as "same",
    attrs.dimRoundingMode as "round" | undefined,
    depthwise,
  );
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
    const info = convInfoOf(x!.shape, filter!.shape, attrs, depthwise);
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
    const info = convInfoOf(inputShape, filter!.shape, attrs, depthwise);
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
    const info = convInfoOf(x!.shape, filterShape, attrs, depthwise);
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
 * a (op) b where oneDNN can take it: b of a's shape with some dims 1.
 * Commutative ops swap a broadcast a to b.
 */
function binaryOp(op: BinaryOp): Fast {
  const commutative = op === "add" || op === "mul" || op === "max" || op === "min";
  return (args, backend) => {
    let { a, b } = inputsOf(args) as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (sizeOf(a.shape) < sizeOf(b.shape) && commutative) [a, b] = [b, a];
    if (sizeOf(a.shape) < NATIVE_MIN_SIZE || b.shape.length > a.shape.length) return undefined;
    const dims = mergeBroadcastDims(a.shape, b.shape);
    if (dims == null || dims.a.length > 5) return undefined;
    const as = float32Of(backend, a), bs = float32Of(backend, b);
    if (as == null || bs == null) return undefined;
    return float32Output(backend, [...a.shape], binary(op, as, bs, dims.a, dims.b));
  };
}

/** Sum or mean over contiguous axes, as [outer, rows, cols] summed over rows. */
function reduce(mean: boolean): Fast {
  return (args, backend) => {
    const { x } = inputsOf(args) as { x: tf.TensorInfo };
    const xs = float32Of(backend, x);
    if (xs == null || xs.length < NATIVE_MIN_SIZE) return undefined;
    const attrs = args.attrs as Attrs;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
    if (axes.length === 0 || !axes.every((d, i) => d === axes[0] + i)) return undefined;
    const first = axes[0], last = axes[axes.length - 1];
    const outer = sizeOf(x.shape.slice(0, first)), rows = sizeOf(x.shape.slice(first, last + 1));
    const out = sumMiddle(xs, outer, rows, sizeOf(x.shape.slice(last + 1)));
    if (mean) { for (let i = 0; i < out.length; i++) out[i] /= rows; }
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

function concat(): Fast {
  return (args, backend) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const shape0 = inputs[0].shape;
    const axis = tf.util.parseAxisParam((args.attrs as Attrs).axis as number, shape0)[0];
    const arrays = inputs.map((t) => float32Of(backend, t));
    if (arrays.some((a) => a == null) || shape0.length === 0) return undefined;
    const outer = sizeOf(shape0.slice(0, axis));
    if (inputs.some((t) => t.shape.length !== shape0.length || sizeOf(t.shape.slice(0, axis)) !== outer)) {
      return undefined; // the cpu kernel gives tfjs' own error
    }
    const inners = inputs.map((t) => sizeOf(t.shape.slice(axis)));
    const outShape = [...shape0];
    outShape[axis] = inputs.reduce((a, t) => a + t.shape[axis], 0);
    return float32Output(backend, outShape, concatArrays(arrays as Float32Array[], outer, inners));
  };
}

function splitV(): Fast {
  return (args, backend) => {
    const { x } = inputsOf(args) as { x: tf.TensorInfo };
    const xs = float32Of(backend, x);
    if (xs == null || x.shape.length === 0) return undefined;
    const attrs = args.attrs as Attrs;
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = bu.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits as number[], axis);
    const outer = sizeOf(x.shape.slice(0, axis)), rest = sizeOf(x.shape.slice(axis + 1));
    const pieces = splitArray(xs, outer, sizes.map((s) => s * rest));
    return pieces.map((p, i) => {
      const shape = [...x.shape];
      shape[axis] = sizes[i];
      return float32Output(backend, shape, p);
    });
  };
}

function activation(op: (attrs: Attrs) => Eltwise): Fast {
  return (args, backend) => {
    const { x } = inputsOf(args) as { x: tf.TensorInfo };
    const xs = float32Of(backend, x);
    if (xs == null || xs.length < NATIVE_MIN_SIZE) return undefined;
    return float32Output(backend, [...x.shape], eltwiseForward(op(args.attrs as Attrs), xs));
  };
}

/** The fused ReLU/clip gradient of `fused_kernels.ts`, natively (see {@link Eltwise} for x == lo). */
function clipGrad(): Fast {
  return (args, backend) => {
    const { dy, x } = inputsOf(args) as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const { lo, hi } = args.attrs as { lo: number; hi: number };
    const op: Eltwise = lo === 0 && hi === Infinity ? { kind: "relu" } : { kind: "clip", lo, hi };
    const xs = float32Of(backend, x), dys = float32Of(backend, dy);
    if (xs == null || dys == null || xs.length < NATIVE_MIN_SIZE) return undefined;
    return float32Output(backend, [...x.shape], eltwiseBackward(op, dys, xs));
  };
}

/** Batch norm in training, with (`relu`) or without the ReLU after it; its fifth output is ReLU's mask. */
function batchNormTrainKernel(relu: boolean): Fast {
  return (args, backend) => {
    const { x, gamma, beta } = inputsOf(args) as Record<string, tf.TensorInfo>;
    const channels = x.shape[x.shape.length - 1];
    const [xs, gs, bs] = [x, gamma, beta].map((t) => float32Of(backend, t));
    if (xs == null || gs == null || bs == null) return unsupported(relu, "batch norm + ReLU takes float32 only");
    const r = batchNormTrain(xs, channels, gs, bs, (args.attrs as { epsilon: number }).epsilon, relu);
    const outputs = [
      float32Output(backend, [...x.shape], r.y),
      float32Output(backend, [channels], r.mean),
      float32Output(backend, [channels], r.variance),
      float32Output(backend, [channels], r.invStd),
    ];
    if (r.workspace != null) outputs.push(float32Output(backend, [r.workspace.length], r.workspace));
    return outputs;
  };
}

function batchNormGradKernel(relu: boolean): Fast {
  return (args, backend) => {
    const { dy, x, gamma, mean, invStd, workspace } = inputsOf(args) as Record<string, tf.TensorInfo>;
    const epsilon = (args.attrs as { epsilon?: number }).epsilon;
    if (epsilon == null) return unsupported(relu, "batch norm + ReLU gradient needs epsilon");
    const channels = x.shape[x.shape.length - 1];
    const [dys, xs, gs, ms, is] = [dy, x, gamma, mean, invStd].map((t) => float32Of(backend, t));
    const ws = relu ? float32Of(backend, workspace) : undefined;
    if (dys == null || xs == null || gs == null || ms == null || is == null || (relu && ws == null)) {
      return unsupported(relu, "batch norm + ReLU gradient takes float32 only");
    }
    const r = batchNormGrad(dys, xs, channels, gs, ms, is, epsilon, ws);
    return [
      float32Output(backend, [...x.shape], r.dx),
      float32Output(backend, [channels], r.dGamma),
      float32Output(backend, [channels], r.dBeta),
    ];
  };
}

/** The plain kernels fall back to their JS loops; the ReLU-fused ones have none. */
function unsupported(relu: boolean, why: string): undefined {
  if (relu) throw new TypeError(why);
  return undefined;
}

/**
 * tfjs' cpu `Transform` (behind `tf.image.transform`, so our rotation and
 * zoom augmentation) returns after the first image of a batch, leaving the
 * others at the fill value (tfjs-backend-cpu 4.22): training on onednn saw
 * blank images and stayed at chance. It is run here one image at a time,
 * where it is right.
 */
function transformPerImage(cpuTransform: tf.KernelFunc): Fast {
  return (args, backend) => {
    const { image, transforms } = inputsOf(args) as { image: tf.TensorInfo; transforms: tf.TensorInfo };
    const [batch, h, w, c] = image.shape;
    const pixels = backend.data.get(image.dataId).values as tf.TypedArray;
    const rows = backend.data.get(transforms.dataId).values as Float32Array;
    if (batch <= 1 || !(pixels instanceof Float32Array)) return undefined;
    const attrs = args.attrs as { outputShape?: [number, number] };
    const [oh, ow] = attrs.outputShape ?? [h, w];
    const out = bufferPool.take(batch * oh * ow * c);
    for (let b = 0; b < batch; b++) {
      const one = backend.makeTensorInfo([1, h, w, c], "float32", pixels.slice(b * h * w * c, (b + 1) * h * w * c));
      const row = backend.makeTensorInfo(
        [1, 8],
        "float32",
        transforms.shape[0] === 1 ? rows.slice(0, 8) : rows.slice(b * 8, b * 8 + 8),
      );
      const res = cpuTransform({
        inputs: { image: one, transforms: row },
        attrs: args.attrs,
        backend,
      }) as tf.TensorInfo;
      out.set(backend.data.get(res.dataId).values as Float32Array, b * oh * ow * c);
      for (const t of [one, row, res]) backend.disposeData(t.dataId);
    }
    return float32Output(backend, [batch, oh, ow, c], out);
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
  ["Sum", reduce(false)],
  ["Mean", reduce(true)],
  ["Slice", slice()],
  ["PadV2", pad()],
  ["Relu", activation(() => ({ kind: "relu" }))],
  ["Relu6", activation(() => ({ kind: "clip", lo: 0, hi: 6 }))],
  ["ClipByValue", activation((a) => ({ kind: "clip", lo: a.clipValueMin as number, hi: a.clipValueMax as number }))],
  ["Concat", concat()],
  ["SplitV", splitV()],
  ["Transform", transformPerImage(tf.getKernel("Transform", "cpu")!.kernelFunc)],
  // Lumbar Lab's fused training kernels (fused_kernels.ts): natively here, their JS loops as the fallback.
  [FUSED_KERNELS.batchNormTrain, batchNormTrainKernel(false)],
  [FUSED_KERNELS.batchNormGrad, batchNormGradKernel(false)],
  [FUSED_KERNELS.batchNormReluTrain, batchNormTrainKernel(true)],
  [FUSED_KERNELS.batchNormReluGrad, batchNormGradKernel(true)],
  [FUSED_KERNELS.clipGrad, clipGrad()],
];

/** Names of the kernels routed to oneDNN (for tests and docs). */
export const ONEDNN_ROUTED_KERNELS: readonly string[] = ROUTED.map(([name]) => name);

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
  for (const config of tf.getKernelsForBackend("cpu")) {
    if (tf.getKernel(config.kernelName, ONEDNN_BACKEND) == null) {
      const cpuFunc = config.kernelFunc;
      tf.registerKernel({
        ...config,
        backendName: ONEDNN_BACKEND,
        kernelFunc: (args) => detachFromPool(args, cpuFunc(args) as tf.TensorInfo),
      });
    }
  }
  registerFusedKernels();
  // Each routed kernel wraps the one registered so far (cpu's, or the fused JS loop), its fallback.
  for (const [kernelName, fast] of ROUTED) {
    const fallback = tf.getKernel(kernelName, ONEDNN_BACKEND)?.kernelFunc;
    if (fallback == null) {
      tf.registerKernel({
        kernelName,
        backendName: ONEDNN_BACKEND,
        kernelFunc: (args) => fast(args, args.backend as MathBackendCPU)!,
      });
      continue;
    }
    tf.unregisterKernel(kernelName, ONEDNN_BACKEND);
    tf.registerKernel({
      kernelName,
      backendName: ONEDNN_BACKEND,
      kernelFunc: (args) => fast(args, args.backend as MathBackendCPU) ?? fallback(args),
    });
  }
  registered = lib;
  return lib;
}
