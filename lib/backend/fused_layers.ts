/**
 * Routes training through the fused kernels of `fused_kernels.ts` on wasm:
 * the training-mode call of tfjs' `BatchNormalization` layer, and the
 * gradients of `Relu`, `Relu6` and `ClipByValue` (Keras' `ReLU(max_value=6)`).
 *
 * Also: a model's first conv skips its input gradient (see
 * {@link patchConstantInputConv}), and ReLU layers capped at 6 run as one
 * relu6 ({@link patchRelu6Layer}).
 *
 * The layers are patched on their prototypes, not subclassed, so every model
 * gets it, including models loaded from disk, and saved models stay plain
 * Keras `BatchNormalization`. Inference, other backends, non-last axes and
 * layers without center or scale take tfjs' own path unchanged.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { FUSED_KERNELS, fusedKernelsActive, fusedKernelsEnabled, registerFusedKernels } from "./fused_kernels.ts";

/**
 * Training-mode batch norm over every axis but the last, with its whole
 * gradient in one fused kernel; with `relu` (onednn only), the ReLU after
 * it too, in the same passes.
 *
 * @returns The output, and the batch mean and biased variance (as tfjs' `moments`) for the moving averages:
 *   these two are kept out of any `tidy`, so the caller disposes them.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  relu = false,
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  let stats: { mean: tf.Tensor; variance: tf.Tensor } | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, gammaIn, betaIn] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance, invStd, workspace] = tf.engine().runKernel(
      relu ? FUSED_KERNELS.batchNormReluTrain : FUSED_KERNELS.batchNormTrain,
      { x: xIn, gamma: gammaIn, beta: betaIn },
      { epsilon } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
    save(relu ? [xIn, gammaIn, mean, invStd, workspace] : [xIn, gammaIn, mean, invStd]);
    // The forward function runs inside a tidy: keep the statistics past it.
    stats = { mean: tf.keep(mean), variance: tf.keep(variance) };
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, g, m, inv, ws] = saved;
        return tf.engine().runKernel(
          relu ? FUSED_KERNELS.batchNormReluGrad : FUSED_KERNELS.batchNormGrad,
          relu
            ? { dy, x: xs, gamma: g, mean: m, invStd: inv, workspace: ws }
            : { dy, x: xs, gamma: g, mean: m, invStd: inv },
          { epsilon } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      },
    };
  });
  const y = (op as (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor)(x, gamma, beta);
  return { y, mean: stats!.mean, variance: stats!.variance };
}

/** Outputs of batch norm that already went through the ReLU after it (see {@link reluFollows}). */
const reluApplied = new WeakSet<tf.Tensor>();

/** The parts of a tfjs-layers graph node the patches read. */
interface GraphNode {
  outboundLayer: { getClassName(): string; activation?: { getClassName(): string } };
}

/**
 * Whether a layer, called once, feeds one layer only, and that is
 * `Activation("relu")`: batch norm can then apply the ReLU itself (oneDNN
 * fuses it into the same passes, forward and backward), and the activation
 * layer passes the result on. DenseNet121's 120 and ResNet50's 49 such pairs
 * each save one pass forward and one backward.
 */
function reluFollows(layer: { inboundNodes: unknown[]; outboundNodes: GraphNode[] }): boolean {
  if (layer.inboundNodes.length !== 1 || layer.outboundNodes.length !== 1) return false;
  const next = layer.outboundNodes[0].outboundLayer;
  return next.getClassName() === "Activation" && next.activation?.getClassName() === "relu";
}

type ActivationCall = (
  this: { activation: { getClassName(): string } },
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: Record<string, unknown>,
) => tf.Tensor;

/** `Activation("relu")` passes on, unchanged, a batch norm output that {@link reluFollows} already rectified. */
function patchReluActivation(): void {
  const proto = Object.getPrototypeOf(tf.layers.activation({ activation: "relu" })) as { call: ActivationCall };
  const original = proto.call;
  proto.call = function (this: { activation: { getClassName(): string } }, inputs, kwargs) {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    // relu(relu(x)) = relu(x), with the same gradient: skipping is exact.
    if (reluApplied.has(input) && this.activation.getClassName() === "relu") return tf.clone(input);
    return original.call(this, inputs, kwargs);
  };
}

/** The fields of tfjs' BatchNormalization layer that the patch reads. */
interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tf.Tensor };
  beta: { read(): tf.Tensor };
  movingMean: { read(): tf.Tensor; write(t: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(t: tf.Tensor): void };
  inboundNodes: unknown[];
  outboundNodes: GraphNode[];
}

type LayerCall = (this: BatchNormLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }) => tf.Tensor;

function patchBatchNormalization(): void {
  const proto = Object.getPrototypeOf(tf.layers.batchNormalization({})) as { call: LayerCall };
  const original = proto.call;
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = kwargs?.training ?? false;
    const axis = this.axis >= 0 ? this.axis : this.axis + input.rank;
    if (
      !training || !fusedKernelsActive() || axis !== input.rank - 1 || !this.center || !this.scale ||
      input.dtype !== "float32" || (Array.isArray(inputs) && inputs.length !== 1)
    ) {
      return original.call(this, inputs, kwargs);
    }
    const relu = tf.getBackend() === "onednn" && reluFollows(this);
    const out = tf.tidy(() => {
      const { y, mean, variance } = batchNormTraining(input, this.gamma.read(), this.beta.read(), this.epsilon, relu);
      // Keras' moving averages, as tfjs' layer updates them.
      for (const [variable, value] of [[this.movingMean, mean], [this.movingVariance, variance]] as const) {
        tf.tidy(() => {
          const orig = variable.read();
          variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - this.momentum)));
        });
      }
      tf.dispose([mean, variance]);
      return y;
    });
    if (relu) reluApplied.add(out);
    return out;
  };
}

/** The fields of tfjs' Conv2D layer and of any layer that the patch reads. */
interface GraphLayer {
  trainableWeights: unknown[];
  inboundNodes: { inboundLayers: GraphLayer[] }[];
}
interface Conv2DLayer extends GraphLayer {
  rank: number;
  dataFormat: string;
  strides: [number, number];
  padding: string;
  dilationRate: [number, number];
  kernel: { read(): tf.Tensor4D };
  bias: { read(): tf.Tensor } | null;
  activation: { apply(t: tf.Tensor): tf.Tensor } | null;
}

const carries = new WeakMap<GraphLayer, boolean>();

/** Whether a layer's output depends on trainable weights, so gradients flow through it. */
function carriesGradient(layer: GraphLayer): boolean {
  let known = carries.get(layer);
  if (known === undefined) {
    known = layer.trainableWeights.length > 0 ||
      layer.inboundNodes.some((n) => n.inboundLayers.some((l) => carriesGradient(l)));
    carries.set(layer, known);
  }
  return known;
}

/** The input of a layer used once, reached from the model's input through weight-free layers only. */
function inputIsConstant(layer: GraphLayer): boolean {
  return layer.inboundNodes.length === 1 && !layer.inboundNodes[0].inboundLayers.some((l) => carriesGradient(l));
}

type ConvCall = (this: Conv2DLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor;

/**
 * A conv with a linear activation runs, in training, as tfjs' fused conv,
 * whose custom gradient computes the input gradient eagerly even where
 * nothing needs it. For a model's first conv (its input is the image) that
 * was pure waste: 213 ms of a 3.9 s ResNet50 step at 128x128 (the 7x7
 * stride-2 stem); AlexNet's 11x11 stride-4 conv1 is worse. There the
 * unfused conv (plus bias) is used, whose gradients tfjs computes lazily,
 * per input that needs one.
 */
function patchConstantInputConv(): void {
  const proto = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })) as { call: ConvCall };
  const original = proto.call;
  proto.call = function (this: Conv2DLayer, inputs, kwargs) {
    const taping = (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
    if (
      !taping || !fusedKernelsEnabled() || this.rank !== 2 || this.dataFormat !== "channelsLast" ||
      !inputIsConstant(this)
    ) {
      return original.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const pad = this.padding === "same" ? "same" : "valid";
      let y: tf.Tensor = tf.conv2d(x, this.kernel.read(), this.strides, pad, "NHWC", this.dilationRate);
      if (this.bias != null) y = tf.add(y, this.bias.read());
      return this.activation != null ? this.activation.apply(y) : y;
    });
  };
}

type ReluCall = (
  this: { maxValue?: number },
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: Record<string, unknown>,
) => tf.Tensor;

/**
 * Keras' `ReLU(max_value=6)` (MobileNet's activation) runs in tfjs-layers as
 * relu, then clipByValue: two passes forward and two gradients back. Where
 * the fused kernels run it is one relu6, whose values and gradient (dy where
 * 0 < x <= 6) are the same: a fifth of MobileNetV2's step at 224 on onednn.
 */
function patchRelu6Layer(): void {
  const proto = Object.getPrototypeOf(tf.layers.reLU({ maxValue: 6 })) as { call: ReluCall };
  const original = proto.call;
  proto.call = function (this: { maxValue?: number }, inputs, kwargs) {
    if (this.maxValue !== 6 || !fusedKernelsActive()) return original.call(this, inputs, kwargs);
    return tf.relu6(Array.isArray(inputs) ? inputs[0] : inputs);
  };
}

type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) => Record<string, () => tf.Tensor>;

/** Replaces a kernel's gradient with `fast` while the fused kernels are active; tfjs' own otherwise. */
function overrideGradient(
  kernelName: string,
  fast: (dy: tf.Tensor, x: tf.Tensor, attrs: tf.NamedAttrMap) => tf.Tensor,
) {
  const original = tf.getGradient(kernelName);
  if (original == null) throw new Error(`tfjs has no gradient for ${kernelName} to replace`);
  const originalFunc = original.gradFunc as unknown as GradFunc;
  tf.registerGradient({
    kernelName,
    inputsToSave: original.inputsToSave,
    outputsToSave: original.outputsToSave,
    gradFunc: ((dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) =>
      fusedKernelsActive() && dy.dtype === "float32" && saved[0].dtype === "float32"
        ? {
          x: () =>
            fast(dy, saved[0], attrs),
        }
        : originalFunc(dy, saved, attrs)) as unknown as tf.GradConfig["gradFunc"],
  });
}

function clipGrad(dy: tf.Tensor, x: tf.Tensor, lo: number, hi: number, loExclusive: boolean): tf.Tensor {
  return tf.engine().runKernel(FUSED_KERNELS.clipGrad, { dy, x }, {
    lo,
    hi,
    loExclusive,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

let installed = false;

/**
 * Registers the fused kernels and routes batch norm and the ReLU gradients
 * through them. Safe to call more than once.
 */
export function installFusedTraining(): void {
  if (installed) return;
  installed = true;
  registerFusedKernels();
  patchBatchNormalization();
  patchConstantInputConv();
  patchRelu6Layer();
  patchReluActivation();
  overrideGradient("Relu", (dy, x) => clipGrad(dy, x, 0, Infinity, true));
  overrideGradient("Relu6", (dy, x) => clipGrad(dy, x, 0, 6, true));
  overrideGradient("ClipByValue", (dy, x, attrs) => {
    const { clipValueMin, clipValueMax } = attrs as unknown as { clipValueMin: number; clipValueMax: number };
    return clipGrad(dy, x, clipValueMin, clipValueMax, false);
  });
}
