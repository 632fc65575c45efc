/**
 * Batched matrix products on oneDNN's `dnnl_sgemm` (row-major), with an
 * optional bias broadcast over rows: C = op(A) op(B) (+ bias).
 *
 * @module
 */
import { dnnlContext } from "./dnnl_primitive.ts";
import { bufferPool } from "./buffer_pool.ts";

/** One batched product's sizes. */
export interface MatMulShape {
  /** Matrices in A and in B; one of them may be 1 (broadcast). */
  batchA: number;
  batchB: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

const N_CHAR = "N".charCodeAt(0), T_CHAR = "T".charCodeAt(0);

/**
 * C = op(A) op(B) for each matrix of the batch, plus `bias` (length n) on
 * every row when given.
 *
 * @returns A new array of max(batchA, batchB) * m * n values.
 */
export function batchMatMul(s: MatMulShape, a: Float32Array, b: Float32Array, bias?: Float32Array): Float32Array {
  const { dnnl } = dnnlContext();
  const batch = Math.max(s.batchA, s.batchB);
  const c = bufferPool.take(batch * s.m * s.n, s.k === 0);
  if (s.m === 0 || s.n === 0) return c;
  if (s.k === 0) {
    if (bias != null) { for (let r = 0; r < batch * s.m; r++) c.set(bias, r * s.n); }
    return c;
  }
  const pa = Deno.UnsafePointer.of(a as unknown as BufferSource);
  const pb = Deno.UnsafePointer.of(b as unknown as BufferSource);
  const pc = Deno.UnsafePointer.of(c as unknown as BufferSource);
  const lda = BigInt(s.transposeA ? s.m : s.k), ldb = BigInt(s.transposeB ? s.k : s.n), ldc = BigInt(s.n);
  const strideA = s.batchA === 1 ? 0 : s.m * s.k * 4, strideB = s.batchB === 1 ? 0 : s.k * s.n * 4;
  const strideC = s.m * s.n * 4;
  for (let i = 0; i < batch; i++) {
    let beta = 0;
    if (bias != null) {
      for (let r = 0; r < s.m; r++) c.set(bias, i * s.m * s.n + r * s.n);
      beta = 1;
    }
    const status = dnnl.dnnl_sgemm(
      s.transposeA ? T_CHAR : N_CHAR,
      s.transposeB ? T_CHAR : N_CHAR,
      BigInt(s.m),
      BigInt(s.n),
      BigInt(s.k),
      1,
      Deno.UnsafePointer.offset(pa!, i * strideA),
      lda,
      Deno.UnsafePointer.offset(pb!, i * strideB),
      ldb,
      beta,
      Deno.UnsafePointer.offset(pc!, i * strideC),
      ldc,
    );
    if (status !== 0) throw new Error(`oneDNN sgemm failed (status ${status})`);
  }
  return c;
}
