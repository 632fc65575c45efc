/**
 * Convolutions on oneDNN: Conv2D (plain and fused with bias and ReLU/ReLU6),
 * its input and filter gradients, and the depthwise conv with its two
 * gradients (a grouped conv with one group per channel).
 *
 * Activations stay NHWC, tfjs' layout, so they pass with no copy; filters
 * are declared `any`, so oneDNN picks its blocked layout and reorders the
 * HWIO filter into it (filters are small next to the activations). This is
 * what PyTorch's CPU path does on the same library.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  dims64,
  DNNL,
  type DnnlArgSpec,
  dnnlContext,
  DnnlPrimitive,
  memoryDesc,
  primitiveCache,
} from "./dnnl_primitive.ts";
import { bufferPool } from "./buffer_pool.ts";

type ConvInfo = tf.backend_util.Conv2DInfo;
/** Activations oneDNN applies as a post-op of the conv. */
export type ConvActivation = "linear" | "relu" | "relu6";

/** Geometry of one conv in oneDNN's terms. */
interface ConvGeometry {
  key: string;
  src: Uint8Array;
  weightsUser: Uint8Array;
  weightsAny: Uint8Array;
  bias: Uint8Array;
  dst: Uint8Array;
  strides: BigInt64Array;
  dilates: BigInt64Array;
  padL: BigInt64Array;
  padR: BigInt64Array;
}

/**
 * oneDNN descriptors of a tfjs conv. oneDNN's right/bottom padding must make
 * (in + padL + padR - extent) / stride + 1 the output size exactly, so it is
 * derived from the output; it is negative where 'valid' leaves input rows
 * unused (AlexNet's 11x11 stride-4 conv at 224).
 */
function geometry(c: ConvInfo, depthwise: boolean): ConvGeometry {
  const mult = depthwise ? c.outChannels / c.inChannels : 0;
  const extentH = (c.filterHeight - 1) * c.dilationHeight + 1;
  const extentW = (c.filterWidth - 1) * c.dilationWidth + 1;
  const padT = c.padInfo.top, padLeft = c.padInfo.left;
  const padB = (c.outHeight - 1) * c.strideHeight + extentH - c.inHeight - padT;
  const padRight = (c.outWidth - 1) * c.strideWidth + extentW - c.inWidth - padLeft;
  const wDims = depthwise
    ? [c.inChannels, mult, 1, c.filterHeight, c.filterWidth]
    : [c.outChannels, c.inChannels, c.filterHeight, c.filterWidth];
  const key = [
    depthwise ? "dw" : "conv",
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outHeight,
    c.outWidth,
    c.outChannels,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    padT,
    padLeft,
    padB,
    padRight,
  ].join(",");
  return {
    key,
    src: memoryDesc([c.batchSize, c.inChannels, c.inHeight, c.inWidth], DNNL.tag.nhwc),
    weightsUser: memoryDesc(wDims, depthwise ? DNNL.tag.hwigo : DNNL.tag.hwio),
    weightsAny: memoryDesc(wDims, DNNL.tag.any),
    bias: memoryDesc([c.outChannels], DNNL.tag.a),
    dst: memoryDesc([c.batchSize, c.outChannels, c.outHeight, c.outWidth], DNNL.tag.nhwc),
    strides: dims64([c.strideHeight, c.strideWidth]),
    dilates: dims64([c.dilationHeight - 1, c.dilationWidth - 1]),
    padL: dims64([padT, padLeft]),
    padR: dims64([padB, padRight]),
  };
}

function forwardDesc(g: ConvGeometry, withBias: boolean): Uint8Array {
  const { dnnl } = dnnlContext();
  const desc = new Uint8Array(DNNL.opDescBytes);
  const status = dnnl.dnnl_dilated_convolution_forward_desc_init(
    desc,
    DNNL.prop.forwardTraining,
    DNNL.alg.convolutionDirect,
    g.src,
    g.weightsAny,
    withBias ? g.bias : null,
    g.dst,
    g.strides,
    g.dilates,
    g.padL,
    g.padR,
  );
  if (status !== 0) throw new Error(`oneDNN convolution_forward_desc_init failed (status ${status}) for ${g.key}`);
  return desc;
}

/** An attribute holding one eltwise post-op; the caller destroys it. */
function activationAttr(activation: ConvActivation): Deno.PointerValue {
  if (activation === "linear") return null;
  const { dnnl } = dnnlContext();
  const cell = new BigUint64Array(1);
  dnnl.dnnl_post_ops_create(cell);
  const ops = Deno.UnsafePointer.create(cell[0]);
  if (activation === "relu") dnnl.dnnl_post_ops_append_eltwise(ops, 1, DNNL.alg.eltwiseRelu, 0, 0);
  else dnnl.dnnl_post_ops_append_eltwise(ops, 1, DNNL.alg.eltwiseClip, 0, 6);
  dnnl.dnnl_primitive_attr_create(cell);
  const attr = Deno.UnsafePointer.create(cell[0]);
  dnnl.dnnl_primitive_attr_set_post_ops(attr, ops);
  dnnl.dnnl_post_ops_destroy(ops);
  return attr;
}

function forwardPrimitive(g: ConvGeometry, withBias: boolean, activation: ConvActivation): DnnlPrimitive {
  return primitiveCache(`${g.key}|fwd|${withBias}|${activation}`, () => {
    const attr = activationAttr(activation);
    try {
      const args: DnnlArgSpec[] = [
        { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: g.src },
        { arg: DNNL.arg.weights, query: DNNL.query.weightsMd, user: g.weightsUser },
        ...(withBias ? [{ arg: DNNL.arg.bias, query: DNNL.query.weightsMd, index: 1, user: g.bias }] : []),
        { arg: DNNL.arg.dst, query: DNNL.query.dstMd, user: g.dst, output: true },
      ];
      return new DnnlPrimitive(forwardDesc(g, withBias), args, { attr });
    } finally {
      if (attr != null) dnnlContext().dnnl.dnnl_primitive_attr_destroy(attr);
    }
  });
}

/** The forward primitive backward ones take as a hint. */
function hintPrimitive(g: ConvGeometry): DnnlPrimitive {
  return forwardPrimitive(g, false, "linear");
}

/**
 * y = act(conv(x, w) + bias), NHWC.
 *
 * @returns A new array of the output.
 */
export function convForward(
  c: ConvInfo,
  depthwise: boolean,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  activation: ConvActivation,
): Float32Array {
  const g = geometry(c, depthwise);
  const y = bufferPool.take(c.batchSize * c.outHeight * c.outWidth * c.outChannels);
  const p = forwardPrimitive(g, bias != null, activation);
  p.execute(bias != null ? [x, w, bias, y] : [x, w, y]);
  return y;
}

/** dx of a conv, NHWC, from dy and the filter. */
export function convBackwardData(c: ConvInfo, depthwise: boolean, dy: Float32Array, w: Float32Array): Float32Array {
  const g = geometry(c, depthwise);
  const p = primitiveCache(`${g.key}|bwd-data`, () => {
    const { dnnl } = dnnlContext();
    const desc = new Uint8Array(DNNL.opDescBytes);
    const status = dnnl.dnnl_dilated_convolution_backward_data_desc_init(
      desc,
      DNNL.alg.convolutionDirect,
      g.src,
      g.weightsAny,
      g.dst,
      g.strides,
      g.dilates,
      g.padL,
      g.padR,
    );
    if (status !== 0) throw new Error(`oneDNN convolution_backward_data_desc_init failed (status ${status})`);
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.diffDst, query: DNNL.query.diffDstMd, user: g.dst },
      { arg: DNNL.arg.weights, query: DNNL.query.weightsMd, user: g.weightsUser },
      { arg: DNNL.arg.diffSrc, query: DNNL.query.diffSrcMd, user: g.src, output: true },
    ], { hint: hintPrimitive(g) });
  });
  const dx = bufferPool.take(c.batchSize * c.inHeight * c.inWidth * c.inChannels);
  p.execute([dy, w, dx]);
  return dx;
}

/** dw of a conv, in tfjs' filter layout (HWIO, or [h, w, in, multiplier] for depthwise). */
export function convBackwardWeights(c: ConvInfo, depthwise: boolean, x: Float32Array, dy: Float32Array): Float32Array {
  const g = geometry(c, depthwise);
  const p = primitiveCache(`${g.key}|bwd-weights`, () => {
    const { dnnl } = dnnlContext();
    const desc = new Uint8Array(DNNL.opDescBytes);
    const status = dnnl.dnnl_dilated_convolution_backward_weights_desc_init(
      desc,
      DNNL.alg.convolutionDirect,
      g.src,
      g.weightsAny,
      null,
      g.dst,
      g.strides,
      g.dilates,
      g.padL,
      g.padR,
    );
    if (status !== 0) throw new Error(`oneDNN convolution_backward_weights_desc_init failed (status ${status})`);
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: g.src },
      { arg: DNNL.arg.diffDst, query: DNNL.query.diffDstMd, user: g.dst },
      { arg: DNNL.arg.diffWeights, query: DNNL.query.diffWeightsMd, user: g.weightsUser, output: true },
    ], { hint: hintPrimitive(g) });
  });
  const dw = bufferPool.take(
    c.filterHeight * c.filterWidth * (depthwise ? c.outChannels : c.inChannels * c.outChannels),
  );
  p.execute([x, dy, dw]);
  return dw;
}
