/**
 * Which kernels a training step spends its time in.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createModel } from "../models/mod.ts";

/** Time spent in one kernel over a step. */
export interface KernelShare {
  kernel: string;
  ms: number;
  calls: number;
}

/**
 * Profiles one training step (after a warm-up step) of a registered model.
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
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const x = tf.randomUniform([batchSize, size, size, 3], 0, 1, "float32", 7);
  const labels = tf.tensor1d(Array.from({ length: batchSize }, (_, i) => i % 4), "int32");
  const y = tf.oneHot(labels, 4);
  try {
    await model.trainOnBatch(x, y);
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
    });
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
    model.optimizer?.dispose();
    model.dispose();
  }
}
