/**
 * Which kernels a training step spends its time in.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { trainStepFixture } from "./train_step_fixture.ts";

/** Time spent in one kernel over a step. */
export interface KernelShare {
  kernel: string;
  ms: number;
  calls: number;
}

/**
 * Profiles one training step (after a warm-up step) of a registered model,
 * the step training takes ({@link trainStepFixture}).
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
  const fixture = trainStepFixture(name, size, batchSize);
  const { step } = fixture;
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
    fixture.dispose();
  }
}
