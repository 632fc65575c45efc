/**
 * libsvm's `svm_train` for C-SVC, as scikit-learn's copy has it: classes
 * grouped with labels sorted ascending, class weights multiplying C, one
 * binary SMO problem per pair of classes (one-vs-one), support vectors pooled
 * in class order, and, when asked, Platt parameters from libsvm's internal
 * 5-fold cross-validation with sklearn's Mersenne Twister shuffles.
 *
 * @module
 */

import { GramCache } from "./gram_cache.ts";
import type { KernelParams } from "./kernel.ts";
import { libsvmPredictValues } from "./libsvm_predict.ts";
import { Mt19937 } from "./mt19937.ts";
import { sigmoidTrain } from "./sigmoid_train.ts";
import { solveCSvc } from "./smo_solver.ts";

/** Training data for {@link libsvmTrain}: rows and integer labels. */
export interface LibsvmProblem {
  x: readonly Float64Array[];
  /** Integer labels (sklearn passes class indices 0..k-1). */
  y: readonly number[];
}

/** C-SVC parameters (`svm_parameter`, C-SVC fields only). */
export interface LibsvmParams extends KernelParams {
  C: number;
  /** Per-label multipliers of C (`weight_label` → `weight`). */
  weights: ReadonlyMap<number, number>;
  /** Stopping tolerance (sklearn's `tol`). */
  eps: number;
  shrinking: boolean;
  probability: boolean;
  /** Seed for the calibration shuffles; negative keeps the generator's state. */
  randomSeed: number;
  /** -1 for no cap. */
  maxIter: number;
  /** Kernel cache budget in bytes. */
  cacheBytes: number;
}

/** A trained C-SVC (`svm_model`), in libsvm's layout. */
export interface LibsvmModel {
  kernel: KernelParams;
  /** Class labels, ascending. */
  labels: number[];
  /** Support vectors per class, in `labels` order. */
  nSV: number[];
  /** Support vectors, grouped by class, each group in training order. */
  SV: Float64Array[];
  /** Index of each support vector in the training data. */
  svIndices: number[];
  /** (k-1) rows × nSV: libsvm's `sv_coef` (sklearn's `dual_coef_`). */
  svCoef: number[][];
  /** One offset per pair (i < j, row-major); sklearn's intercept_ is -rho. */
  rho: number[];
  /** Platt slopes per pair, when trained with probability. */
  probA?: number[];
  /** Platt offsets per pair, when trained with probability. */
  probB?: number[];
  /** True when some binary problem hit maxIter. */
  timedOut: boolean;
}

/**
 * Trains a C-SVC exactly as scikit-learn's libsvm does.
 *
 * @param problem Rows and integer labels (at least two distinct labels).
 * @param param Kernel, C, class weights, tolerance and probability settings.
 * @param rng The generator behind the calibration shuffles (reseeded here when `randomSeed >= 0`).
 * @returns The model in libsvm's layout.
 * @example
 * ```ts
 * const model = libsvmTrain(
 *   { x: [Float64Array.of(0), Float64Array.of(1)], y: [0, 1] },
 *   { kernel: "linear", gamma: 1, degree: 3, coef0: 0, C: 1, weights: new Map(), eps: 1e-3,
 *     shrinking: true, probability: false, randomSeed: 0, maxIter: -1, cacheBytes: 1 << 20 },
 * );
 * model.labels; // [0, 1]
 * ```
 */
export function libsvmTrain(problem: LibsvmProblem, param: LibsvmParams, rng: Mt19937 = new Mt19937()): LibsvmModel {
  const gram = new GramCache(problem.x, param.cacheBytes);
  return train(gram, problem.x.map((_, i) => i), problem.y, param, rng);
}

/** `svm_train` on the rows `rows` (indices into `gram`) with labels `y`. */
function train(
  gram: GramCache,
  rows: readonly number[],
  y: readonly number[],
  param: LibsvmParams,
  rng: Mt19937,
): LibsvmModel {
  if (param.randomSeed >= 0) rng.seed(param.randomSeed);
  const l = rows.length;
  const { label, start, count, perm } = groupClasses(y);
  const nrClass = label.length;
  const x = perm.map((i) => rows[i]);

  const weightedC = label.map(() => param.C);
  for (const [wl, w] of param.weights) {
    const j = label.indexOf(wl);
    if (j >= 0) weightedC[j] *= w;
  }

  const nonzero = new Uint8Array(l);
  const nPairs = (nrClass * (nrClass - 1)) / 2;
  const f: { alpha: Float64Array; rho: number }[] = [];
  const probA: number[] = [], probB: number[] = [];
  let timedOut = false;

  for (let i = 0; i < nrClass; i++) {
    for (let j = i + 1; j < nrClass; j++) {
      const si = start[i], sj = start[j], ci = count[i], cj = count[j];
      const subX = [...x.slice(si, si + ci), ...x.slice(sj, sj + cj)];
      const subY = [...new Array<number>(ci).fill(1), ...new Array<number>(cj).fill(-1)];
      if (param.probability) {
        const { A, B } = binarySvcProbability(gram, subX, subY, param, weightedC[i], weightedC[j], rng);
        probA.push(A);
        probB.push(B);
      }
      const sol = solveCSvc({ gram, indices: subX, y: subY, Cp: weightedC[i], Cn: weightedC[j] }, param, param);
      timedOut ||= sol.timedOut;
      f.push({ alpha: sol.alpha, rho: sol.rho });
      for (let k = 0; k < ci; k++) if (Math.abs(sol.alpha[k]) > 0) nonzero[si + k] = 1;
      for (let k = 0; k < cj; k++) if (Math.abs(sol.alpha[ci + k]) > 0) nonzero[sj + k] = 1;
    }
  }

  const nSV = label.map((_, c) => {
    let n = 0;
    for (let k = 0; k < count[c]; k++) if (nonzero[start[c] + k]) n++;
    return n;
  });
  const SV: Float64Array[] = [];
  const svIndices: number[] = [];
  for (let i = 0; i < l; i++) {
    if (nonzero[i]) {
      SV.push(gram.rows[x[i]]);
      svIndices.push(perm[i]);
    }
  }
  const nzStart = [0];
  for (let i = 1; i < nrClass; i++) nzStart.push(nzStart[i - 1] + nSV[i - 1]);
  const svCoef = Array.from({ length: nrClass - 1 }, () => new Array<number>(SV.length).fill(0));
  let p = 0;
  for (let i = 0; i < nrClass; i++) {
    for (let j = i + 1; j < nrClass; j++) {
      // Classifier (i, j): coefficients of i go in svCoef[j-1], of j in svCoef[i].
      let q = nzStart[i];
      for (let k = 0; k < count[i]; k++) if (nonzero[start[i] + k]) svCoef[j - 1][q++] = f[p].alpha[k];
      q = nzStart[j];
      for (let k = 0; k < count[j]; k++) if (nonzero[start[j] + k]) svCoef[i][q++] = f[p].alpha[count[i] + k];
      ++p;
    }
  }

  const model: LibsvmModel = {
    kernel: { kernel: param.kernel, gamma: param.gamma, degree: param.degree, coef0: param.coef0 },
    labels: label,
    nSV,
    SV,
    svIndices,
    svCoef,
    rho: f.map((d) => d.rho),
    timedOut,
  };
  if (param.probability && probA.length === nPairs) {
    model.probA = probA;
    model.probB = probB;
  }
  return model;
}

/**
 * `svm_group_classes` (sklearn's: labels sorted by insertion sort); `perm`
 * lists sample indices grouped by class, each group in input order.
 */
function groupClasses(y: readonly number[]): { label: number[]; start: number[]; count: number[]; perm: number[] } {
  const label: number[] = [];
  const count: number[] = [];
  for (const v of y) {
    const thisLabel = Math.trunc(v);
    const j = label.indexOf(thisLabel);
    if (j >= 0) count[j]++;
    else {
      label.push(thisLabel);
      count.push(1);
    }
  }
  for (let j = 1; j < label.length; j++) {
    let i = j - 1;
    const thisLabel = label[j], thisCount = count[j];
    while (i >= 0 && label[i] > thisLabel) {
      label[i + 1] = label[i];
      count[i + 1] = count[i];
      i--;
    }
    label[i + 1] = thisLabel;
    count[i + 1] = thisCount;
  }
  const dataLabel = y.map((v) => label.indexOf(Math.trunc(v)));
  const start = [0];
  for (let i = 1; i < label.length; i++) start.push(start[i - 1] + count[i - 1]);
  const next = [...start];
  const perm = new Array<number>(y.length);
  for (let i = 0; i < y.length; i++) perm[next[dataLabel[i]]++] = i;
  return { label, start, count, perm };
}

/**
 * `svm_binary_svc_probability`: decision values from a shuffled 5-fold
 * cross-validation, then Platt's sigmoid on them.
 */
function binarySvcProbability(
  gram: GramCache,
  x: readonly number[],
  y: readonly number[],
  param: LibsvmParams,
  Cp: number,
  Cn: number,
  rng: Mt19937,
): { A: number; B: number } {
  const l = x.length;
  const nrFold = 5;
  const perm = Array.from({ length: l }, (_, i) => i);
  const decValues = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    const j = i + rng.boundedRandInt(l - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (let i = 0; i < nrFold; i++) {
    const begin = Math.trunc((i * l) / nrFold);
    const end = Math.trunc(((i + 1) * l) / nrFold);
    const subX: number[] = [];
    const subY: number[] = [];
    for (let j = 0; j < l; j++) {
      if (j >= begin && j < end) continue;
      subX.push(x[perm[j]]);
      subY.push(y[perm[j]]);
    }
    let pCount = 0, nCount = 0;
    for (const v of subY) {
      if (v > 0) pCount++;
      else nCount++;
    }
    if (pCount === 0 && nCount === 0) {
      for (let j = begin; j < end; j++) decValues[perm[j]] = 0;
    } else if (pCount > 0 && nCount === 0) {
      for (let j = begin; j < end; j++) decValues[perm[j]] = 1;
    } else if (pCount === 0 && nCount > 0) {
      for (let j = begin; j < end; j++) decValues[perm[j]] = -1;
    } else {
      const subParam: LibsvmParams = {
        ...param,
        probability: false,
        C: 1.0,
        weights: new Map([[1, Cp], [-1, Cn]]),
      };
      const submodel = train(gram, subX, subY, subParam, rng);
      for (let j = begin; j < end; j++) {
        const dec = libsvmPredictValues(submodel, gram.rows[x[perm[j]]]).decValues[0];
        // Ensure +1 -1 order (sorted labels put -1 first).
        decValues[perm[j]] = dec * submodel.labels[0];
      }
    }
  }
  return sigmoidTrain(decValues, y);
}
