/**
 * Which kernels a training step spends its time in.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createModel } from "../models/mod.ts";
import { autoMicroBatch, trainStep } from "../train/train_step.ts";
import { leanAdam } from "../train/lean_adam.ts";

/** Time spent in one kernel over a step. */
export interface KernelShare {
  kernel: string;
  ms: number;
  calls: number;
}

/**
 * Profiles one training step (after a warm-up step) of a registered model,
 * the step training takes ({@link trainStep} with {@link leanAdam}).
 * Kernels that run inside our composed kernels are counted under their own
 * names as well as inside the composed one, so shares can add up to more than
 * the step.
 *
 * @returns The step's wall time and kernels, slowest first.
 */
export async function profileTrainStep(
  name: string,
  size: number,
  batchSize: number,
): Promise<{ stepMs: number; kernels: KernelShare[] }> {
  const { model } = createModel(name, { inputShape: [size, size, 3], numClasses: 4, seed: 1 });
  const optimizer = leanAdam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const microBatchSize = autoMicroBatch(model, batchSize);
  const x = tf.randomUniform([batchSize, size, size, 3], 0, 1, "float32", 7) as tf.Tensor4D;
  const labels = tf.tensor1d(Array.from({ length: batchSize }, (_, i) => i % 4), "int32");
  const y = tf.oneHot(labels, 4) as tf.Tensor2D;
  const step = async () => {
    const r = trainStep(model, optimizer, variables, x, y, { microBatchSize });
    await r.loss.data();
    tf.dispose([r.loss, r.correct]);
  };
  try {
    await step();
    const t0 = performance.now();
    const info = await tf.profile(step);
    const stepMs = performance.now() - t0;
    const byKernel = new Map<string, KernelShare>();
    for (const k of info.kernels) {
      const t = await (k.kernelTimeMs as unknown as Promise<number | { error: string }>);
      const share = byKernel.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
      share.ms += typeof t === "number" ? t : 0;
      share.calls++;
      byKernel.set(k.name, share);
    }
    return { stepMs, kernels: [...byKernel.values()].sort((a, b) => b.ms - a.ms) };
  } finally {
    tf.dispose([x, labels, y]);
    optimizer.dispose();
    model.dispose();
  }
}
