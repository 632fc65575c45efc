import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals } from "../../tests/assert.ts";
import { initBackend } from "../backend.ts";
import { gradCamPlusPlus } from "./grad_cam_plus_plus.ts";
import { gapModel, randomImage } from "./test_util.ts";

/** The target feature map A ([h*w*k]) and the dense kernel W ([k*classes]) of the GAP model. */
async function camParts(model: tf.LayersModel, x: tf.Tensor3D) {
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer("target").output as tf.SymbolicTensor });
  const a = tf.tidy(() => sub.predict(tf.expandDims(x, 0)) as tf.Tensor);
  const [, h, w, k] = a.shape as number[];
  const A = (await a.data()) as Float32Array;
  a.dispose();
  const [kernel] = model.getLayer("predictions").getWeights();
  return { A, h, w, k, W: (await kernel.data()) as Float32Array };
}

Deno.test("gradCamPlusPlus() follows the paper's closed form (eq. 19) on a GAP head", async () => {
  await initBackend("wasm");
  const model = gapModel(16, 3);
  const x = randomImage(16, 11);
  const { A, h, w, k, W } = await camParts(model, x);
  const classes = 3, z = h * w;
  for (let c = 0; c < classes; c++) {
    const r = await gradCamPlusPlus(model, x, { layerName: "target", classIndex: c });
    // dS/dA_ij = g = W[k, c] / Z everywhere, so alpha = 1 / (2 + S_k g) and w_k = Z alpha ReLU(g).
    for (let j = 0; j < k; j++) {
      const g = W[j * classes + c] / z;
      let sumA = 0;
      for (let p = 0; p < z; p++) sumA += A[p * k + j];
      const expected = g > 0 ? z * g / (2 + sumA * g) : 0;
      assertAlmostEquals(
        r.channelWeights[j],
        expected,
        1e-6 * Math.max(1, Math.abs(expected)),
        `class ${c} weight ${j}`,
      );
    }
  }
  x.dispose();
  model.dispose();
});
