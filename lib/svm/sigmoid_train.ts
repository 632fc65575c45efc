/**
 * Platt scaling as libsvm does it (Lin, Lin and Weng's improved Newton method
 * with backtracking line search): fits P(y = +1 | f) = 1 / (1 + exp(A f + B))
 * to decision values.
 *
 * @module
 */

/** The two Platt parameters. */
export interface SigmoidParams {
  A: number;
  B: number;
}

/**
 * libsvm's `sigmoid_train`.
 *
 * @param decValues Decision values, one per sample.
 * @param labels Labels; positive means the +1 class.
 * @returns A and B of the fitted sigmoid.
 * @example
 * ```ts
 * const { A, B } = sigmoidTrain([2, 1, -1, -2], [1, 1, -1, -1]);
 * sigmoidPredict(2, A, B) > 0.5; // true
 * ```
 */
export function sigmoidTrain(decValues: ArrayLike<number>, labels: ArrayLike<number>): SigmoidParams {
  const l = decValues.length;
  let prior1 = 0, prior0 = 0;
  for (let i = 0; i < l; i++) {
    if (labels[i] > 0) prior1 += 1;
    else prior0 += 1;
  }
  const maxIter = 100; // maximal number of iterations
  const minStep = 1e-10; // minimal step taken in line search
  const sigma = 1e-12; // for numerically strict PD of Hessian
  const eps = 1e-5;
  const hiTarget = (prior1 + 1.0) / (prior1 + 2.0);
  const loTarget = 1 / (prior0 + 2.0);
  const t = new Float64Array(l);

  let A = 0.0;
  let B = Math.log((prior0 + 1.0) / (prior1 + 1.0));
  let fval = 0.0;
  for (let i = 0; i < l; i++) {
    t[i] = labels[i] > 0 ? hiTarget : loTarget;
    const fApB = decValues[i] * A + B;
    if (fApB >= 0) fval += t[i] * fApB + Math.log(1 + Math.exp(-fApB));
    else fval += (t[i] - 1) * fApB + Math.log(1 + Math.exp(fApB));
  }
  for (let iter = 0; iter < maxIter; iter++) {
    // Gradient and Hessian (H' = H + sigma I).
    let h11 = sigma, h22 = sigma, h21 = 0.0, g1 = 0.0, g2 = 0.0;
    for (let i = 0; i < l; i++) {
      const fApB = decValues[i] * A + B;
      let p: number, q: number;
      if (fApB >= 0) {
        p = Math.exp(-fApB) / (1.0 + Math.exp(-fApB));
        q = 1.0 / (1.0 + Math.exp(-fApB));
      } else {
        p = 1.0 / (1.0 + Math.exp(fApB));
        q = Math.exp(fApB) / (1.0 + Math.exp(fApB));
      }
      const d2 = p * q;
      h11 += decValues[i] * decValues[i] * d2;
      h22 += d2;
      h21 += decValues[i] * d2;
      const d1 = t[i] - p;
      g1 += decValues[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < eps && Math.abs(g2) < eps) break;

    // Newton direction -inv(H') g, then backtracking line search.
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let stepsize = 1;
    while (stepsize >= minStep) {
      const newA = A + stepsize * dA;
      const newB = B + stepsize * dB;
      let newf = 0.0;
      for (let i = 0; i < l; i++) {
        const fApB = decValues[i] * newA + newB;
        if (fApB >= 0) newf += t[i] * fApB + Math.log(1 + Math.exp(-fApB));
        else newf += (t[i] - 1) * fApB + Math.log(1 + Math.exp(fApB));
      }
      if (newf < fval + 0.0001 * stepsize * gd) {
        A = newA;
        B = newB;
        fval = newf;
        break;
      }
      stepsize = stepsize / 2.0;
    }
    if (stepsize < minStep) break; // line search failed
  }
  return { A, B };
}

/**
 * libsvm's `sigmoid_predict`: the Platt probability of the +1 class.
 *
 * @param decisionValue The decision value f.
 * @param A Slope from {@link sigmoidTrain}.
 * @param B Offset from {@link sigmoidTrain}.
 * @returns 1 / (1 + exp(A f + B)), computed without cancellation.
 * @example
 * ```ts
 * sigmoidPredict(0, -1, 0); // 0.5
 * ```
 */
export function sigmoidPredict(decisionValue: number, A: number, B: number): number {
  const fApB = decisionValue * A + B;
  if (fApB >= 0) return Math.exp(-fApB) / (1.0 + Math.exp(-fApB));
  return 1.0 / (1 + Math.exp(fApB));
}
