/**
 * Pairwise coupling of one-vs-one probabilities into class probabilities:
 * method 2 of Wu, Lin and Weng (JMLR 5 (2004) 975–1005), as libsvm codes it.
 *
 * @module
 */

/**
 * libsvm's `multiclass_probability`.
 *
 * @param r Pairwise probabilities: r[i][j] ≈ P(class i | class i or j), r[j][i] = 1 - r[i][j].
 * @returns One probability per class, summing to 1.
 * @example
 * ```ts
 * multiclassProbability([[0, 0.9], [0.1, 0]]); // ≈ [0.9, 0.1]
 * ```
 */
export function multiclassProbability(r: readonly (readonly number[])[]): number[] {
  const k = r.length;
  const maxIter = Math.max(100, k);
  const eps = 0.005 / k;
  const p = new Array<number>(k);
  const Q: number[][] = [];
  const Qp = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    p[t] = 1.0 / k;
    Q.push(new Array<number>(k).fill(0));
  }
  for (let t = 0; t < k; t++) {
    Q[t][t] = 0;
    for (let j = 0; j < t; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = Q[j][t];
    }
    for (let j = t + 1; j < k; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = -r[j][t] * r[t][j];
    }
  }
  for (let iter = 0; iter < maxIter; iter++) {
    // Stopping condition; recompute Qp and pQp for accuracy.
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      Qp[t] = 0;
      for (let j = 0; j < k; j++) Qp[t] += Q[t][j] * p[j];
      pQp += p[t] * Qp[t];
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) {
      const error = Math.abs(Qp[t] - pQp);
      if (error > maxError) maxError = error;
    }
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t] + pQp) / Q[t][t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
  return p;
}
