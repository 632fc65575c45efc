/**
 * A sliding window (a convolution or a pooling) of tfjs, in oneDNN's terms.
 *
 * oneDNN's right/bottom padding must make (in + padL + padR - extent) /
 * stride + 1 the output size exactly, so it is derived from the output; it
 * is negative where 'valid' leaves input rows unused (AlexNet's 11x11
 * stride-4 conv at 224).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { dims64, DNNL, memoryDesc } from "./dnnl_primitive.ts";

type WindowInfo = tf.backend_util.Conv2DInfo;

/** Descriptors of a window's NHWC input and output, strides, dilation and padding. */
export interface WindowDescs {
  src: Uint8Array;
  dst: Uint8Array;
  strides: BigInt64Array;
  /** Dilation as oneDNN counts it: 0 for none. */
  dilates: BigInt64Array;
  padL: BigInt64Array;
  padR: BigInt64Array;
}

function padding(c: WindowInfo): [number, number, number, number] {
  const extentH = (c.filterHeight - 1) * c.dilationHeight + 1;
  const extentW = (c.filterWidth - 1) * c.dilationWidth + 1;
  const top = c.padInfo.top, left = c.padInfo.left;
  return [
    top,
    left,
    (c.outHeight - 1) * c.strideHeight + extentH - c.inHeight - top,
    (c.outWidth - 1) * c.strideWidth + extentW - c.inWidth - left,
  ];
}

/** Everything a window's primitives depend on, as a cache key; cheap, for every call. */
export function windowKey(kind: string, c: WindowInfo): string {
  return [
    kind,
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
    ...padding(c),
  ].join(",");
}

/** The window's oneDNN descriptors: made only when a primitive is built. */
export function windowDescs(c: WindowInfo): WindowDescs {
  const [top, left, bottom, right] = padding(c);
  return {
    src: memoryDesc([c.batchSize, c.inChannels, c.inHeight, c.inWidth], DNNL.tag.nhwc),
    dst: memoryDesc([c.batchSize, c.outChannels, c.outHeight, c.outWidth], DNNL.tag.nhwc),
    strides: dims64([c.strideHeight, c.strideWidth]),
    dilates: dims64([c.dilationHeight - 1, c.dilationWidth - 1]),
    padL: dims64([top, left]),
    padR: dims64([bottom, right]),
  };
}
