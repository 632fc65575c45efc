import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createModel } from "../models/mod.ts";
import { recalibrateBatchNorm } from "./precise_bn.ts";

Deno.test("recalibrateBatchNorm() sets each BN layer's moving stats to its input's population stats", async () => {
  await initBackend("wasm");
  const { model } = createModel("cnn", { inputShape: [24, 24, 3], filters: [4, 6], seed: 2 } as never);
  const x = tf.randomUniform([20, 24, 24, 3], 0, 1, "float32", 9) as tf.Tensor4D;
  assertEquals(await recalibrateBatchNorm(model, x, { batchSize: 8 }), 2);
  for (const name of ["block1", "block2"]) {
    const probe = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer(`${name}_conv1`).output as tf.SymbolicTensor,
    });
    const { mean, variance } = tf.moments(probe.predict(x) as tf.Tensor, [0, 1, 2]);
    const [, , movingMean, movingVariance] = model.getLayer(`${name}_bn`).getWeights();
    const m = mean.dataSync(), v = variance.dataSync(), mm = movingMean.dataSync(), mv = movingVariance.dataSync();
    for (let c = 0; c < m.length; c++) {
      assertAlmostEquals(mm[c], m[c], 1e-4, `${name} mean[${c}]`);
      assertAlmostEquals(mv[c], v[c], 1e-4 * Math.max(1, v[c]), `${name} variance[${c}]`);
    }
    tf.dispose([mean, variance]);
  }
  x.dispose();
  model.dispose();
});
