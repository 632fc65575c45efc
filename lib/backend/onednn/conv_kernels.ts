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
import type * as tf from "@tensorflow/tfjs";
import {
  DNNL,
  type DnnlArgSpec,
  dnnlContext,
  DnnlPrimitive,
  memoryDesc,
  opDesc,
  primitiveCache,
} from "./dnnl_primitive.ts";
import { type WindowDescs, windowDescs, windowKey } from "./window_geometry.ts";
import { bufferPool } from "./buffer_pool.ts";

type ConvInfo = tf.backend_util.Conv2DInfo;
/** Activations oneDNN applies as a post-op of the conv. */
export type ConvActivation = "linear" | "relu" | "relu6";

/** A conv's descriptors: the window's, and its filter and bias. */
interface ConvDescs extends WindowDescs {
  weightsUser: Uint8Array;
  weightsAny: Uint8Array;
  bias: Uint8Array;
}

function convKey(c: ConvInfo, depthwise: boolean): string {
  return windowKey(depthwise ? "dw" : "conv", c);
}

function convDescs(c: ConvInfo, depthwise: boolean): ConvDescs {
  const wDims = depthwise
    ? [c.inChannels, c.outChannels / c.inChannels, 1, c.filterHeight, c.filterWidth]
    : [c.outChannels, c.inChannels, c.filterHeight, c.filterWidth];
  return {
    ...windowDescs(c),
    weightsUser: memoryDesc(wDims, depthwise ? DNNL.tag.hwigo : DNNL.tag.hwio),
    weightsAny: memoryDesc(wDims, DNNL.tag.any),
    bias: memoryDesc([c.outChannels], DNNL.tag.a),
  };
}

function forwardDesc(g: ConvDescs, withBias: boolean): Uint8Array {
  const { dnnl } = dnnlContext();
  return opDesc(
    "dnnl_dilated_convolution_forward_desc_init",
    (d) =>
      dnnl.dnnl_dilated_convolution_forward_desc_init(
        d,
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
      ),
  );
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

function forwardPrimitive(
  c: ConvInfo,
  depthwise: boolean,
  withBias: boolean,
  activation: ConvActivation,
): DnnlPrimitive {
  const key = convKey(c, depthwise);
  return primitiveCache(`${key}|fwd|${withBias}|${activation}`, () => {
    const g = convDescs(c, depthwise);
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
function hintPrimitive(c: ConvInfo, depthwise: boolean): DnnlPrimitive {
  return forwardPrimitive(c, depthwise, false, "linear");
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
  const y = bufferPool.take(c.batchSize * c.outHeight * c.outWidth * c.outChannels);
  const p = forwardPrimitive(c, depthwise, bias != null, activation);
  p.execute(bias != null ? [x, w, bias, y] : [x, w, y]);
  return y;
}

/** dx of a conv, NHWC, from dy and the filter. */
export function convBackwardData(c: ConvInfo, depthwise: boolean, dy: Float32Array, w: Float32Array): Float32Array {
  const p = primitiveCache(`${convKey(c, depthwise)}|bwd-data`, () => {
    const g = convDescs(c, depthwise);
    const { dnnl } = dnnlContext();
    const desc = opDesc(
      "dnnl_dilated_convolution_backward_data_desc_init",
      (d) =>
        dnnl.dnnl_dilated_convolution_backward_data_desc_init(
          d,
          DNNL.alg.convolutionDirect,
          g.src,
          g.weightsAny,
          g.dst,
          g.strides,
          g.dilates,
          g.padL,
          g.padR,
        ),
    );
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.diffDst, query: DNNL.query.diffDstMd, user: g.dst },
      { arg: DNNL.arg.weights, query: DNNL.query.weightsMd, user: g.weightsUser },
      { arg: DNNL.arg.diffSrc, query: DNNL.query.diffSrcMd, user: g.src, output: true },
    ], { hint: hintPrimitive(c, depthwise) });
  });
  const dx = bufferPool.take(c.batchSize * c.inHeight * c.inWidth * c.inChannels);
  p.execute([dy, w, dx]);
  return dx;
}

/** dw of a conv, in tfjs' filter layout (HWIO, or [h, w, in, multiplier] for depthwise). */
export function convBackwardWeights(c: ConvInfo, depthwise: boolean, x: Float32Array, dy: Float32Array): Float32Array {
  const p = primitiveCache(`${convKey(c, depthwise)}|bwd-weights`, () => {
    const g = convDescs(c, depthwise);
    const { dnnl } = dnnlContext();
    const desc = opDesc(
      "dnnl_dilated_convolution_backward_weights_desc_init",
      (d) =>
        dnnl.dnnl_dilated_convolution_backward_weights_desc_init(
          d,
          DNNL.alg.convolutionDirect,
          g.src,
          g.weightsAny,
          null,
          g.dst,
          g.strides,
          g.dilates,
          g.padL,
          g.padR,
        ),
    );
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: g.src },
      { arg: DNNL.arg.diffDst, query: DNNL.query.diffDstMd, user: g.dst },
      { arg: DNNL.arg.diffWeights, query: DNNL.query.diffWeightsMd, user: g.weightsUser, output: true },
    ], { hint: hintPrimitive(c, depthwise) });
  });
  const dw = bufferPool.take(
    c.filterHeight * c.filterWidth * (depthwise ? c.outChannels : c.inChannels * c.outChannels),
  );
  p.execute([x, dy, dw]);
  return dw;
}
