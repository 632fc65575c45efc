/**
 * A small executor for the graph of a functional `tf.LayersModel` that can
 * start from any symbolic tensor, not only from the model's inputs.
 *
 * tfjs-layers' own executor (`execute` with a `FeedDict`) can do this but is
 * not exported, and a `tf.model()` refuses inputs that are not `InputLayer`s,
 * so a model cannot be split at an inner layer with the public API. This
 * executor walks the graph through the public fields `SymbolicTensor.inputs`,
 * `SymbolicTensor.sourceLayer`, `SymbolicTensor.nodeIndex` and
 * `Layer.inboundNodes[i].outputTensors`, sorts the nodes the fetches depend
 * on topologically (stopping at fed tensors), and calls each layer's `apply`
 * on concrete tensors with `{training: false}`, as `model.predict` does. Any
 * DAG works: residual `Add`s, DenseNet `Concatenate`s, custom layers.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { ExplainError } from "./explain_error.ts";

type GraphNode = tf.layers.Layer["inboundNodes"][number];

/** Options of {@link executeGraph}. */
export interface ExecuteGraphOptions {
  /**
   * Dispose each intermediate tensor as soon as its last consumer has run, to
   * keep the peak memory of a long forward pass low. Leave it false inside a
   * gradient function: the tape still needs the intermediates. Default false.
   */
  disposeIntermediates?: boolean;
}

/** The node that produced a symbolic tensor. */
function producer(t: tf.SymbolicTensor): GraphNode {
  return t.sourceLayer.inboundNodes[t.nodeIndex];
}

/**
 * Evaluates symbolic tensors of a functional model from concrete values fed
 * for some of its symbolic tensors (model inputs or inner feature maps).
 *
 * Only the nodes the fetches depend on run, and none upstream of a fed tensor.
 *
 * @param fetches Symbolic tensors to evaluate.
 * @param feeds Pairs of a symbolic tensor and its value. The values stay the caller's.
 * @param options Whether to free intermediates eagerly.
 * @returns One tensor per fetch, in order; a fetch that was fed comes back as the fed
 *   tensor itself (not a copy). The caller disposes the others (or runs this in `tf.tidy`).
 * @throws {ExplainError} When a fetch depends on a model input that was not fed.
 * @example
 * ```ts
 * const a = model.getLayer("block4_relu").output as tf.SymbolicTensor;
 * const [z] = executeGraph([model.getLayer("predictions").input as tf.SymbolicTensor], [[a, featureMap]]);
 * ```
 */
export function executeGraph(
  fetches: readonly tf.SymbolicTensor[],
  feeds: ReadonlyArray<readonly [tf.SymbolicTensor, tf.Tensor]>,
  options: ExecuteGraphOptions = {},
): tf.Tensor[] {
  const values = new Map<number, tf.Tensor>();
  const fed = new Set<number>();
  for (const [key, value] of feeds) {
    values.set(key.id, value);
    fed.add(key.id);
  }

  // Topological order of the nodes the fetches need (iterative post-order DFS).
  const order: GraphNode[] = [];
  const state = new Map<number, "open" | "done">();
  for (const fetch of fetches) {
    if (fed.has(fetch.id)) continue;
    const stack: { node: GraphNode; next: number }[] = [];
    const visit = (t: tf.SymbolicTensor): void => {
      if (fed.has(t.id)) return;
      const node = producer(t);
      if (node == null || node.inboundLayers.length === 0) {
        throw new ExplainError(
          `Symbolic tensor "${t.name}" is a model input that was not fed; feed it or split the graph below it`,
        );
      }
      const s = state.get(node.id);
      if (s === "done") return;
      if (s === "open") throw new ExplainError(`The model's graph has a cycle at layer "${t.sourceLayer.name}"`);
      state.set(node.id, "open");
      stack.push({ node, next: 0 });
    };
    visit(fetch);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.inputTensors.length) {
        visit(top.node.inputTensors[top.next++]);
      } else {
        stack.pop();
        state.set(top.node.id, "done");
        order.push(top.node);
      }
    }
  }

  // How many later nodes read each tensor, for eager disposal.
  const keep = new Set<number>([...fed, ...fetches.map((f) => f.id)]);
  const readers = new Map<number, number>();
  if (options.disposeIntermediates) {
    for (const node of order) {
      for (const t of node.inputTensors) readers.set(t.id, (readers.get(t.id) ?? 0) + 1);
    }
  }

  for (const node of order) {
    const inputs = node.inputTensors.map((t) => {
      const v = values.get(t.id);
      if (v == null) throw new ExplainError(`No value for "${t.name}" (internal ordering error)`);
      return v;
    });
    const out = node.outboundLayer.apply(inputs, { training: false });
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((sym, i) => {
      const v = outs[i] as tf.Tensor;
      if (fed.has(sym.id)) {
        if (options.disposeIntermediates) v.dispose();
        return;
      }
      values.set(sym.id, v);
      if (options.disposeIntermediates && !keep.has(sym.id) && !readers.has(sym.id)) {
        values.delete(sym.id);
        v.dispose();
      }
    });
    if (options.disposeIntermediates) {
      for (const t of node.inputTensors) {
        const left = (readers.get(t.id) ?? 0) - 1;
        readers.set(t.id, left);
        if (left === 0 && !keep.has(t.id)) {
          values.get(t.id)?.dispose();
          values.delete(t.id);
        }
      }
    }
  }

  return fetches.map((f) => {
    const v = values.get(f.id);
    if (v == null) throw new ExplainError(`No value for fetch "${f.name}"`);
    return v;
  });
}
