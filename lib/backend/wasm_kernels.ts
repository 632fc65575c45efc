/**
 * Training kernels for the tfjs `wasm` backend.
 *
 * tfjs-backend-wasm 4.22 ships no `Conv2DBackpropFilter`,
 * `DepthwiseConv2dNativeBackpropFilter` or `DepthwiseConv2dNativeBackpropInput`
 * (tensorflow/tfjs#8474), so `model.fit` of any conv net fails there. Its
 * built-in `Conv2DBackpropInput` is a naive loop that measured 5-10x slower
 * than the forward conv. Each gradient here is composed from kernels that
 * the backend runs fast through XNNPACK (Conv2D, DepthwiseConv2dNative,
 * BatchMatMul) plus cheap data movement (Transpose, Pad, Slice).
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
    const [n, h, w, c] = x.shape;
    const o = dy.shape[3];
    const { strideHeight: sh, strideWidth: sw } = info;
    const { dilationHeight: dh, dilationWidth: dw } = info;
    const { filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow } =
      info;
    const top = info.padInfo.top, left = info.padInfo.left;

    if (fh === 1 && fw === 1 && top === 0 && left === 0) {
      // wasm matMul with a transpose flag, and StridedSlice, measured 10-30x
      // slower than an explicit Transpose and a 1x1 max-pool subsample.
      const xs = sh === 1 && sw === 1 && oh === h && ow === w
        ? x
        : tf.maxPool(x, 1, [sh, sw], "valid");
      const dW = tf.matMul(
        tf.transpose(tf.reshape(xs, [-1, c])),
        tf.reshape(dy, [-1, o]),
      );
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
    const [n, h, w, c] = inputShape;
    const o = dy.shape[3];
    const { strideHeight: sh, strideWidth: sw } = info;
    const { dilationHeight: dh, dilationWidth: dw } = info;
    const { filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow } =
      info;
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
    if (sh * sw > 4 && builtinConv2dBackpropInput != null) {
      // Zero dilation multiplies the work by sh*sw; past stride 2 the
      // built-in loop wins (measured: 11x11 stride 4, 0.6 s vs 2.4 s).
      return builtinConv2dBackpropInput(inputShape, dy, filter, {
        strides,
        pad,
        dimRoundingMode,
      });
    }

    const d = zeroDilate(dy, sh, sw);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
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
    const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [fh, fw, c * m, 1]) as tf.Tensor4D;
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
  const out = new Float32Array(fh * fw * cm);
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
  return tf.tensor4d(out, filterShape);
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

type BuiltinBackpropInput = (
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: { strides: Pair; pad: Pad; dimRoundingMode?: Rounding },
) => tf.Tensor4D;
let builtinConv2dBackpropInput: BuiltinBackpropInput | undefined;

/**
 * Registers the training kernels for the `wasm` backend, replacing the slow
 * built-in `Conv2DBackpropInput`. Safe to call more than once.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const backendName = "wasm";
  const builtin = tf.getKernel("Conv2DBackpropInput", backendName);
  if (builtin != null) {
    builtinConv2dBackpropInput = (inputShape, dy, filter, attrs) => {
      const info = builtin.kernelFunc({
        inputs: { dy, filter },
        attrs: { ...attrs, inputShape, dataFormat: "NHWC" } as unknown as tf.NamedAttrMap,
        backend: tf.backend(),
      }) as tf.TensorInfo;
      return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
    };
  }
  for (const name of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(name, backendName) != null) {
      tf.unregisterKernel(name, backendName);
    }
  }
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName,
    kernelFunc: (config) => {
      const { x, dy } = config.inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
      const a = attrsOf(config);
      return conv2dBackpropFilter(
        x,
        dy,
        a.filterShape!,
        a.strides,
        a.pad,
        a.dilations,
        a.dimRoundingMode,
      );
    },
  });
  tf.registerKernel({
    kernelName: "Conv2DBackpropInput",
    backendName,
    // The built-in kernel binds its wasm function at backend setup; keep that
    // so the fallback can call it.
    setupFunc: builtin?.setupFunc,
    kernelFunc: (config) => {
      const { dy, filter } = config.inputs as {
        dy: tf.Tensor4D;
        filter: tf.Tensor4D;
      };
      const a = attrsOf(config);
      return conv2dBackpropInput(
        a.inputShape!,
        dy,
        filter,
        a.strides,
        a.pad,
        a.dilations,
        a.dimRoundingMode,
      );
    },
  });
  tf.registerKernel({
    kernelName: "DepthwiseConv2dNativeBackpropFilter",
    backendName,
    kernelFunc: (config) => {
      const { x, dy } = config.inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
      const a = attrsOf(config);
      return depthwiseConv2dBackpropFilter(
        x,
        dy,
        a.filterShape!,
        a.strides,
        a.pad,
        a.dilations,
        a.dimRoundingMode,
      );
    },
  });
  tf.registerKernel({
    kernelName: "DepthwiseConv2dNativeBackpropInput",
    backendName,
    kernelFunc: (config) => {
      const { dy, filter } = config.inputs as {
        dy: tf.Tensor4D;
        filter: tf.Tensor4D;
      };
      const a = attrsOf(config);
      return depthwiseConv2dBackpropInput(
        a.inputShape!,
        dy,
        filter,
        a.strides,
        a.pad,
        a.dilations,
        a.dimRoundingMode,
      );
    },
  });
}
