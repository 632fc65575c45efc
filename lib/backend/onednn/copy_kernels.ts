/**
 * Slice, constant pad, concat and split as block copies: oneDNN reorders
 * ({@link copyBlock}) for large tensors, copies of contiguous runs for small
 * ones. tfjs' cpu kernels index every value through a TensorBuffer, which
 * took about 1 s for one 8x66x66x64 slice (the gradient of ResNet50's
 * padding).
 *
 * @module
 */
import { bufferPool } from "./buffer_pool.ts";
import { BLOCK_COPY_MAX_RANK, copyBlock } from "./block_copy.ts";

/** Below this many values a JS copy beats a oneDNN call. */
const NATIVE_COPY_MIN = 1 << 14;

function native(length: number, rank: number): boolean {
  return length >= NATIVE_COPY_MIN && rank >= 1 && rank <= BLOCK_COPY_MAX_RANK;
}

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Calls `run(srcOffset, dstOffset)` for every innermost run of a box of
 * `size` placed at `srcStart` in a tensor of `srcShape` and at `dstStart`
 * in one of `dstShape`.
 */
function forEachRun(
  size: readonly number[],
  srcShape: readonly number[],
  srcStart: readonly number[],
  dstShape: readonly number[],
  dstStart: readonly number[],
  run: (src: number, dst: number) => void,
): void {
  const rank = size.length;
  if (size.some((d) => d === 0)) return;
  const ss = stridesOf(srcShape), ds = stridesOf(dstShape);
  const idx = new Array<number>(rank).fill(0);
  const outerRank = rank - 1;
  for (;;) {
    let src = 0, dst = 0;
    for (let d = 0; d < rank; d++) {
      const i = d < outerRank ? idx[d] : 0;
      src += (srcStart[d] + i) * ss[d];
      dst += (dstStart[d] + i) * ds[d];
    }
    run(src, dst);
    let d = outerRank - 1;
    while (d >= 0) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/** x[begin : begin + size] of a tensor of `shape`. */
export function sliceArray(
  x: Float32Array,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
): Float32Array {
  const out = bufferPool.take(size.reduce((a, b) => a * b, 1));
  if (native(out.length, shape.length)) {
    copyBlock(x, { shape, offsets: begin }, out, { shape: size, offsets: size.map(() => 0) }, size);
    return out;
  }
  if (shape.length === 0) {
    out.set(x);
    return out;
  }
  const run = size[size.length - 1];
  forEachRun(size, shape, begin, size, size.map(() => 0), (src, dst) => {
    out.set(x.subarray(src, src + run), dst);
  });
  return out;
}

/** x padded by `paddings` ([before, after] per dim) with `value`. */
export function padArray(
  x: Float32Array,
  shape: readonly number[],
  paddings: readonly (readonly [number, number])[],
  value: number,
): Float32Array {
  const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = bufferPool.take(outShape.reduce((a, b) => a * b, 1));
  out.fill(value);
  if (native(out.length, shape.length)) {
    copyBlock(
      x,
      { shape, offsets: shape.map(() => 0) },
      out,
      { shape: outShape, offsets: paddings.map((p) => p[0]) },
      shape,
    );
    return out;
  }
  if (shape.length === 0) {
    out.set(x);
    return out;
  }
  const run = shape[shape.length - 1];
  forEachRun(shape, shape, shape.map(() => 0), outShape, paddings.map((p) => p[0]), (src, dst) => {
    out.set(x.subarray(src, src + run), dst);
  });
  return out;
}

/** Copies `n` values; a loop for short runs, where creating a subarray costs more than the copy. */
function copyRun(src: Float32Array, from: number, dst: Float32Array, to: number, n: number): void {
  if (n < 64) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  } else dst.set(src.subarray(from, from + n), to);
}

/**
 * Concatenates along an axis: each input is `outer` rows of `inners[i]`
 * values (its dims from the axis on), the output `outer` rows of their sum.
 */
export function concatArrays(inputs: readonly Float32Array[], outer: number, inners: readonly number[]): Float32Array {
  const rowLength = inners.reduce((a, b) => a + b, 0);
  const out = bufferPool.take(outer * rowLength);
  let offset = 0;
  if (native(out.length, 2)) {
    inputs.forEach((x, i) => {
      const block = [outer, inners[i]];
      copyBlock(x, { shape: block, offsets: [0, 0] }, out, { shape: [outer, rowLength], offsets: [0, offset] }, block);
      offset += inners[i];
    });
    return out;
  }
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i], inner = inners[i];
    for (let r = 0; r < outer; r++) copyRun(x, r * inner, out, r * rowLength + offset, inner);
    offset += inner;
  }
  return out;
}

/** The inverse of {@link concatArrays}: `x` is `outer` rows, cut into pieces of `inners[i]` values each. */
export function splitArray(x: Float32Array, outer: number, inners: readonly number[]): Float32Array[] {
  const rowLength = inners.reduce((a, b) => a + b, 0);
  let offset = 0;
  if (native(x.length, 2)) {
    return inners.map((inner) => {
      const out = bufferPool.take(outer * inner), block = [outer, inner];
      copyBlock(x, { shape: [outer, rowLength], offsets: [0, offset] }, out, { shape: block, offsets: [0, 0] }, block);
      offset += inner;
      return out;
    });
  }
  return inners.map((inner) => {
    const out = bufferPool.take(outer * inner);
    for (let r = 0; r < outer; r++) copyRun(x, r * rowLength + offset, out, r * inner, inner);
    offset += inner;
    return out;
  });
}
