/**
 * Slice and constant pad as copies of contiguous runs (`TypedArray.set`):
 * tfjs' cpu kernels index every value through a TensorBuffer, which took
 * about 1 s for one 8x66x66x64 slice (the gradient of ResNet50's padding).
 *
 * @module
 */

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
  const out = new Float32Array(size.reduce((a, b) => a * b, 1));
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
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  if (value !== 0) out.fill(value);
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
