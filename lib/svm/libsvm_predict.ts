/**
 * libsvm's prediction for C-SVC: one-vs-one decision values, voting with
 * ties to the lowest class, and Platt + pairwise-coupling probabilities.
 *
 * @module
 */

import { kernelValue } from "./kernel.ts";
import type { LibsvmModel } from "./libsvm_train.ts";
import { multiclassProbability } from "./multiclass_probability.ts";
import { sigmoidPredict } from "./sigmoid_train.ts";

/** One sample's one-vs-one outcome. */
export interface LibsvmPrediction {
  /** Index into `model.labels` of the winning class. */
  classIndex: number;
  /** Decision value per pair (i < j, row-major); positive favours i. */
  decValues: number[];
}

/**
 * `svm_predict_values` for C-SVC.
 *
 * @param model A model from `libsvmTrain`.
 * @param x One sample.
 * @returns The voted class index and the pairwise decision values.
 * @example
 * ```ts
 * // const { classIndex, decValues } = libsvmPredictValues(model, Float64Array.of(0.5));
 * ```
 */
export function libsvmPredictValues(model: LibsvmModel, x: Float64Array): LibsvmPrediction {
  const nrClass = model.labels.length;
  const l = model.SV.length;
  const kvalue = new Float64Array(l);
  for (let i = 0; i < l; i++) kvalue[i] = kernelValue(x, model.SV[i], model.kernel);
  const start = [0];
  for (let i = 1; i < nrClass; i++) start.push(start[i - 1] + model.nSV[i - 1]);
  const vote = new Array<number>(nrClass).fill(0);
  const decValues: number[] = [];
  let p = 0;
  for (let i = 0; i < nrClass; i++) {
    for (let j = i + 1; j < nrClass; j++) {
      let sum = 0;
      const si = start[i], sj = start[j];
      const ci = model.nSV[i], cj = model.nSV[j];
      const coef1 = model.svCoef[j - 1];
      const coef2 = model.svCoef[i];
      for (let k = 0; k < ci; k++) sum += coef1[si + k] * kvalue[si + k];
      for (let k = 0; k < cj; k++) sum += coef2[sj + k] * kvalue[sj + k];
      sum -= model.rho[p];
      decValues.push(sum);
      if (sum > 0) ++vote[i];
      else ++vote[j];
      p++;
    }
  }
  let voteMaxIdx = 0;
  for (let i = 1; i < nrClass; i++) if (vote[i] > vote[voteMaxIdx]) voteMaxIdx = i;
  return { classIndex: voteMaxIdx, decValues };
}

/**
 * `svm_predict_probability` for C-SVC: Platt probabilities per pair, clipped
 * to [1e-7, 1 - 1e-7], coupled into one probability per class.
 *
 * @param model A model trained with probability (has probA and probB).
 * @param x One sample.
 * @returns Probabilities in `model.labels` order.
 * @example
 * ```ts
 * // libsvmPredictProbability(model, Float64Array.of(0.5)); // e.g. [0.8, 0.2]
 * ```
 */
export function libsvmPredictProbability(model: LibsvmModel, x: Float64Array): number[] {
  const { probA, probB } = model;
  if (!probA || !probB) throw new Error("The model was trained without probability estimates");
  const nrClass = model.labels.length;
  const { decValues } = libsvmPredictValues(model, x);
  const minProb = 1e-7;
  const pairwise = Array.from({ length: nrClass }, () => new Array<number>(nrClass).fill(0));
  let k = 0;
  for (let i = 0; i < nrClass; i++) {
    for (let j = i + 1; j < nrClass; j++) {
      pairwise[i][j] = Math.min(Math.max(sigmoidPredict(decValues[k], probA[k], probB[k]), minProb), 1 - minProb);
      pairwise[j][i] = 1 - pairwise[i][j];
      k++;
    }
  }
  return multiclassProbability(pairwise);
}
