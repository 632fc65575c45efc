import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { createModel } from "../models/mod.ts";
import { recalibrateBatchNorm } from "./precise_bn.ts";

Deno.test("recalibrateBatchNorm() sets each BN layer's moving stats to its input's stats over all images", async () => {
  await initBackend("wasm");
  const { model } = createModel("cnn", { inputShape: [24, 24, 3], filters: [4, 6], seed: 2 } as never);
  const x = tf.randomUniform([20, 24, 24, 3], 0, 1, "float32", 9) as tf.Tensor4D;
  // Expected, by hand: each BN input in training mode (batch statistics upstream), over the same batches of 8.
  const expected = ["block1", "block2"].map((name) => {
    const probe = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer(`${name}_conv1`).output as tf.SymbolicTensor,
    });
    return tf.tidy(() => {
      const parts = [0, 8, 16].map((s) =>
        probe.apply(x.slice(s, Math.min(8, 20 - s)), { training: true }) as tf.Tensor4D
      );
      const all = tf.concat(parts);
      const { mean, variance } = tf.moments(all, [0, 1, 2]);
      return [Array.from(mean.dataSync()), Array.from(variance.dataSync())];
    });
  });
  assertEquals(await recalibrateBatchNorm(model, x, { batchSize: 8 }), 2);
  ["block1", "block2"].forEach((name, k) => {
    const [, , movingMean, movingVariance] = model.getLayer(`${name}_bn`).getWeights();
    const [m, v] = expected[k];
    const mm = movingMean.dataSync(), mv = movingVariance.dataSync();
    for (let c = 0; c < m.length; c++) {
      assertAlmostEquals(mm[c], m[c], 1e-4, `${name} mean[${c}]`);
      assertAlmostEquals(mv[c], v[c], 1e-4 * Math.max(1, v[c]), `${name} variance[${c}]`);
    }
  });
  x.dispose();
  model.dispose();
});
