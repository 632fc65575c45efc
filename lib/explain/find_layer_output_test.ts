import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { ExplainError } from "./explain_error.ts";
import { dependsOn, findLayerOutput, spatialLayerNames } from "./find_layer_output.ts";
import { gapModel } from "./test_util.ts";

Deno.test("findLayerOutput() resolves a shared layer to the node in the model's own graph", async () => {
  await initBackend("wasm");
  const shared = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: "shared" });
  const in1 = tf.input({ shape: [4, 4, 3] }), in2 = tf.input({ shape: [6, 6, 3] });
  const m1 = tf.model({ inputs: in1, outputs: tf.layers.flatten().apply(shared.apply(in1)) as tf.SymbolicTensor });
  const m2 = tf.model({ inputs: in2, outputs: tf.layers.flatten().apply(shared.apply(in2)) as tf.SymbolicTensor });
  assertEquals(shared.inboundNodes.length, 2);
  assertEquals(findLayerOutput(m1, "shared", true).shape, [null, 4, 4, 2]);
  assertEquals(findLayerOutput(m2, "shared", true).shape, [null, 6, 6, 2]);
  m1.dispose();
  m2.dispose();
});

Deno.test("spatialLayerNames() lists Grad-CAM candidates; findLayerOutput() names them in errors", async () => {
  await initBackend("wasm");
  const model = gapModel(16, 3);
  assertEquals(spatialLayerNames(model), ["conv1", "pool1", "target"]);
  assertThrows(
    () => findLayerOutput(model, "gap", true),
    ExplainError,
    "Valid spatial layers are: conv1, pool1, target",
  );
  assertThrows(() => findLayerOutput(model, "nope"), ExplainError, 'no layer "nope"');
  const target = findLayerOutput(model, "target");
  assertEquals(dependsOn(model.outputs[0], target), true);
  assertEquals(dependsOn(findLayerOutput(model, "conv1"), target), false);
  model.dispose();
});
