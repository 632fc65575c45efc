/**
 * Training kernels for the tfjs `wasm` backend.
 *
 * tfjs-backend-wasm 4.22 ships no `Conv2DBackpropFilter`,
 * `DepthwiseConv2dNativeBackpropFilter` or `DepthwiseConv2dNativeBackpropInput`
 * (tensorflow/tfjs#8474), so `model.fit` of any conv net fails there. Its
 * built-in `Conv2DBackpropInput` is a naive loop that measured 5-10x slower
 * than the forward conv. The conv gradients here are composed from kernels
 * that the backend runs fast through XNNPACK (Conv2D, DepthwiseConv2dNative,
 * BatchMatMul) plus cheap data movement (Transpose, Pad, Slice); the depthwise
 * filter gradient, MaxPoolGrad and Tile are plain loops over the data, which
 * beat every composition and the built-ins; Sum and Mean over leading axes go
 * through XNNPACK's average pooling. The forward convs get explicit padding in
 * place of 'same', which the built-ins mishandle (see the override below).
 * `deno task bench --kernels` times each against the forward conv and the
 * kernel it replaces.
 *
 * Kernel functions run with the tape off (engine kernelDepth > 0), so the ops
 * used inside them are not recorded for gradients. A kernel may return a
 * `Tensor`: the engine takes it as the output as it is.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Explicit padding for an NHWC conv: `[[0,0],[top,bottom],[left,right],[0,0]]`. */
type ExplicitPadding = [[number, number], [number, number], [number, number], [
  number,
  number,
]];
type Pad = "valid" | "same" | number | ExplicitPadding;
type Pair = number | [number, number];
type Rounding = "floor" | "round" | "ceil" | undefined;

/** Kernels that this module registers for `wasm`. */
export const WASM_TRAINING_KERNELS = [
  "Conv2DBackpropFilter",
  "Conv2DBackpropInput",
  "DepthwiseConv2dNativeBackpropFilter",
  "DepthwiseConv2dNativeBackpropInput",
  "MaxPoolGrad",
  "Tile",
  "Sum",
  "Mean",
  "Conv2D",
  "FusedConv2D",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2D",
] as const;

function pair(v: Pair | undefined): [number, number] {
  if (v == null) return [1, 1];
  return typeof v === "number" ? [v, v] : v;
}

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes.
 * Padding is returned for the conv to apply itself, so no copy is made for it;
 * cropping slices now.
 */
function cropForConv(
  x: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): { x: tf.Tensor4D; pad: ExplicitPadding } {
  let out = x;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = x.shape;
    const t = Math.max(0, -top), b = Math.max(0, -bottom);
    const l = Math.max(0, -left), r = Math.max(0, -right);
    out = tf.slice(x, [0, t, l, 0], [n, h - t - b, w - l - r, c]);
  }
  return {
    x: out,
    pad: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [
      Math.max(0, left),
      Math.max(0, right),
    ], [0, 0]],
  };
}

/** Runs the backend's Conv2D kernel directly: ops assert strides or dilations is 1. */
function rawConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number],
  pad: ExplicitPadding,
  dilations: [number, number],
): tf.Tensor4D {
  return tf.engine().runKernel("Conv2D", { x, filter }, {
    strides,
    pad,
    dataFormat: "NHWC",
    dilations,
    dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

function rawDepthwiseConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  pad: ExplicitPadding,
  dilations: [number, number],
): tf.Tensor4D {
  return tf.engine().runKernel("DepthwiseConv2dNative", { x, filter }, {
    strides: [1, 1],
    pad,
    dataFormat: "NHWC",
    dilations,
    dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * Inserts `s - 1` zeros between neighbouring pixels: the transposed conv of a
 * strided conv is a stride-1 conv of the zero-dilated gradient.
 * Output: `[n, (h-1)*sh+1, (w-1)*sw+1, c]`.
 */
function zeroDilate(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  let t: tf.Tensor = dy;
  if (sh > 1) {
    t = tf.pad(tf.reshape(t, [n, h, 1, w * c]), [[0, 0], [0, 0], [0, sh - 1], [
      0,
      0,
    ]]);
    t = tf.slice(tf.reshape(t, [n, h * sh, w, c]), [0, 0, 0, 0], [
      n,
      (h - 1) * sh + 1,
      w,
      c,
    ]);
  }
  const hd = t.shape[1] as number;
  if (sw > 1) {
    t = tf.pad(tf.reshape(t, [n * hd, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [
      0,
      0,
    ]]);
    t = tf.slice(tf.reshape(t, [n, hd, w * sw, c]), [0, 0, 0, 0], [
      n,
      hd,
      (w - 1) * sw + 1,
      c,
    ]);
  }
  return t as tf.Tensor4D;
}

/** Shape facts of one conv, from tfjs' own bookkeeping so padding matches the forward pass. */
function convInfo(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: Pair,
  pad: Pad,
  dilations: Pair | undefined,
  dimRoundingMode: Rounding,
  depthwise: boolean,
) {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    strides,
    dilations ?? 1,
    pad as "valid",
    dimRoundingMode,
    depthwise,
  );
}

/**
 * Gradient of a conv2d with respect to its filter.
 *
 * dW[i,j,c,o] = sum over n,y,x of x[n, y*sh + i*dh - top, x*sw + j*dw - left, c] * dy[n,y,x,o].
 * Read with c as the batch and n as the channel, that is a conv of the input
 * (transposed to [C,H,W,N]) with dy (transposed to [oh,ow,N,O]) as the filter,
 * dilated by the forward stride. 1x1 convs are a single matrix product.
 *
 * @returns A new tensor `[fh, fw, C, O]`; the caller disposes it.
 */
export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: Pair,
  pad: Pad,
  dilations?: Pair,
  dimRoundingMode?: Rounding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(
      x.shape,
      filterShape,
      strides,
      pad,
      dilations,
      dimRoundingMode,
      false,
    );
    const [, h, w, c] = x.shape;
    const o = dy.shape[3];
    const { strideHeight: sh, strideWidth: sw } = info;
    const { dilationHeight: dh, dilationWidth: dw } = info;
    const { filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow } = info;
    const top = info.padInfo.top, left = info.padInfo.left;

    if (fh === 1 && fw === 1 && top === 0 && left === 0) {
      // wasm matMul with a transpose flag, and StridedSlice, measured 10-30x
      // slower than an explicit Transpose and a 1x1 max-pool subsample.
      const xs = sh === 1 && sw === 1 && oh === h && ow === w ? x : tf.maxPool(x, 1, [sh, sw], "valid");
      const x2 = tf.reshape(xs, [-1, c]), dy2 = tf.reshape(dy, [-1, o]);
      // Transpose the narrower of x and dy (a full pass over it), then the small result if needed:
      // DenseNet's 1x1 convs read up to 1024 channels and write 128.
      const dW = c <= o ? tf.matMul(tf.transpose(x2), dy2) : tf.transpose(tf.matMul(tf.transpose(dy2), x2));
      return tf.reshape(dW, [1, 1, c, o]);
    }

    const xt = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [C,H,W,N]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [oh,ow,N,O]
    // Pad or crop so that a valid conv yields exactly fh x fw.
    const bottom = (fh - 1) * dh + (oh - 1) * sh + 1 - h - top;
    const right = (fw - 1) * dw + (ow - 1) * sw + 1 - w - left;
    const fitted = cropForConv(xt, top, bottom, left, right);
    const out = rawConv2d(fitted.x, dyt, [dh, dw], fitted.pad, [sh, sw]); // [C,fh,fw,O]
    return tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * The filter flipped in space, with its channel axes swapped when `swap` is
 * set: `[fh, fw, C, O]` to `[fh, fw, O, C]`. One pass over the filter's data:
 * wasm's Reverse took 38 ms per 3x3x512x512 filter (656 ms of a 5.3 s
 * ResNet50 step at 128x128), this takes a few.
 *
 * @returns A new tensor; the caller disposes it.
 */
function flipFilter(filter: tf.Tensor4D, swap: boolean): tf.Tensor4D {
  const [fh, fw, c, o] = filter.shape;
  const src = filter.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  const plane = c * o;
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const from = ((fh - 1 - i) * fw + (fw - 1 - j)) * plane;
      const to = (i * fw + j) * plane;
      if (!swap) {
        out.set(src.subarray(from, from + plane), to);
        continue;
      }
      for (let ci = 0; ci < c; ci++) {
        const row = from + ci * o;
        for (let oi = 0; oi < o; oi++) out[to + oi * c + ci] = src[row + oi];
      }
    }
  }
  return tf.tensor4d(out, swap ? [fh, fw, o, c] : [fh, fw, c, o]);
}

/**
 * Gradient of a conv2d with respect to its input (the transposed conv).
 *
 * A stride-1 conv of the zero-dilated dy with the filter flipped in space and
 * its channel axes swapped. 1x1 convs are a single matrix product.
 *
 * @returns A new tensor of `inputShape`; the caller disposes it.
 */
export function conv2dBackpropInput(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: Pair,
  pad: Pad,
  dilations?: Pair,
  dimRoundingMode?: Rounding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(
      inputShape,
      filter.shape,
      strides,
      pad,
      dilations,
      dimRoundingMode,
      false,
    );
    const [, h, w] = inputShape;
    const { strideHeight: sh, strideWidth: sw } = info;
    const { dilationHeight: dh, dilationWidth: dw } = info;
    const { filterHeight: fh, filterWidth: fw } = info;
    const top = info.padInfo.top, left = info.padInfo.left;

    if (fh === 1 && fw === 1 && top === 0 && left === 0) {
      const wT = tf.transpose(filter, [0, 1, 3, 2]) as tf.Tensor4D;
      const d = zeroDilate(tf.conv2d(dy, wT, 1, "valid"), sh, sw);
      // Rows and columns the strided conv never read get zero gradient.
      return tf.pad(d, [[0, 0], [0, h - d.shape[1]], [0, w - d.shape[2]], [
        0,
        0,
      ]]);
    }
    const d = zeroDilate(dy, sh, sw);
    const flipped = flipFilter(filter, true);
    const pt = (fh - 1) * dh - top, pl = (fw - 1) * dw - left;
    const pb = h + (fh - 1) * dh - d.shape[1] - pt;
    const pr = w + (fw - 1) * dw - d.shape[2] - pl;
    const fitted = cropForConv(d, pt, pb, pl, pr);
    return rawConv2d(fitted.x, flipped, [1, 1], fitted.pad, [dh, dw]);
  });
}

/**
 * Gradient of a depthwise conv with respect to its input.
 *
 * A stride-1 depthwise conv of the zero-dilated dy with the spatially flipped
 * filter; with a channel multiplier M > 1 the M outputs of each input channel
 * are summed.
 *
 * @returns A new tensor of `inputShape`; the caller disposes it.
 */
export function depthwiseConv2dBackpropInput(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: Pair,
  pad: Pad,
  dilations?: Pair,
  dimRoundingMode?: Rounding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(
      inputShape,
      filter.shape,
      strides,
      pad,
      dilations,
      dimRoundingMode,
      true,
    );
    const [n, h, w, c] = inputShape;
    const [fh, fw, , m] = filter.shape;
    const { strideHeight: sh, strideWidth: sw } = info;
    const { dilationHeight: dh, dilationWidth: dw } = info;
    const top = info.padInfo.top, left = info.padInfo.left;

    const d = zeroDilate(dy, sh, sw);
    const flipped = tf.reshape(flipFilter(filter, false), [fh, fw, c * m, 1]) as tf.Tensor4D;
    const pt = (fh - 1) * dh - top, pl = (fw - 1) * dw - left;
    const pb = h + (fh - 1) * dh - d.shape[1] - pt;
    const pr = w + (fw - 1) * dw - d.shape[2] - pl;
    const fitted = cropForConv(d, pt, pb, pl, pr);
    const dx = rawDepthwiseConv2d(fitted.x, flipped, fitted.pad, [dh, dw]);
    if (m === 1) return dx;
    return tf.sum(tf.reshape(dx, [n, h, w, c, m]), 4) as tf.Tensor4D;
  });
}

/**
 * Gradient of a depthwise conv with respect to its filter.
 *
 * dW[i,j,c,m] = sum over n,y,x of x[n, y*sh + i*dh - top, x*sw + j*dw - left, c] * dy[n,y,x,c*M+m].
 * Computed in a plain loop over the two tensors' data. Measured on a
 * [8,56,56,128] input: 105 ms, against 185 ms for one strided slice, multiply
 * and sum per tap, and 130 ms for a depthwise conv with the gradient as a
 * feature-map-sized filter; at stride 2, 18 ms against 1.3 s and 44 ms.
 *
 * @returns A new tensor `filterShape` = `[fh, fw, C, M]`; the caller disposes it.
 */
export function depthwiseConv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: Pair,
  pad: Pad,
  dilations?: Pair,
  dimRoundingMode?: Rounding,
): tf.Tensor4D {
  const info = convInfo(
    x.shape,
    filterShape,
    strides,
    pad,
    dilations,
    dimRoundingMode,
    true,
  );
  const [n, h, w, c] = x.shape;
  const [fh, fw, , m] = filterShape;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { outHeight: oh, outWidth: ow } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  const xd = x.dataSync() as Float32Array;
  const dd = dy.dataSync() as Float32Array;
  const cm = c * m;
  // float64 sums: no float32 rounding at each of the N*H*W steps; about as fast (8x64x64x32: 26 vs 25 ms).
  const out = new Float64Array(fh * fw * cm);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let i = 0; i < fh; i++) {
        const iy = oy * sh + i * dh - top;
        if (iy < 0 || iy >= h) continue;
        for (let ox = 0; ox < ow; ox++) {
          const dOff = ((b * oh + oy) * ow + ox) * cm;
          for (let j = 0; j < fw; j++) {
            const ix = ox * sw + j * dw - left;
            if (ix < 0 || ix >= w) continue;
            const xOff = ((b * h + iy) * w + ix) * c;
            const oOff = (i * fw + j) * cm;
            if (m === 1) {
              for (let k = 0; k < c; k++) {
                out[oOff + k] += xd[xOff + k] * dd[dOff + k];
              }
            } else {
              for (let k = 0; k < c; k++) {
                const xv = xd[xOff + k];
                for (let q = 0; q < m; q++) {
                  out[oOff + k * m + q] += xv * dd[dOff + k * m + q];
                }
              }
            }
          }
        }
      }
    }
  }
  return tf.tensor4d(Float32Array.from(out), filterShape);
}

/**
 * Gradient of a max pool: each dy goes to the first maximum of its window,
 * as in tfjs' cpu backend. A plain loop: on [8,224,224,16] with 2x2 windows,
 * 59 ms against 152 ms for the built-in wasm kernel. (Reading and writing
 * the wasm heap in place instead of copying measured no faster.)
 *
 * @returns A new tensor shaped like `input`; the caller disposes it.
 */
export function maxPoolGrad(
  dy: tf.Tensor4D,
  input: tf.Tensor4D,
  filterSize: Pair,
  strides: Pair,
  pad: Pad,
  dimRoundingMode?: Rounding,
): tf.Tensor4D {
  const info = tf.backend_util.computePool2DInfo(
    input.shape,
    filterSize,
    strides,
    1,
    pad as "valid",
    dimRoundingMode,
  );
  const [n, h, w, c] = input.shape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  const xd = input.dataSync() as Float32Array;
  const dd = dy.dataSync() as Float32Array;
  const dx = new Float32Array(xd.length);
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * oh <= h && 2 * ow <= w) {
    maxPool2x2Grad(xd, dd, dx, n, h, w, c, oh, ow);
    return tf.tensor4d(dx, input.shape);
  }
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - top;
      const yStart = Math.max(0, y0), yEnd = Math.min(h, y0 + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - left;
        const xStart = Math.max(0, x0), xEnd = Math.min(w, x0 + fw);
        if (yStart >= yEnd || xStart >= xEnd) continue;
        let first = true;
        for (let i = yStart; i < yEnd; i++) {
          for (let j = xStart; j < xEnd; j++) {
            const off = ((b * h + i) * w + j) * c;
            if (first) {
              for (let k = 0; k < c; k++) {
                best[k] = xd[off + k];
                where[k] = off + k;
              }
              first = false;
            } else {
              for (let k = 0; k < c; k++) {
                const v = xd[off + k];
                if (v > best[k]) {
                  best[k] = v;
                  where[k] = off + k;
                }
              }
            }
          }
        }
        const dOff = ((b * oh + oy) * ow + ox) * c;
        for (let k = 0; k < c; k++) dx[where[k]] += dd[dOff + k];
      }
    }
  }
  return tf.tensor4d(dx, input.shape);
}

/**
 * The 2x2, stride-2 max pool of every VGG block and the plain CNN, without
 * the general loop's bookkeeping: windows do not overlap, so each dy lands
 * on one input, the first maximum in row order (as the general loop).
 * [8,128,128,16]: 17-52 ms against 22-65 for the general loop.
 */
function maxPool2x2Grad(
  xd: Float32Array,
  dd: Float32Array,
  dx: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  oh: number,
  ow: number,
): void {
  const row = w * c;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const p0 = ((b * h + 2 * oy) * w + 2 * ox) * c;
        for (let k = 0; k < c; k++, o++) {
          const i0 = p0 + k, i1 = i0 + c, i2 = i0 + row, i3 = i2 + c;
          let at = i0, best = xd[i0];
          if (xd[i1] > best) {
            best = xd[i1];
            at = i1;
          }
          if (xd[i2] > best) {
            best = xd[i2];
            at = i2;
          }
          if (xd[i3] > best) at = i3;
          dx[at] = dd[o];
        }
      }
    }
  }
}

type NumericArray = Float32Array | Int32Array | Uint8Array;

/**
 * Tiles a tensor with block copies. The built-in wasm kernel computes an
 * index per element: 500 ms to tile [1,1,1,16] to [8,224,224,16] (batch
 * norm's gradient does exactly this), against about 15 ms here.
 *
 * @returns A new tensor; the caller disposes it.
 */
export function tileByCopy(x: tf.Tensor, reps: number[]): tf.Tensor {
  const src = x.dataSync() as NumericArray;
  const shape = x.shape;
  const outShape = shape.map((d, i) => d * reps[i]);
  const rank = shape.length;
  const Ctor = src.constructor as { new (n: number): NumericArray };
  const out = new Ctor(outShape.reduce((a, b) => a * b, 1));
  // inner[d]: elements of one output block below axis d.
  const inner = new Array<number>(rank + 1).fill(1);
  for (let d = rank - 1; d >= 0; d--) inner[d] = inner[d + 1] * outShape[d];
  const srcInner = new Array<number>(rank + 1).fill(1);
  for (let d = rank - 1; d >= 0; d--) srcInner[d] = srcInner[d + 1] * shape[d];
  // Writes x's block at axis d (src offset so) to out offset oo, then repeats it.
  const fill = (d: number, so: number, oo: number) => {
    if (d === rank) {
      out[oo] = src[so];
      return;
    }
    if (d === rank - 1) {
      out.set(src.subarray(so, so + shape[d]), oo);
    } else {
      for (let i = 0; i < shape[d]; i++) {
        fill(d + 1, so + i * srcInner[d + 1], oo + i * inner[d + 1]);
      }
    }
    const block = shape[d] * inner[d + 1];
    for (let r = 1; r < reps[d]; r *= 2) {
      const count = Math.min(r, reps[d] - r);
      out.copyWithin(oo + r * block, oo, oo + count * block);
    }
  };
  fill(0, 0, 0);
  return tf.tensor(out, outShape, x.dtype);
}

/**
 * Reduces over leading axes with XNNPACK's average pooling: the tensor is
 * viewed as `[1, k, 1, rest]` and pooled with a `k x 1` window. The built-in
 * kernels transpose the reduced axes to the end first: 28 ms to sum a fresh
 * [8,224,224,16] over axes 0-2, against 2.3 ms here (a product with a row of
 * ones measured 30 ms, as wasm packs the big operand).
 *
 * @param scale 1 for a mean, k for a sum.
 * @returns The reduction, or undefined when `axes` are not a leading run.
 */
function reduceLeadingAxes(
  x: tf.Tensor,
  axes: number[],
  keepDims: boolean,
  mean: boolean,
): tf.Tensor | undefined {
  if (x.dtype !== "float32" || axes.length === 0 || axes.length >= x.rank) {
    return undefined;
  }
  const sorted = [...axes].sort((a, b) => a - b);
  if (!sorted.every((a, i) => a === i)) return undefined;
  const k = x.shape.slice(0, sorted.length).reduce((a, b) => a * b, 1);
  if (k < 64) return undefined; // not worth it
  const rest = x.shape.slice(sorted.length);
  return tf.tidy(() => {
    const view = tf.reshape(x, [1, k, 1, -1]) as tf.Tensor4D;
    let r: tf.Tensor = tf.avgPool(view, [k, 1], 1, "valid");
    if (!mean) r = tf.mul(r, k);
    const outShape = keepDims ? [...sorted.map(() => 1), ...rest] : rest;
    return tf.reshape(r, outShape);
  });
}

function normalizeAxes(
  axis: number | number[] | undefined,
  rank: number,
): number[] {
  if (axis == null) return [...Array(rank).keys()];
  return (Array.isArray(axis) ? axis : [axis]).map((
    a,
  ) => (a < 0 ? a + rank : a));
}

interface ConvAttrs {
  strides: Pair;
  pad: Pad;
  dilations?: Pair;
  dimRoundingMode?: Rounding;
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

function attrsOf(config: { attrs?: tf.NamedAttrMap }): ConvAttrs {
  return config.attrs as unknown as ConvAttrs;
}

let registered = false;

type KernelConfig = Parameters<tf.KernelFunc>[0];
type KernelResult = tf.TensorInfo | tf.TensorInfo[];

/**
 * Registers `kernelFunc` for `name` on wasm in place of any built-in kernel,
 * which it receives for fallback. The built-in's setupFunc is kept: wasm
 * binds its C++ functions there at backend start.
 */
const builtins = new Map<string, (c: KernelConfig) => KernelResult>();

/**
 * The wasm backend's own kernel that {@link registerWasmTrainingKernels}
 * replaced, for benchmarks that compare against it.
 *
 * @returns The built-in kernel function, or undefined when wasm had none.
 */
export function builtinWasmKernel(name: string): ((c: KernelConfig) => KernelResult) | undefined {
  return builtins.get(name);
}

function override(
  name: string,
  kernelFunc: (
    config: KernelConfig,
    builtin: ((c: KernelConfig) => KernelResult) | undefined,
  ) => KernelResult,
): void {
  const backendName = "wasm";
  const builtin = tf.getKernel(name, backendName);
  if (builtin != null) {
    tf.unregisterKernel(name, backendName);
    builtins.set(name, builtin.kernelFunc as (c: KernelConfig) => KernelResult);
  }
  tf.registerKernel({
    kernelName: name,
    backendName,
    setupFunc: builtin?.setupFunc,
    kernelFunc: (config) =>
      kernelFunc(
        config,
        builtin?.kernelFunc as ((c: KernelConfig) => KernelResult) | undefined,
      ),
  });
}

/**
 * Registers the training kernels for the `wasm` backend: the missing conv
 * gradients, and faster versions of built-in kernels that training leans on
 * (Conv2DBackpropInput, MaxPoolGrad, Tile, Sum, Mean). Call it before the
 * backend starts. Safe to call more than once.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const filterGrads = {
    Conv2DBackpropFilter: conv2dBackpropFilter,
    DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dBackpropFilter,
  };
  for (const [name, grad] of Object.entries(filterGrads)) {
    override(name, (config) => {
      const { x, dy } = config.inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
      const a = attrsOf(config);
      return grad(x, dy, a.filterShape!, a.strides, a.pad, a.dilations, a.dimRoundingMode);
    });
  }
  const inputGrads = {
    Conv2DBackpropInput: conv2dBackpropInput,
    DepthwiseConv2dNativeBackpropInput: depthwiseConv2dBackpropInput,
  };
  for (const [name, grad] of Object.entries(inputGrads)) {
    override(name, (config, builtin) => {
      const { dy, filter } = config.inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
      const a = attrsOf(config);
      const [sh, sw] = pair(a.strides);
      if (name === "Conv2DBackpropInput" && sh * sw > 4 && builtin != null) {
        // Zero dilation multiplies the work by the stride product; past stride 2
        // the built-in loop wins (measured: 11x11 stride 4, 0.6 s against 2.4 s).
        return builtin(config);
      }
      return grad(a.inputShape!, dy, filter, a.strides, a.pad, a.dilations, a.dimRoundingMode);
    });
  }
  override("MaxPoolGrad", (config) => {
    const { dy, input } = config.inputs as {
      dy: tf.Tensor4D;
      input: tf.Tensor4D;
    };
    const a = config.attrs as unknown as {
      filterSize: Pair;
      strides: Pair;
      pad: Pad;
      dimRoundingMode?: Rounding;
    };
    return maxPoolGrad(
      dy,
      input,
      a.filterSize,
      a.strides,
      a.pad,
      a.dimRoundingMode,
    );
  });
  override("Tile", (config, builtin) => {
    const { x } = config.inputs as { x: tf.Tensor };
    const { reps } = config.attrs as unknown as { reps: number[] };
    if (x.dtype === "string" || builtin == null) return builtin!(config);
    return tileByCopy(x, reps);
  });
  // The built-in forward convs hand 'same' padding to XNNPACK as a flag, which
  // returns zeros when the stride exceeds the filter (a 2x2 filter at stride
  // 3 measured all zeros); tfjs' own explicit padding is always right.
  for (const name of ["Conv2D", "FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2D"]) {
    const depthwise = name.includes("Depthwise");
    override(name, (config, builtin) => {
      const attrs = config.attrs as unknown as ConvAttrs;
      if (attrs.pad !== "same") return builtin!(config);
      const { x, filter } = config.inputs as { x: tf.Tensor4D; filter: tf.Tensor4D };
      const info = convInfo(x.shape, filter.shape, attrs.strides, "same", attrs.dilations, undefined, depthwise);
      const { top, bottom, left, right } = info.padInfo;
      const pad: ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
      return builtin!({ ...config, attrs: { ...config.attrs, pad } as unknown as tf.NamedAttrMap });
    });
  }
  // wasm's BatchMatMul is slow with a transposed operand (it hands XNNPACK a
  // layout that it packs badly): a dense layer's input gradient dy·Wᵀ took
  // 610-880 ms for an 8x4096 · (8192x4096)ᵀ product whose forward takes 27 ms.
  // Computed as (W·dyᵀ)ᵀ it takes 66 ms; xᵀ·dy with an explicit transpose
  // of the small x takes 405 ms against 2.3 s.
  override("BatchMatMul", (config, builtin) => {
    const { a, b } = config.inputs as { a: tf.Tensor; b: tf.Tensor };
    const { transposeA, transposeB } = config.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const batchOne = (t: tf.Tensor) => t.rank === 2 || (t.rank === 3 && t.shape[0] === 1);
    if ((!transposeA && !transposeB) || !batchOne(a) || !batchOne(b) || a.dtype !== "float32") return builtin!(config);
    const rows = (t: tf.Tensor, transposed: boolean) => t.shape[t.rank - (transposed ? 1 : 2)];
    const cols = (t: tf.Tensor, transposed: boolean) => t.shape[t.rank - (transposed ? 2 : 1)];
    // Transposing a big A explicitly would cost more than the product saves.
    if (transposeA && a.size > rows(a, true) * cols(b, transposeB)) return builtin!(config);
    return tf.tidy(() => {
      const a2 = a.rank === 3 ? tf.squeeze(a, [0]) as tf.Tensor2D : a as tf.Tensor2D;
      const b2 = b.rank === 3 ? tf.squeeze(b, [0]) as tf.Tensor2D : b as tf.Tensor2D;
      const left = transposeA ? tf.transpose(a2) : a2;
      let out: tf.Tensor2D;
      if (!transposeB) out = tf.matMul(left, b2);
      else if (b2.size <= left.size) out = tf.matMul(left, tf.transpose(b2));
      else out = tf.transpose(tf.matMul(b2, tf.transpose(left))); // left·bᵀ = (b·leftᵀ)ᵀ: b stays as it is
      return a.rank === 3 || b.rank === 3 ? tf.expandDims(out, 0) : out;
    });
  });
  for (const name of ["Sum", "Mean"] as const) {
    override(name, (config, builtin) => {
      const { x } = config.inputs as { x: tf.Tensor };
      const { axis, keepDims } = config.attrs as unknown as {
        axis?: number | number[];
        keepDims?: boolean;
      };
      const axes = normalizeAxes(axis, x.rank);
      const fast = reduceLeadingAxes(
        x,
        axes,
        keepDims ?? false,
        name === "Mean",
      );
      return fast ?? builtin!(config);
    });
  }
}
