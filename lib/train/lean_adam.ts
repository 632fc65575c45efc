/**
 * Adam with tfjs' exact update, but one variable at a time.
 *
 * tfjs' AdamOptimizer updates every variable inside one `tidy`, so the
 * temporaries of all variables (new moments, bias corrections, the step)
 * live until the last one is done: about 8 extra copies of the model. For
 * VGG16's 134M parameters that is 4.3 GB, more than the wasm backend's
 * 4 GiB (measured: a step at 128x128 never finished). Tidying per variable
 * keeps one variable's temporaries at a time. The arithmetic, state layout
 * and (de)serialisation are tfjs' own, so checkpoints and `getWeights()`
 * are unchanged.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type AdamKernelAttrs, FUSED_KERNELS, fusedKernelsActive } from "../backend/fused_kernels.ts";

/** The fields of tfjs' AdamOptimizer that its typings mark private. */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * Variables up to this size take the fused wasm kernel. Its float32-exact JS
 * loop costs about 6 ns per value against about 4 ns for tfjs' ten ops, which
 * win on large tensors (AlexNet's dense layers: a step 10% slower fused) but
 * pay about 1 ms of per-op overhead per variable, which dominates small ones
 * (the hundreds of batch-norm and bias vectors of ResNet50 and DenseNet121).
 */
const FUSED_ADAM_MAX_SIZE = 1 << 18;

/** tfjs' Adam, updating one variable per `tidy`. */
export class LeanAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const self = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const oneMinusAccBeta1 = tf.sub(1, self.accBeta1), oneMinusAccBeta2 = tf.sub(1, self.accBeta2);
    // On wasm, one fused pass per variable (bit-identical; see fused_kernels.ts).
    const f = Math.fround;
    const fused: AdamKernelAttrs | undefined = fusedKernelsActive()
      ? {
        beta1: f(self.beta1),
        beta2: f(self.beta2),
        oneMinusBeta1: f(1 - self.beta1),
        oneMinusBeta2: f(1 - self.beta2),
        biasCorrection1: oneMinusAccBeta1.dataSync()[0],
        biasCorrection2: oneMinusAccBeta2.dataSync()[0],
        epsilon: f(self.epsilon),
        negLearningRate: f(-self.learningRate),
      }
      : undefined;
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      if (self.accumulatedFirstMoment[i] == null) {
        self.accumulatedFirstMoment[i] = {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      }
      if (self.accumulatedSecondMoment[i] == null) {
        self.accumulatedSecondMoment[i] = {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      }
      const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (gradient == null) return;
      tf.tidy(() => {
        const m = self.accumulatedFirstMoment[i].variable, v = self.accumulatedSecondMoment[i].variable;
        if (fused && value.size <= FUSED_ADAM_MAX_SIZE && gradient.dtype === "float32" && value.dtype === "float32") {
          const [w2, m2, v2] = tf.engine().runKernel(
            FUSED_KERNELS.adam,
            { value, m, v, g: gradient },
            fused as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
          m.assign(m2);
          v.assign(v2);
          value.assign(w2);
          return;
        }
        const newM = tf.add(tf.mul(m, self.beta1), tf.mul(gradient, 1 - self.beta1));
        const newV = tf.add(tf.mul(v, self.beta2), tf.mul(tf.square(gradient), 1 - self.beta2));
        const mHat = tf.div(newM, oneMinusAccBeta1), vHat = tf.div(newV, oneMinusAccBeta2);
        m.assign(newM);
        v.assign(newV);
        value.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), self.epsilon)), -self.learningRate), value));
      });
    });
    tf.dispose([oneMinusAccBeta1, oneMinusAccBeta2]);
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}

/**
 * A {@link LeanAdamOptimizer} with Keras' defaults (beta1 0.9, beta2 0.999, epsilon 1e-7 as tfjs' `tf.train.adam`).
 *
 * @example
 * ```ts
 * const optimizer = leanAdam(1e-3);
 * ```
 */
export function leanAdam(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number): LeanAdamOptimizer {
  return new LeanAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
