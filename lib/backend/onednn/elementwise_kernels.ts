/**
 * Elementwise work on oneDNN, multithreaded and vectorised: binary ops
 * (same shapes, or b repeated over some of a's dims: a bias, a batch-norm
 * scale, the gradient of global pooling), ReLU, ReLU6 and clipping, and their gradients.
 *
 * tfjs' cpu kernels for these are single-threaded JS loops with per-element
 * index arithmetic: about 10 ns per value for a ResNet50 residual add,
 * against about 1 here. Below {@link NATIVE_MIN_SIZE} values a oneDNN call
 * costs more than the loop, and the cpu kernel runs instead.
 *
 * @module
 */
import { DNNL, dnnlContext, DnnlPrimitive, memoryDesc, opDesc, primitiveCache } from "./dnnl_primitive.ts";
import { bufferPool } from "./buffer_pool.ts";

/** Tensors smaller than this stay on the cpu kernels. */
export const NATIVE_MIN_SIZE = 8192;

/** Binary ops oneDNN runs. */
export type BinaryOp = "add" | "sub" | "mul" | "div" | "max" | "min";

const BINARY_ALG: Record<BinaryOp, number> = {
  add: DNNL.alg.binaryAdd,
  sub: DNNL.alg.binarySub,
  mul: DNNL.alg.binaryMul,
  div: DNNL.alg.binaryDiv,
  max: DNNL.alg.binaryMax,
  min: DNNL.alg.binaryMin,
};

/** Plain (row-major) layouts by rank, 1 to 5. */
const PLAIN_TAGS = [0, DNNL.tag.a, DNNL.tag.ab, DNNL.tag.abc, DNNL.tag.abcd, DNNL.tag.abcde];

/**
 * Merges neighbouring dims that b repeats over (or not) alike, so that
 * [8,4,4,1024] (op) [8,1,1,1024] becomes [8,16,1024] (op) [8,1,1024].
 *
 * @returns The merged dims of a and b, or undefined where b is not a's shape with some dims 1.
 */
export function mergeBroadcastDims(
  aShape: readonly number[],
  bShape: readonly number[],
): { a: number[]; b: number[] } | undefined {
  if (bShape.length > aShape.length) return undefined;
  const b = [...Array(aShape.length - bShape.length).fill(1), ...bShape];
  const outA: number[] = [], outB: number[] = [];
  let prevBroadcast: boolean | undefined;
  for (let i = 0; i < aShape.length; i++) {
    if (aShape[i] === 1) {
      if (b[i] !== 1) return undefined; // the output is larger than a
      continue;
    }
    if (b[i] !== aShape[i] && b[i] !== 1) return undefined;
    const broadcast = b[i] === 1;
    if (broadcast === prevBroadcast) {
      outA[outA.length - 1] *= aShape[i];
      outB[outB.length - 1] *= b[i];
    } else {
      outA.push(aShape[i]);
      outB.push(b[i]);
    }
    prevBroadcast = broadcast;
  }
  if (outA.length === 0) return { a: [1], b: [1] };
  return { a: outA, b: outB };
}

/**
 * out = a (op) b, where b has a's shape with some dims 1 (repeated there),
 * both given as merged dims ({@link mergeBroadcastDims}), rank 1 to 5.
 */
export function binary(op: BinaryOp, a: Float32Array, b: Float32Array, aDims: number[], bDims: number[]): Float32Array {
  const p = primitiveCache(`binary|${op}|${aDims}|${bDims}`, () => {
    const src0 = memoryDesc(aDims, PLAIN_TAGS[aDims.length]);
    const src1 = memoryDesc(bDims, PLAIN_TAGS[bDims.length]);
    const desc = opDesc(
      "dnnl_binary_desc_init",
      (d) => dnnlContext().dnnl.dnnl_binary_desc_init(d, BINARY_ALG[op], src0, src1, src0),
    );
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, index: 0, user: src0 },
      { arg: DNNL.arg.src1, query: DNNL.query.srcMd, index: 1, user: src1 },
      { arg: DNNL.arg.dst, query: DNNL.query.dstMd, user: src0, output: true },
    ]);
  });
  const out = bufferPool.take(a.length);
  p.execute([a, b, out]);
  return out;
}

/**
 * Activations with a native forward and gradient: ReLU, and clip to
 * [lo, hi] (ReLU6 is clip to [0, 6]). oneDNN's clip gradient passes dy
 * where lo < x <= hi; tfjs' ClipByValue gradient also at x == lo exactly,
 * where either is a valid subgradient (it matches tfjs' Relu6 gradient).
 */
export type Eltwise = { kind: "relu" } | { kind: "clip"; lo: number; hi: number };

function eltwiseParams(op: Eltwise): [number, number, number] {
  return op.kind === "relu" ? [DNNL.alg.eltwiseRelu, 0, 0] : [DNNL.alg.eltwiseClip, op.lo, op.hi];
}

function eltwiseKey(op: Eltwise): string {
  return op.kind === "relu" ? "relu" : `clip(${op.lo},${op.hi})`;
}

function forwardPrimitive(op: Eltwise, n: number, training: boolean): DnnlPrimitive {
  return primitiveCache(`eltwise|${eltwiseKey(op)}|${n}|${training}`, () => {
    const md = memoryDesc([n], DNNL.tag.a);
    const [alg, alpha, beta] = eltwiseParams(op);
    const prop = training ? DNNL.prop.forwardTraining : DNNL.prop.forwardInference;
    const desc = opDesc(
      "dnnl_eltwise_forward_desc_init",
      (d) => dnnlContext().dnnl.dnnl_eltwise_forward_desc_init(d, prop, alg, md, alpha, beta),
    );
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: md },
      { arg: DNNL.arg.dst, query: DNNL.query.dstMd, user: md, output: true },
    ]);
  });
}

/** relu(x), or min(max(x, lo), hi). */
export function eltwiseForward(op: Eltwise, x: Float32Array): Float32Array {
  const y = bufferPool.take(x.length);
  forwardPrimitive(op, x.length, false).execute([x, y]);
  return y;
}

/** The gradient: dy where 0 < x (ReLU) or lo < x <= hi (clip), else 0. */
export function eltwiseBackward(op: Eltwise, dy: Float32Array, x: Float32Array): Float32Array {
  const n = x.length;
  const p = primitiveCache(`eltwise-bwd|${eltwiseKey(op)}|${n}`, () => {
    const md = memoryDesc([n], DNNL.tag.a);
    const [alg, alpha, beta] = eltwiseParams(op);
    const desc = opDesc(
      "dnnl_eltwise_backward_desc_init",
      (d) => dnnlContext().dnnl.dnnl_eltwise_backward_desc_init(d, alg, md, md, alpha, beta),
    );
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: md },
      { arg: DNNL.arg.diffDst, query: DNNL.query.diffDstMd, user: md },
      { arg: DNNL.arg.diffSrc, query: DNNL.query.diffSrcMd, user: md, output: true },
    ], { hint: forwardPrimitive(op, n, true) });
  });
  const dx = bufferPool.take(n);
  p.execute([x, dy, dx]);
  return dx;
}
