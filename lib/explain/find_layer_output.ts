/**
 * Finds a layer's output inside a model's own graph.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { ExplainError } from "./explain_error.ts";

/** Every symbolic tensor the model's outputs depend on, outputs first (reverse topological order). */
function graphTensors(model: tf.LayersModel): tf.SymbolicTensor[] {
  const seen = new Set<number>();
  const out: tf.SymbolicTensor[] = [];
  const stack = [...model.outputs];
  while (stack.length > 0) {
    const t = stack.pop() as tf.SymbolicTensor;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    out.push(t);
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (node != null) stack.push(...node.inputTensors);
  }
  return out;
}

/**
 * Names of the layers whose output is a spatial feature map (rank 4,
 * `[batch, height, width, channels]`), in the model's layer order: the
 * candidates for a Grad-CAM target.
 *
 * @param model A functional model.
 * @returns Layer names; the last one is usually the right Grad-CAM target.
 * @example
 * ```ts
 * spatialLayerNames(model).at(-1); // e.g. "block4_relu"
 * ```
 */
export function spatialLayerNames(model: tf.LayersModel): string[] {
  const names = new Set(graphTensors(model).filter((t) => t.rank === 4).map((t) => t.sourceLayer.name));
  return model.layers.map((l) => l.name).filter((n) =>
    names.has(n) && model.getLayer(n).getClassName() !== "InputLayer"
  );
}

/**
 * The output of the layer `layerName` in `model`'s graph.
 *
 * Walks the graph back from the model's outputs instead of reading
 * `layer.output`, so a layer shared with another model (several inbound
 * nodes) resolves to the node that belongs to this model.
 *
 * @param model A functional model.
 * @param layerName The layer's name.
 * @param spatial Require a rank-4 output (a Grad-CAM target). Default false.
 * @returns The symbolic tensor (the layer's first output when it has several).
 * @throws {ExplainError} When no such layer feeds the model's outputs, or, with `spatial`,
 *   its output is not rank 4; the message lists the valid spatial layers.
 * @example
 * ```ts
 * const a = findLayerOutput(model, "conv5_block3_out", true); // shape [null, 7, 7, 2048]
 * ```
 */
export function findLayerOutput(model: tf.LayersModel, layerName: string, spatial = false): tf.SymbolicTensor {
  const hits = graphTensors(model).filter((t) => t.sourceLayer.name === layerName);
  const hit = hits.sort((a, b) => (a.nodeIndex - b.nodeIndex) || (a.tensorIndex - b.tensorIndex))[0];
  const valid = () => {
    const names = spatialLayerNames(model);
    const shown = names.slice(-12);
    return `Valid spatial layers are${
      names.length > shown.length ? ` (last ${shown.length} of ${names.length})` : ""
    }: ${shown.join(", ")}`;
  };
  if (hit == null) {
    throw new ExplainError(`Model "${model.name}" has no layer "${layerName}" feeding its outputs. ${valid()}`);
  }
  if (spatial && hit.rank !== 4) {
    throw new ExplainError(
      `Layer "${layerName}" outputs shape ${
        JSON.stringify(hit.shape)
      }; a class activation map needs a spatial feature map [batch, height, width, channels]. ${valid()}`,
    );
  }
  return hit;
}

/**
 * Whether `y` depends on `x` in the model's graph.
 *
 * @param y The later symbolic tensor.
 * @param x The earlier one.
 * @returns True when a path leads from `x` to `y` (or they are the same tensor).
 * @example
 * ```ts
 * dependsOn(model.outputs[0], findLayerOutput(model, "target")); // true
 * ```
 */
export function dependsOn(y: tf.SymbolicTensor, x: tf.SymbolicTensor): boolean {
  const seen = new Set<number>();
  const stack = [y];
  while (stack.length > 0) {
    const t = stack.pop() as tf.SymbolicTensor;
    if (t.id === x.id) return true;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (node != null) stack.push(...node.inputTensors);
  }
  return false;
}
