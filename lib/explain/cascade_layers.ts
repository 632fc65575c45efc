/**
 * Which layers a bounded cascading-randomisation test randomises.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** Batch-norm running statistics are data statistics, not learned weights (as `sanityCheckCascade` treats them). */
const STATISTICS = /moving_(mean|variance)/i;

/**
 * The layers with learned weights, from the output down to the input, as
 * `sanityCheckCascade` randomises them by default; at most `maxSteps` of
 * them, evenly spaced with the top (the classifier) and the bottom (the
 * first layer) always included, when the model has more.
 *
 * @param model The model.
 * @param maxSteps The most layers to return (>= 2).
 * @returns `{ layers, total }`: the chosen names in cascade order and how many layers have weights.
 * @throws {RangeError} For `maxSteps` < 2.
 * @example
 * ```ts
 * const { layers, total } = cascadeLayers(createModel("resnet50").model, 12); // 12 of about 160
 * ```
 */
export function cascadeLayers(model: tf.LayersModel, maxSteps: number): { layers: string[]; total: number } {
  if (!(Number.isInteger(maxSteps) && maxSteps >= 2)) {
    throw new RangeError(`maxSteps must be an integer >= 2. Received: ${maxSteps}`);
  }
  const all = model.layers
    .filter((l) => l.weights.some((w) => !STATISTICS.test(w.originalName)))
    .map((l) => l.name)
    .reverse();
  if (all.length <= maxSteps) return { layers: all, total: all.length };
  const picked = new Set<number>();
  for (let k = 0; k < maxSteps; k++) picked.add(Math.round((k * (all.length - 1)) / (maxSteps - 1)));
  return { layers: [...picked].sort((a, b) => a - b).map((i) => all[i]), total: all.length };
}
