/**
 * Training-mode batch norm on oneDNN, forward and backward, over every axis
 * but the last (a [rows, channels] matrix, as NHWC is): the native side of
 * the fused `LumbarBatchNormTrain` / `LumbarBatchNormGrad` kernels.
 *
 * oneDNN's statistics are the biased variance, as tfjs' `moments`. Its
 * backward takes the variance; the kernel's saved 1/sqrt(var + eps) gives
 * it back as 1/inv^2 - eps, which oneDNN turns into the same inverse again.
 * The backward also counts the shift as an input, unread: it gets the
 * (still zero) dbeta array.
 *
 * @module
 */
import { DNNL, dnnlContext, DnnlPrimitive, memoryDesc, opDesc, primitiveCache } from "./dnnl_primitive.ts";
import { bufferPool } from "./buffer_pool.ts";

const FLAGS = DNNL.flags.useScale | DNNL.flags.useShift;

/** Flags with the ReLU after batch norm fused in (its mask kept in a workspace for the backward pass). */
function flags(relu: boolean): number {
  return FLAGS | (relu ? DNNL.flags.fuseNormRelu : 0);
}

function mds(rows: number, channels: number): { data: Uint8Array; stat: Uint8Array } {
  // As NHWC with rows images of 1x1: oneDNN's jit batch norm takes the channels-last layout (its reference one
  // the 2D [rows, channels], 3x slower than our JS loop), and splits its threads over images (as one image of
  // rows x 1 it ran on one thread: 2x slower, measured).
  return { data: memoryDesc([rows, channels, 1, 1], DNNL.tag.nhwc), stat: memoryDesc([channels], DNNL.tag.a) };
}

function forwardPrimitive(rows: number, channels: number, epsilon: number, relu: boolean): DnnlPrimitive {
  return primitiveCache(`bnorm-fwd|${rows}|${channels}|${epsilon}|${relu}`, () => {
    const { data, stat } = mds(rows, channels);
    const desc = opDesc(
      "dnnl_batch_normalization_forward_desc_init",
      (d) =>
        dnnlContext().dnnl.dnnl_batch_normalization_forward_desc_init(
          d,
          DNNL.prop.forwardTraining,
          data,
          epsilon,
          flags(relu),
        ),
    );
    const workspace = relu ? [{ arg: DNNL.arg.workspace, query: DNNL.query.workspaceMd, output: true }] : [];
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: data },
      { arg: DNNL.arg.scale, user: stat },
      { arg: DNNL.arg.shift, user: stat },
      { arg: DNNL.arg.dst, query: DNNL.query.dstMd, user: data, output: true },
      { arg: DNNL.arg.mean, user: stat, output: true },
      { arg: DNNL.arg.variance, user: stat, output: true },
      ...workspace,
    ]);
  });
}

/**
 * y (relu(y) with `relu`), the batch mean and biased variance, and
 * 1/sqrt(variance + epsilon); with `relu`, also the workspace (ReLU's mask)
 * that {@link batchNormGrad} needs, in a float32 array of ceil(bytes / 4)
 * values that only carries its bytes.
 */
export function batchNormTrain(
  x: Float32Array,
  channels: number,
  gamma: Float32Array,
  beta: Float32Array,
  epsilon: number,
  relu = false,
): { y: Float32Array; mean: Float32Array; variance: Float32Array; invStd: Float32Array; workspace?: Float32Array } {
  const rows = x.length / channels;
  const y = bufferPool.take(x.length);
  const mean = new Float32Array(channels), variance = new Float32Array(channels);
  const p = forwardPrimitive(rows, channels, epsilon, relu);
  const workspace = relu ? bufferPool.take(Math.ceil(p.bytesOf(DNNL.query.workspaceMd) / 4)) : undefined;
  p.execute(workspace != null ? [x, gamma, beta, y, mean, variance, workspace] : [x, gamma, beta, y, mean, variance]);
  const invStd = variance.map((v) => 1 / Math.sqrt(v + epsilon));
  return { y, mean, variance, invStd, workspace };
}

/** dx, dgamma and dbeta of training-mode batch norm (through the batch statistics). */
export function batchNormGrad(
  dy: Float32Array,
  x: Float32Array,
  channels: number,
  gamma: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
  epsilon: number,
  workspace?: Float32Array,
): { dx: Float32Array; dGamma: Float32Array; dBeta: Float32Array } {
  const rows = x.length / channels, relu = workspace != null;
  const p = primitiveCache(`bnorm-bwd|${rows}|${channels}|${epsilon}|${relu}`, () => {
    const { data, stat } = mds(rows, channels);
    const desc = opDesc(
      "dnnl_batch_normalization_backward_desc_init",
      (d) =>
        dnnlContext().dnnl.dnnl_batch_normalization_backward_desc_init(
          d,
          DNNL.prop.backward,
          data,
          data,
          epsilon,
          flags(relu),
        ),
    );
    return new DnnlPrimitive(desc, [
      { arg: DNNL.arg.src, query: DNNL.query.srcMd, user: data },
      { arg: DNNL.arg.mean, user: stat },
      { arg: DNNL.arg.variance, user: stat },
      { arg: DNNL.arg.diffDst, query: DNNL.query.diffDstMd, user: data },
      { arg: DNNL.arg.scale, user: stat },
      // Counted as an input with use_shift though the gradient does not read it.
      { arg: DNNL.arg.shift, user: stat },
      { arg: DNNL.arg.diffSrc, query: DNNL.query.diffSrcMd, user: data, output: true },
      { arg: DNNL.arg.diffScale, user: stat, output: true },
      { arg: DNNL.arg.diffShift, user: stat, output: true },
      ...(relu ? [{ arg: DNNL.arg.workspace, query: DNNL.query.workspaceMd }] : []),
    ], { hint: forwardPrimitive(rows, channels, epsilon, relu) });
  });
  const variance = invStd.map((inv) => 1 / (inv * inv) - epsilon);
  const dx = bufferPool.take(x.length);
  const dGamma = new Float32Array(channels), dBeta = new Float32Array(channels);
  const arrays = [x, mean, variance, dy, gamma, dBeta, dx, dGamma, dBeta];
  p.execute(workspace != null ? [...arrays, workspace] : arrays);
  return { dx, dGamma, dBeta };
}
