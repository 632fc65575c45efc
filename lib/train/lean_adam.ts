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
import { type AdamKernelAttrs, fusedAdamStep, fusedKernelsActive } from "../backend/fused_kernels.ts";

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

/** tfjs' Adam, updating one variable per `tidy`. */
export class LeanAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const self = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const oneMinusAccBeta1 = tf.sub(1, self.accBeta1), oneMinusAccBeta2 = tf.sub(1, self.accBeta2);
    // On wasm, one pass per variable (bit-identical, one temporary instead of eight: see fused_kernels.ts).
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
      const m = self.accumulatedFirstMoment[i].variable, v = self.accumulatedSecondMoment[i].variable;
      if (fused && fusedAdamStep(value, m, v, gradient, fused)) return;
      // tfjs' ops in tfjs' order, each temporary freed as soon as it is used: a tidy would hold all ~13 until the
      // end, 5.3 GB for VGG16's 103M-weight fc1 at 224x224.
      const step = (op: () => tf.Tensor, ...used: tf.Tensor[]) => {
        const out = op();
        tf.dispose(used);
        return out;
      };
      const newM = tf.tidy(() => tf.add(tf.mul(m, self.beta1), tf.mul(gradient, 1 - self.beta1)));
      const newV = tf.tidy(() => tf.add(tf.mul(v, self.beta2), tf.mul(tf.square(gradient), 1 - self.beta2)));
      m.assign(newM);
      v.assign(newV);
      const vHat = step(() => tf.div(newV, oneMinusAccBeta2), newV);
      const root = step(() => tf.sqrt(vHat), vHat);
      const denom = step(() => tf.add(root, self.epsilon), root);
      const mHat = step(() => tf.div(newM, oneMinusAccBeta1), newM);
      const ratio = step(() => tf.div(mHat, denom), mHat, denom);
      const delta = step(() => tf.mul(ratio, -self.learningRate), ratio);
      const next = step(() => tf.add(delta, value), delta);
      value.assign(next);
      next.dispose();
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
