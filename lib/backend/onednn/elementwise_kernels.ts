/**
 * Elementwise work on oneDNN, multithreaded and vectorised: binary ops
 * (same shape, a scalar, or a row broadcast over leading dims, as a bias or
 * a batch-norm scale is), ReLU and ReLU6 and their gradients.
 *
 * tfjs' cpu kernels for these are single-threaded JS loops with per-element
 * index arithmetic: about 10 ns per value for a ResNet50 residual add,
 * against about 1 here. Below {@link NATIVE_MIN_SIZE} values a oneDNN call
 * costs more than the loop, and the cpu kernel runs instead.
 *
 * @module
 */
import { DNNL, DnnlPrimitive, dnnlContext, memoryDesc, primitiveCache } from "./dnnl_primitive.ts";

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

/**
 * out = a (op) b, where a has `rows * cols` values and b has either as many,
 * or `cols` (one row, repeated), or 1.
 */
export function binary(op: BinaryOp, a: Float32Array, b: Float32Array, rows: number, cols: number): Float32Array {
  const bRows = b.length === a.length ? rows : 1, bCols = b.length === 1 ? 1 : cols;
  const p = primitiveCache(`binary|${op}|${rows}|${cols}|${bRows}|${bCols}`, () => {
    const src0 = memoryDesc([rows, cols], DNNL.tag.ab);
    const src1 = memoryDesc([bRows, bCols], DNNL.tag.ab);
    const desc = new Uint8Array(DNNL.opDescBytes);
    const status = dnnlContext().dnnl.dnnl_binary_desc_init(desc, BINARY_ALG[op], src0, src1, src0);
    if (status !== 0) throw new Error(`oneDNN binary_desc_init failed (status ${status})`);
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, index: 0, user: src0 },
      { arg: DNNL.arg.src1, query: DNNL.query.srcMd, index: 1, user: src1 },
      { arg: DNNL.arg.dst, query: DNNL.query.dstMd, user: src0, output: true },
    ]);
  });
  const out = new Float32Array(a.length);
  p.execute([a, b, out]);
  return out;
}

/** Activations with a native forward and gradient. */
export type EltwiseKind = "relu" | "relu6";

function eltwiseParams(kind: EltwiseKind): [number, number, number] {
  return kind === "relu" ? [DNNL.alg.eltwiseRelu, 0, 0] : [DNNL.alg.eltwiseClip, 0, 6];
}

function forwardPrimitive(kind: EltwiseKind, n: number, training: boolean): DnnlPrimitive {
  return primitiveCache(`eltwise|${kind}|${n}|${training}`, () => {
    const md = memoryDesc([n], DNNL.tag.a);
    const [alg, alpha, beta] = eltwiseParams(kind);
    const desc = new Uint8Array(DNNL.opDescBytes);
    const prop = training ? DNNL.prop.forwardTraining : DNNL.prop.forwardInference;
    const status = dnnlContext().dnnl.dnnl_eltwise_forward_desc_init(desc, prop, alg, md, alpha, beta);
    if (status !== 0) throw new Error(`oneDNN eltwise_forward_desc_init failed (status ${status})`);
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: md },
      { arg: DNNL.arg.dst, query: DNNL.query.dstMd, user: md, output: true },
    ]);
  });
}

/** relu(x) or min(max(x, 0), 6). */
export function eltwiseForward(kind: EltwiseKind, x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  forwardPrimitive(kind, x.length, false).execute([x, y]);
  return y;
}

/** The gradient: dy where 0 < x (and x <= 6 for relu6), else 0, as tfjs' Relu and Relu6 gradients. */
export function eltwiseBackward(kind: EltwiseKind, dy: Float32Array, x: Float32Array): Float32Array {
  const n = x.length;
  const p = primitiveCache(`eltwise-bwd|${kind}|${n}`, () => {
    const md = memoryDesc([n], DNNL.tag.a);
    const [alg, alpha, beta] = eltwiseParams(kind);
    const desc = new Uint8Array(DNNL.opDescBytes);
    const status = dnnlContext().dnnl.dnnl_eltwise_backward_desc_init(desc, alg, md, md, alpha, beta);
    if (status !== 0) throw new Error(`oneDNN eltwise_backward_desc_init failed (status ${status})`);
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: md },
      { arg: DNNL.arg.diffDst, query: DNNL.query.diffDstMd, user: md },
      { arg: DNNL.arg.diffSrc, query: DNNL.query.diffSrcMd, user: md, output: true },
    ], { hint: forwardPrimitive(kind, n, true) });
  });
  const dx = new Float32Array(n);
  p.execute([x, dy, dx]);
  return dx;
}
