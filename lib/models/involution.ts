/**
 * Involution, after Li et al., "Involution: Inverting the Inherence of
 * Convolution" (CVPR 2021), following the official `involution_naive.py`
 * (github.com/d-li14/involution).
 *
 * A convolution shares one kernel over space and keeps a kernel per channel;
 * involution does the opposite: each pixel gets its own KxK kernel, generated
 * from the pixel's features, shared by the channels of a group. For an input
 * `x` of `C` channels and `G = C / groupChannels` groups (contiguous channel
 * blocks):
 *
 * - kernel generation: average pool `stride x stride` (only when stride > 1),
 *   1x1 conv `C -> C/r` without bias, batch norm, ReLU, 1x1 conv
 *   `C/r -> K*K*G` with bias; channel `g*K*K + k` is tap `k` of group `g`;
 * - aggregation: `out[b,y,x,c] = sum_k kernel[b,y,x,g(c),k] * unfold(x)[b,y,x,c,k]`,
 *   where `unfold` takes the KxK window at padding `(K-1)/2` and the stride,
 *   taps in row-major order, as `torch.nn.Unfold` does.
 *
 * The output keeps the input's channels.
 *
 * The unfold is one depthwise convolution with a fixed one-hot filter of
 * shape `[K, K, C, K*K]` (channel multiplier K*K): output channel `c*K*K + k`
 * copies tap `k` of channel `c`, the layout of `torch.nn.Unfold`. On the wasm
 * backend this runs through XNNPACK, and its input gradient is the fast
 * depthwise backprop that `lib/backend/wasm_kernels.ts` registers. Measured
 * on wasm, 2 threads, a 2x28x28x512 input, 32 groups, forward + backward:
 * K=3 0.21 s against 0.59 s for pad + K*K slices; K=7 2.3 s against 2.5 s
 * (the one-hot filter costs K^4 multiply-adds per channel, so its lead shrinks
 * as K grows; the forward alone stays 10x faster).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Constructor arguments of {@link Involution}. */
export interface InvolutionArgs {
  /**
   * Side K of the per-pixel kernel, odd. Default 7, as in the paper's RedNet,
   * whose ablation found 7x7 the best trade-off; each K*K tap costs only one
   * kernel-generation output channel per group, but the unfold grows as K^2
   * (K^4 work with this layer's one-hot unfold), so small models on wasm may
   * prefer 3.
   */
  kernelSize?: number;
  /** 1 or 2. Default 1. Stride 2 halves height and width (rounding up). */
  stride?: number;
  /** Channel reduction r of the kernel-generation bottleneck, `C -> C/r`. Default 4. */
  reductionRatio?: number;
  /** Channels per group sharing one kernel; must divide the input channels. Default 16. */
  groupChannels?: number;
  /** Momentum of the batch norm's moving statistics. Default 0.9 (PyTorch's 0.1). */
  momentum?: number;
  /** Batch norm epsilon. Default 1e-5, PyTorch's. */
  epsilon?: number;
  /** Seed of the two 1x1 conv kernels' initialisers (`seed`, `seed + 1`). Unseeded when absent. */
  seed?: number;
  name?: string;
  /** Whether `fit` updates the weights. Default true. */
  trainable?: boolean;
}

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/**
 * The involution layer, NHWC. Serializable as `Involution`.
 *
 * Weights: `reduce_kernel` `[1,1,C,C/r]`, `bn_gamma`, `bn_beta` `[C/r]`,
 * `span_kernel` `[1,1,C/r,K*K*G]`, `span_bias` `[K*K*G]` (trainable) and
 * `bn_moving_mean`, `bn_moving_variance` `[C/r]` (not trainable).
 *
 * @example
 * ```ts
 * const inv = new Involution({ kernelSize: 3, stride: 2, seed: 1 });
 * const y = inv.apply(tf.ones([1, 8, 8, 32])) as tf.Tensor; // [1, 4, 4, 32]
 * ```
 */
export class Involution extends tf.layers.Layer {
  /** Registered class name for model serialization. */
  static className = "Involution";
  readonly kernelSize: number;
  readonly stride: number;
  readonly reductionRatio: number;
  readonly groupChannels: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly seed: number | undefined;
  #reduceKernel?: tf.LayerVariable;
  #gamma?: tf.LayerVariable;
  #beta?: tf.LayerVariable;
  #movingMean?: tf.LayerVariable;
  #movingVariance?: tf.LayerVariable;
  #spanKernel?: tf.LayerVariable;
  #spanBias?: tf.LayerVariable;

  /**
   * @param args Options; all have defaults.
   * @throws {RangeError} For an even or non-positive kernel size, a stride other than 1 or 2,
   *   or a non-positive reduction ratio or group size.
   */
  constructor(args: InvolutionArgs = {}) {
    const { kernelSize = 7, stride = 1, reductionRatio = 4, groupChannels = 16, momentum = 0.9, epsilon = 1e-5 } = args;
    super(args as LayerArgs);
    if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) {
      throw new RangeError(`Involution kernelSize must be a positive odd integer. Received: kernelSize=${kernelSize}`);
    }
    if (stride !== 1 && stride !== 2) {
      throw new RangeError(`Involution stride must be 1 or 2. Received: stride=${stride}`);
    }
    if (!Number.isInteger(reductionRatio) || reductionRatio < 1) {
      throw new RangeError(
        `Involution reductionRatio must be a positive integer. Received: reductionRatio=${reductionRatio}`,
      );
    }
    if (!Number.isInteger(groupChannels) || groupChannels < 1) {
      throw new RangeError(
        `Involution groupChannels must be a positive integer. Received: groupChannels=${groupChannels}`,
      );
    }
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.reductionRatio = reductionRatio;
    this.groupChannels = groupChannels;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.seed = args.seed;
  }

  /** Groups G and bottleneck width C/r for `channels` input channels. */
  #sizes(channels: number): { groups: number; reduced: number } {
    if (channels % this.groupChannels !== 0) {
      throw new RangeError(
        `Involution groupChannels must divide the input channels. Received: channels=${channels}, ` +
          `groupChannels=${this.groupChannels}`,
      );
    }
    const reduced = Math.floor(channels / this.reductionRatio);
    if (reduced < 1) {
      throw new RangeError(
        `Involution reductionRatio leaves no channels. Received: channels=${channels}, ` +
          `reductionRatio=${this.reductionRatio}`,
      );
    }
    return { groups: channels / this.groupChannels, reduced };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (shape.length !== 4 || channels == null) {
      throw new RangeError(`Involution needs NHWC input with known channels. Received: shape=[${shape}]`);
    }
    const { groups, reduced } = this.#sizes(channels);
    const taps = this.kernelSize * this.kernelSize;
    const seeded = (k: number) => this.seed == null ? {} : { seed: this.seed + k };
    this.#reduceKernel = this.addWeight(
      "reduce_kernel",
      [1, 1, channels, reduced],
      "float32",
      tf.initializers.heNormal(seeded(0)),
    );
    this.#gamma = this.addWeight("bn_gamma", [reduced], "float32", tf.initializers.ones());
    this.#beta = this.addWeight("bn_beta", [reduced], "float32", tf.initializers.zeros());
    this.#movingMean = this.addWeight(
      "bn_moving_mean",
      [reduced],
      "float32",
      tf.initializers.zeros(),
      undefined,
      false,
    );
    this.#movingVariance = this.addWeight(
      "bn_moving_variance",
      [reduced],
      "float32",
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.#spanKernel = this.addWeight(
      "span_kernel",
      [1, 1, reduced, taps * groups],
      "float32",
      tf.initializers.glorotUniform(seeded(1)),
    );
    this.#spanBias = this.addWeight("span_bias", [taps * groups], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const out = (n: number | null) => n == null ? null : Math.ceil(n / this.stride);
    return [b, out(h), out(w), c];
  }

  /**
   * The per-pixel kernels, `[B, H', W', G*K*K]`, channel `g*K*K + k`.
   * Updates the moving statistics when `training`. The caller disposes the result.
   */
  #generateKernels(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const pooled = this.stride > 1 ? tf.avgPool(x, this.stride, this.stride, "same") : x;
    const reduced = tf.conv2d(pooled, this.#reduceKernel!.read() as tf.Tensor4D, 1, "valid");
    const vec = (w: tf.LayerVariable | undefined) => w!.read() as tf.Tensor1D;
    let normed: tf.Tensor4D;
    if (training) {
      const { mean, variance } = tf.moments(reduced, [0, 1, 2]);
      normed = tf.batchNorm4d(
        reduced,
        mean as tf.Tensor1D,
        variance as tf.Tensor1D,
        vec(this.#beta),
        vec(this.#gamma),
        this.epsilon,
      );
      tf.tidy(() => {
        for (const [v, batch] of [[this.#movingMean!, mean], [this.#movingVariance!, variance]] as const) {
          const old = v.read();
          v.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - this.momentum)));
        }
      });
    } else {
      normed = tf.batchNorm4d(
        reduced,
        vec(this.#movingMean),
        vec(this.#movingVariance),
        vec(this.#beta),
        vec(this.#gamma),
        this.epsilon,
      );
    }
    const span = tf.conv2d(tf.relu(normed), this.#spanKernel!.read() as tf.Tensor4D, 1, "valid");
    return tf.add(span, this.#spanBias!.read());
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const channels = x.shape[3];
      const { groups } = this.#sizes(channels);
      const k = this.kernelSize, taps = k * k, pad = (k - 1) / 2;
      const kernels = this.#generateKernels(x, kwargs.training ?? false);
      const patches = tf.depthwiseConv2d(x, unfoldFilter(k, channels), this.stride, [
        [0, 0],
        [pad, pad],
        [pad, pad],
        [0, 0],
      ]);
      const [b, h, w] = patches.shape;
      if (kernels.shape[1] !== h || kernels.shape[2] !== w) {
        throw new RangeError(
          `Involution kernel map ${kernels.shape[1]}x${kernels.shape[2]} does not match the unfold ${h}x${w}`,
        );
      }
      const product = tf.mul(
        tf.reshape(patches, [b, h, w, groups, this.groupChannels, taps]),
        tf.reshape(kernels, [b, h, w, groups, 1, taps]),
      );
      return tf.reshape(tf.sum(product, -1), [b, h, w, channels]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      stride: this.stride,
      reductionRatio: this.reductionRatio,
      groupChannels: this.groupChannels,
      momentum: this.momentum,
      epsilon: this.epsilon,
    };
    if (this.seed != null) config.seed = this.seed;
    return config;
  }
}

/**
 * The one-hot depthwise filter `[K, K, C, K*K]` whose output channel `c*K*K + k`
 * is tap `k = i*K + j` of channel `c`. The caller disposes it.
 */
function unfoldFilter(k: number, channels: number): tf.Tensor4D {
  const taps = k * k;
  const values = new Float32Array(taps * channels * taps);
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < channels; c++) values[(t * channels + c) * taps + t] = 1;
  }
  return tf.tensor4d(values, [k, k, channels, taps]);
}

tf.serialization.registerClass(Involution);
