import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertLess, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { executeGraph } from "./execute_graph.ts";
import { ExplainError } from "./explain_error.ts";
import { maxAbsDiff } from "./test_util.ts";

/** input -> conv "a"; add(a, conv(input)) -> concat(add, a) -> GAP -> dense: a skip around "a" and a reused tensor. */
function dag(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 2], name: "input" });
  const conv = (name: string, seed: number) =>
    tf.layers.conv2d({
      filters: 3,
      kernelSize: 3,
      padding: "same",
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      name,
    });
  const a = conv("a", 1).apply(input) as tf.SymbolicTensor;
  const b = conv("b", 2).apply(input) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: "add" }).apply([a, b]) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: "concat" }).apply([sum, a]) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(cat) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), name: "out" })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

Deno.test("executeGraph() from the input matches predict() on a DAG with Add and Concatenate", async () => {
  await initBackend("wasm");
  const model = dag();
  const x = tf.randomUniform([1, 6, 6, 2], 0, 1, "float32", 4);
  const expected = tf.tidy(() => model.predict(x) as tf.Tensor);
  const before = tf.memory().numTensors;
  const [got, a] = executeGraph([model.outputs[0], model.getLayer("a").output as tf.SymbolicTensor], [[
    model.inputs[0],
    x,
  ]], {
    disposeIntermediates: true,
  });
  assertEquals(tf.memory().numTensors, before + 2, "only the fetches survive eager disposal");
  assertLess(maxAbsDiff(await got.data(), await expected.data()), 1e-6);
  assertEquals(a.shape, [1, 6, 6, 3]);
  tf.dispose([x, expected, got, a]);
  model.dispose();
});

Deno.test("executeGraph() fed at an inner layer uses the fed value and needs the input only for bypasses", async () => {
  await initBackend("wasm");
  const model = dag();
  const x = tf.randomUniform([1, 6, 6, 2], 0, 1, "float32", 4);
  const aSym = model.getLayer("a").output as tf.SymbolicTensor;
  const concat = model.getLayer("concat").output as tf.SymbolicTensor;
  const fedA = tf.ones([1, 6, 6, 3]);
  tf.tidy(() => {
    const [cat] = executeGraph([concat], [[model.inputs[0], x], [aSym, fedA]]);
    const [b] = executeGraph([model.getLayer("b").output as tf.SymbolicTensor], [[model.inputs[0], x]]);
    // concat = [a + b, a] with a = 1.
    const expected = tf.concat([tf.add(b, 1), tf.ones([1, 6, 6, 3])], -1);
    assertLess(maxAbsDiff(cat.dataSync(), expected.dataSync()), 1e-6);
  });
  // "b" bypasses "a": without the input it cannot run.
  assertThrows(() => executeGraph([concat], [[aSym, fedA]]), ExplainError, "was not fed");
  // A fetch that was fed comes back as is.
  const [same] = executeGraph([aSym], [[aSym, fedA]]);
  assertEquals(same === fedA, true);
  tf.dispose([x, fedA]);
  model.dispose();
});
