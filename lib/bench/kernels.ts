/**
 * Micro-benchmarks of the wasm training kernels against the forward conv of
 * the same layer and against the kernels they replace.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { builtinWasmKernel } from "../backend/wasm_kernels.ts";

/** One kernel timing. */
export interface KernelTiming {
  kernel: string;
  layer: string;
  /** Forward op of the same layer, ms. */
  forwardMs: number;
  /** Our kernel, ms. */
  oursMs: number;
  /** The built-in wasm kernel it replaces, ms; undefined when wasm has none. */
  builtinMs?: number;
}

type Shape4 = [number, number, number, number];
const named = (attrs: object) => attrs as unknown as tf.NamedAttrMap;

function timeMs(f: () => tf.Tensor | tf.TensorInfo, reps: number): number {
  const run = () => {
    const out = f();
    const t = out instanceof tf.Tensor ? out : tf.engine().makeTensorFromTensorInfo(out);
    t.dataSync();
    t.dispose();
  };
  run(); // warm-up: XNNPACK packs weights on first use
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  return (performance.now() - t0) / reps;
}

/** Layers from the paper's architectures, batch 8, plus the layer quoted in the foundation issue. */
const CONV_LAYERS: { layer: string; x: Shape4; w: Shape4; stride: number }[] = [
  { layer: "issue layer 64x64 16->32 3x3 (batch 16)", x: [16, 64, 64, 16], w: [3, 3, 16, 32], stride: 1 },
  { layer: "VGG block2 112x112 64->128 3x3", x: [8, 112, 112, 64], w: [3, 3, 64, 128], stride: 1 },
  { layer: "ResNet 56x56 64->64 3x3", x: [8, 56, 56, 64], w: [3, 3, 64, 64], stride: 1 },
  { layer: "ResNet 56x56 256->128 1x1 s2", x: [8, 56, 56, 256], w: [1, 1, 256, 128], stride: 2 },
  { layer: "AlexNet conv1 224 3->64 11x11 s4", x: [8, 224, 224, 3], w: [11, 11, 3, 64], stride: 4 },
];
const DW_LAYERS: { layer: string; x: Shape4; stride: number }[] = [
  { layer: "MobileNet dw 112x112x32", x: [8, 112, 112, 32], stride: 1 },
  { layer: "MobileNet dw 56x56x128 s2", x: [8, 56, 56, 128], stride: 2 },
];

/**
 * Times the training kernels on the current (wasm) backend.
 *
 * @param reps Timed repetitions per kernel. Default 3.
 * @returns One row per kernel and layer.
 */
export function benchWasmKernels(reps = 3): KernelTiming[] {
  const rows: KernelTiming[] = [];
  const backend = tf.backend();
  const call = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>) => () =>
    builtinWasmKernel(name)!({ inputs, attrs: named(attrs), backend }) as tf.TensorInfo;
  for (const { layer, x: xs, w: ws, stride } of CONV_LAYERS) {
    const x = tf.randomNormal(xs) as tf.Tensor4D, w = tf.randomNormal(ws) as tf.Tensor4D;
    const pad = ws[0] === 11 ? "valid" : "same";
    const y = tf.conv2d(x, w, stride, pad);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const forwardMs = timeMs(() => tf.conv2d(x, w, stride, pad), reps);
    const attrs = {
      strides: stride,
      pad,
      dataFormat: "NHWC",
      inputShape: xs,
      filterShape: ws,
    };
    rows.push({
      kernel: "Conv2DBackpropFilter",
      layer,
      forwardMs,
      oursMs: timeMs(
        () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, named(attrs)) as tf.Tensor,
        reps,
      ),
    });
    rows.push({
      kernel: "Conv2DBackpropInput",
      layer,
      forwardMs,
      oursMs: timeMs(
        () => tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, named(attrs)) as tf.Tensor,
        reps,
      ),
      builtinMs: timeMs(call("Conv2DBackpropInput", { dy, filter: w }, attrs), Math.max(1, Math.floor(reps / 2))),
    });
    tf.dispose([x, w, y, dy]);
  }
  for (const { layer, x: xs, stride } of DW_LAYERS) {
    const x = tf.randomNormal(xs) as tf.Tensor4D, w = tf.randomNormal([3, 3, xs[3], 1]) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(x, w, stride, "same");
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const forwardMs = timeMs(() => tf.depthwiseConv2d(x, w, stride, "same"), reps);
    const attrs = { strides: stride, pad: "same", dilations: 1 } as unknown as tf.NamedAttrMap;
    rows.push({
      kernel: "DepthwiseConv2dNativeBackpropFilter",
      layer,
      forwardMs,
      oursMs: timeMs(
        () =>
          tf.engine().runKernel(
            "DepthwiseConv2dNativeBackpropFilter",
            { x, dy },
            { ...attrs, filterShape: w.shape } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor,
        reps,
      ),
    });
    rows.push({
      kernel: "DepthwiseConv2dNativeBackpropInput",
      layer,
      forwardMs,
      oursMs: timeMs(
        () =>
          tf.engine().runKernel(
            "DepthwiseConv2dNativeBackpropInput",
            { dy, filter: w },
            { ...attrs, inputShape: xs } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor,
        reps,
      ),
    });
    tf.dispose([x, w, y, dy]);
  }
  // Batch norm's gradient and the pooling layers of a CNN at 224x224.
  const x = tf.randomNormal([8, 224, 224, 16]) as tf.Tensor4D;
  const small = tf.randomNormal([1, 1, 1, 16]);
  const pooled = tf.maxPool(x, 2, 2, "valid");
  const dyPool = tf.randomNormal(pooled.shape);
  const poolAttrs = { filterSize: 2, strides: 2, pad: "valid" } as unknown as tf.NamedAttrMap;
  const layer = "224x224x16, batch 8";
  rows.push({
    kernel: "MaxPoolGrad",
    layer,
    forwardMs: timeMs(() => tf.maxPool(x, 2, 2, "valid"), reps),
    oursMs: timeMs(
      () =>
        tf.engine().runKernel(
          "MaxPoolGrad",
          { dy: dyPool, input: x, output: pooled },
          poolAttrs,
        ) as tf.Tensor,
      reps,
    ),
    builtinMs: timeMs(call("MaxPoolGrad", { dy: dyPool, input: x, output: pooled }, named(poolAttrs)), reps),
  });
  rows.push({
    kernel: "Tile",
    layer,
    forwardMs: NaN,
    oursMs: timeMs(() => tf.tile(small, [8, 224, 224, 1]), reps),
    builtinMs: timeMs(call("Tile", { x: small }, { reps: [8, 224, 224, 1] }), reps),
  });
  // Reductions get a fresh input each call (wasm caches work keyed by tensor), made before timing.
  for (const name of ["Sum", "Mean"]) {
    const attrs = { axis: [0, 1, 2], keepDims: false };
    const timeFresh = (f: (input: tf.Tensor) => tf.Tensor | tf.TensorInfo) => {
      const inputs = Array.from({ length: reps + 1 }, () => tf.add(x, 0));
      let i = 0;
      const ms = timeMs(() => f(inputs[i++]), reps);
      tf.dispose(inputs);
      return ms;
    };
    rows.push({
      kernel: name,
      layer,
      forwardMs: NaN,
      oursMs: timeFresh((input) => tf.engine().runKernel(name, { x: input }, named(attrs)) as tf.Tensor),
      builtinMs: timeFresh((input) => call(name, { x: input }, attrs)()),
    });
  }
  tf.dispose([x, small, pooled, dyPool]);
  return rows;
}
