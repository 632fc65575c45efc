/**
 * Max and average pooling on oneDNN, forward and backward, NHWC.
 *
 * tfjs' MaxPoolGrad gets the input and output but no argmax; oneDNN's
 * backward wants the forward's workspace. The forward is run again in
 * training mode to make it: a pooling pass costs a fraction of the convs
 * around it.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
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

type PoolInfo = tf.backend_util.Conv2DInfo;
/** Which pooling. */
export type PoolKind = "max" | "avg";

interface PoolGeometry {
  key: string;
  src: Uint8Array;
  dst: Uint8Array;
  strides: BigInt64Array;
  kernel: BigInt64Array;
  dilation: BigInt64Array;
  padL: BigInt64Array;
  padR: BigInt64Array;
}

function geometry(c: PoolInfo, kind: PoolKind): PoolGeometry {
  const extentH = (c.filterHeight - 1) * c.dilationHeight + 1;
  const extentW = (c.filterWidth - 1) * c.dilationWidth + 1;
  const padT = c.padInfo.top, padLeft = c.padInfo.left;
  const padB = (c.outHeight - 1) * c.strideHeight + extentH - c.inHeight - padT;
  const padRight = (c.outWidth - 1) * c.strideWidth + extentW - c.inWidth - padLeft;
  return {
    key: [
      kind,
      c.batchSize,
      c.inHeight,
      c.inWidth,
      c.inChannels,
      c.outHeight,
      c.outWidth,
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
    ].join(","),
    src: memoryDesc([c.batchSize, c.inChannels, c.inHeight, c.inWidth], DNNL.tag.nhwc),
    dst: memoryDesc([c.batchSize, c.outChannels, c.outHeight, c.outWidth], DNNL.tag.nhwc),
    strides: dims64([c.strideHeight, c.strideWidth]),
    kernel: dims64([c.filterHeight, c.filterWidth]),
    dilation: dims64([c.dilationHeight - 1, c.dilationWidth - 1]),
    padL: dims64([padT, padLeft]),
    padR: dims64([padB, padRight]),
  };
}

/** tfjs' average pooling leaves the padding out of the count. */
function algorithm(kind: PoolKind): number {
  return kind === "max" ? DNNL.alg.poolingMax : DNNL.alg.poolingAvgExcludePadding;
}

function forwardPrimitive(g: PoolGeometry, kind: PoolKind, training: boolean): DnnlPrimitive {
  return primitiveCache(`${g.key}|pool-fwd|${training}`, () => {
    const desc = new Uint8Array(DNNL.opDescBytes);
    const status = dnnlContext().dnnl.dnnl_pooling_v2_forward_desc_init(
      desc,
      training ? DNNL.prop.forwardTraining : DNNL.prop.forwardInference,
      algorithm(kind),
      g.src,
      g.dst,
      g.strides,
      g.kernel,
      g.dilation,
      g.padL,
      g.padR,
    );
    if (status !== 0) throw new Error(`oneDNN pooling_v2_forward_desc_init failed (status ${status}) for ${g.key}`);
    const args: DnnlArgSpec[] = [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: g.src },
      { arg: DNNL.arg.dst, query: DNNL.query.dstMd, user: g.dst, output: true },
    ];
    if (training && kind === "max") args.push({ arg: DNNL.arg.workspace, query: DNNL.query.workspaceMd, output: true });
    return new DnnlPrimitive(desc, args);
  });
}

/** Pooled output of x (NHWC). */
export function poolForward(c: PoolInfo, kind: PoolKind, x: Float32Array): Float32Array {
  const y = bufferPool.take(c.batchSize * c.outHeight * c.outWidth * c.outChannels);
  forwardPrimitive(geometry(c, kind), kind, false).execute([x, y]);
  return y;
}

/** dx of pooling, from dy and (for max pooling) the forward's input. */
export function poolBackward(c: PoolInfo, kind: PoolKind, dy: Float32Array, x: Float32Array): Float32Array {
  const g = geometry(c, kind);
  const forward = forwardPrimitive(g, kind, true);
  let workspace: Uint8Array | undefined;
  if (kind === "max") {
    workspace = new Uint8Array(forward.bytesOf(DNNL.query.workspaceMd));
    const scratch = bufferPool.take(dy.length);
    forward.execute([x, scratch, workspace]);
    bufferPool.give(scratch);
  }
  const p = primitiveCache(`${g.key}|pool-bwd`, () => {
    const desc = new Uint8Array(DNNL.opDescBytes);
    const status = dnnlContext().dnnl.dnnl_pooling_v2_backward_desc_init(
      desc,
      algorithm(kind),
      g.src,
      g.dst,
      g.strides,
      g.kernel,
      g.dilation,
      g.padL,
      g.padR,
    );
    if (status !== 0) throw new Error(`oneDNN pooling_v2_backward_desc_init failed (status ${status}) for ${g.key}`);
    const args: DnnlArgSpec[] = [
      { arg: DNNL.arg.diffDst, query: DNNL.query.diffDstMd, user: g.dst },
      { arg: DNNL.arg.diffSrc, query: DNNL.query.diffSrcMd, user: g.src, output: true },
    ];
    if (kind === "max") args.push({ arg: DNNL.arg.workspace, query: DNNL.query.workspaceMd });
    return new DnnlPrimitive(desc, args, { hint: forward });
  });
  const dx = bufferPool.take(x.length);
  p.execute(workspace != null ? [dy, dx, workspace] : [dy, dx]);
  return dx;
}
