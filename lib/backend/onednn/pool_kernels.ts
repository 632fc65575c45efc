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
  opDesc,
  primitiveCache,
} from "./dnnl_primitive.ts";
import { type WindowDescs, windowDescs, windowKey } from "./window_geometry.ts";
import { bufferPool } from "./buffer_pool.ts";

type PoolInfo = tf.backend_util.Conv2DInfo;
/** Which pooling. */
export type PoolKind = "max" | "avg";

/** A pooling's descriptors: the window's, and its kernel size. */
interface PoolDescs extends WindowDescs {
  kernel: BigInt64Array;
}

function poolDescs(c: PoolInfo): PoolDescs {
  return { ...windowDescs(c), kernel: dims64([c.filterHeight, c.filterWidth]) };
}

/** tfjs' average pooling leaves the padding out of the count. */
function algorithm(kind: PoolKind): number {
  return kind === "max" ? DNNL.alg.poolingMax : DNNL.alg.poolingAvgExcludePadding;
}

function forwardPrimitive(c: PoolInfo, kind: PoolKind, training: boolean): DnnlPrimitive {
  const key = windowKey(kind, c);
  return primitiveCache(`${key}|pool-fwd|${training}`, () => {
    const g = poolDescs(c);
    const desc = opDesc(
      "dnnl_pooling_v2_forward_desc_init",
      (d) =>
        dnnlContext().dnnl.dnnl_pooling_v2_forward_desc_init(
          d,
          training ? DNNL.prop.forwardTraining : DNNL.prop.forwardInference,
          algorithm(kind),
          g.src,
          g.dst,
          g.strides,
          g.kernel,
          g.dilates,
          g.padL,
          g.padR,
        ),
    );
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
  forwardPrimitive(c, kind, false).execute([x, y]);
  return y;
}

/** dx of pooling, from dy and (for max pooling) the forward's input. */
export function poolBackward(c: PoolInfo, kind: PoolKind, dy: Float32Array, x: Float32Array): Float32Array {
  const key = windowKey(kind, c);
  const forward = forwardPrimitive(c, kind, true);
  let workspace: Uint8Array | undefined;
  if (kind === "max") {
    workspace = new Uint8Array(forward.bytesOf(DNNL.query.workspaceMd));
    const scratch = bufferPool.take(dy.length);
    forward.execute([x, scratch, workspace]);
    bufferPool.give(scratch);
  }
  const p = primitiveCache(`${key}|pool-bwd`, () => {
    const g = poolDescs(c);
    const desc = opDesc(
      "dnnl_pooling_v2_backward_desc_init",
      (d) =>
        dnnlContext().dnnl.dnnl_pooling_v2_backward_desc_init(
          d,
          algorithm(kind),
          g.src,
          g.dst,
          g.strides,
          g.kernel,
          g.dilates,
          g.padL,
          g.padR,
        ),
    );
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
