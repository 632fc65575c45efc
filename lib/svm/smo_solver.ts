/**
 * LIBSVM's SMO solver for the C-SVC dual (Fan, Chen and Lin, JMLR 6 (2005)
 * 1889–1918), ported line by line from scikit-learn's copy of libsvm: the
 * second-order working set selection (WSS3), shrinking with gradient
 * reconstruction, the bound-clipping of the two-variable update, and rho from
 * the free variables. The kernel matrix is cached as single-precision columns,
 * as libsvm's `Qfloat` is, so the iterates follow libsvm's own.
 *
 * @module
 */

import type { GramCache } from "./gram_cache.ts";
import { kernelFromDot, type KernelParams } from "./kernel.ts";

const TAU = 1e-12;
const LOWER_BOUND = 0;
const UPPER_BOUND = 1;
const FREE = 2;

/** What {@link solveCSvc} needs: one binary sub-problem. */
export interface CSvcProblem {
  /** Dot products of the whole training set. */
  gram: GramCache;
  /** The sub-problem's samples, as row indices into `gram`. */
  indices: readonly number[];
  /** Labels: positive for the +1 class, otherwise -1. */
  y: readonly number[];
  /** Upper bound for +1 samples (the class's weighted C). */
  Cp: number;
  /** Upper bound for -1 samples. */
  Cn: number;
}

/** Solver settings. */
export interface SolverOptions {
  /** Stopping tolerance on the maximal violating pair (sklearn's `tol`). */
  eps: number;
  /** Shrink the active set as libsvm does (sklearn's default, `shrinking=True`). */
  shrinking: boolean;
  /** Iteration cap; -1 for none (sklearn's default). */
  maxIter: number;
  /** Kernel cache budget in bytes. */
  cacheBytes: number;
}

/** The solution of one binary C-SVC. */
export interface CSvcSolution {
  /** y_i * alpha_i in the problem's sample order (libsvm's `f.alpha`). */
  alpha: Float64Array;
  /** The offset: decision value = sum alpha_i k(x_i, x) - rho. */
  rho: number;
  /** Dual objective value. */
  obj: number;
  /** Iterations taken. */
  iterations: number;
  /** True when `maxIter` stopped the solver before convergence. */
  timedOut: boolean;
}

/**
 * The signed kernel matrix Q_ij = y_i y_j k(x_i, x_j), served column by
 * column in float32 (libsvm's `SVC_Q`), cached least-recently-used. Columns
 * are kept in the problem's original order; the solver maps its permuted
 * positions through `active_set`, which yields the same values libsvm's
 * swapped cache would.
 */
class SvcQ {
  readonly qd: Float64Array;
  readonly #gram: GramCache;
  readonly #idx: readonly number[];
  readonly #k: (dotAB: number, sqA: number, sqB: number) => number;
  readonly #y: Int8Array;
  readonly #cache = new Map<number, Float32Array>();
  readonly #maxColumns: number;

  constructor(gram: GramCache, indices: readonly number[], y: Int8Array, kernel: KernelParams, cacheBytes: number) {
    this.#gram = gram;
    this.#idx = indices;
    this.#k = kernelFromDot(kernel);
    this.#y = y;
    const l = indices.length;
    this.#maxColumns = Math.max(2, Math.floor(cacheBytes / (4 * Math.max(1, l))));
    this.qd = new Float64Array(l);
    for (let i = 0; i < l; i++) {
      const s = gram.sq[indices[i]];
      this.qd[i] = this.#k(s, s, s);
    }
  }

  /** Column `orig` (an original index), all l entries. */
  column(orig: number): Float32Array {
    const cache = this.#cache;
    let col = cache.get(orig);
    if (col) {
      cache.delete(orig);
      cache.set(orig, col);
      return col;
    }
    const idx = this.#idx, y = this.#y, k = this.#k, sq = this.#gram.sq;
    const l = idx.length;
    const a = idx[orig];
    const dots = this.#gram.row(a);
    const sqA = sq[a];
    col = new Float32Array(l);
    const yi = y[orig];
    for (let j = 0; j < l; j++) {
      const b = idx[j];
      col[j] = yi * y[j] * k(dots[b], sqA, sq[b]);
    }
    if (cache.size >= this.#maxColumns) cache.delete(cache.keys().next().value as number);
    cache.set(orig, col);
    return col;
  }
}

/**
 * Solves one binary C-SVC dual with libsvm's `solve_c_svc` + `Solver::Solve`:
 * min ½αᵀQα − eᵀα subject to yᵀα = 0, 0 ≤ α_i ≤ C_i.
 *
 * @param problem Rows, ±1 labels and the two class bounds.
 * @param kernel Kernel parameters (gamma resolved).
 * @param options Tolerance, shrinking, iteration cap, cache size.
 * @returns Signed dual coefficients (y_i α_i), rho and diagnostics.
 * @example
 * ```ts
 * const gram = new GramCache([Float64Array.of(0), Float64Array.of(1)], 1 << 20);
 * const sol = solveCSvc(
 *   { gram, indices: [0, 1], y: [1, -1], Cp: 1, Cn: 1 },
 *   { kernel: "linear", gamma: 1, degree: 3, coef0: 0 },
 *   { eps: 1e-3, shrinking: true, maxIter: -1, cacheBytes: 1 << 20 },
 * );
 * sol.rho; // -1: decision value 1 - 2x
 * ```
 */
export function solveCSvc(problem: CSvcProblem, kernel: KernelParams, options: SolverOptions): CSvcSolution {
  const l = problem.indices.length;
  const y = new Int8Array(l);
  const C = new Float64Array(l);
  const p = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    p[i] = -1;
    if (problem.y[i] > 0) {
      y[i] = 1;
      C[i] = problem.Cp;
    } else {
      y[i] = -1;
      C[i] = problem.Cn;
    }
  }
  const Q = new SvcQ(problem.gram, problem.indices, Int8Array.from(y), kernel, options.cacheBytes);
  const solver = new Solver(l, Q, p, y, C, options);
  const result = solver.solve();
  for (let i = 0; i < l; i++) result.alpha[i] *= y[i];
  return result;
}

/** `Solver` from libsvm: state lives in permuted positions, mapped by activeSet. */
class Solver {
  readonly l: number;
  readonly Q: SvcQ;
  readonly QD: Float64Array;
  readonly p: Float64Array;
  readonly y: Int8Array;
  readonly C: Float64Array;
  readonly alpha: Float64Array;
  readonly alphaStatus: Uint8Array;
  readonly activeSet: Int32Array;
  readonly G: Float64Array;
  readonly Gbar: Float64Array;
  readonly eps: number;
  readonly shrinking: boolean;
  readonly maxIter: number;
  activeSize: number;
  unshrink = false;

  constructor(l: number, Q: SvcQ, p: Float64Array, y: Int8Array, C: Float64Array, options: SolverOptions) {
    this.l = l;
    this.Q = Q;
    this.QD = Float64Array.from(Q.qd);
    this.p = Float64Array.from(p);
    this.y = Int8Array.from(y);
    this.C = Float64Array.from(C);
    this.alpha = new Float64Array(l);
    this.alphaStatus = new Uint8Array(l);
    this.activeSet = new Int32Array(l);
    this.G = new Float64Array(l);
    this.Gbar = new Float64Array(l);
    this.eps = options.eps;
    this.shrinking = options.shrinking;
    this.maxIter = options.maxIter;
    this.activeSize = l;
  }

  updateAlphaStatus(i: number): void {
    if (this.alpha[i] >= this.C[i]) this.alphaStatus[i] = UPPER_BOUND;
    else if (this.alpha[i] <= 0) this.alphaStatus[i] = LOWER_BOUND;
    else this.alphaStatus[i] = FREE;
  }

  /** Column of position i, indexed by original index (read it through activeSet). */
  getQ(i: number): Float32Array {
    return this.Q.column(this.activeSet[i]);
  }

  swapIndex(i: number, j: number): void {
    const swap = (a: Float64Array | Int8Array | Uint8Array | Int32Array) => {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    };
    swap(this.QD);
    swap(this.y);
    swap(this.G);
    swap(this.alphaStatus);
    swap(this.alpha);
    swap(this.p);
    swap(this.activeSet);
    swap(this.Gbar);
    swap(this.C);
  }

  reconstructGradient(): void {
    const { l, activeSize, G, Gbar, p, alpha, alphaStatus, activeSet } = this;
    if (activeSize === l) return;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j] + p[j];
    let nrFree = 0;
    for (let j = 0; j < activeSize; j++) if (alphaStatus[j] === FREE) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = this.getQ(i);
        for (let j = 0; j < activeSize; j++) {
          if (alphaStatus[j] === FREE) G[i] += alpha[j] * Qi[activeSet[j]];
        }
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (alphaStatus[i] === FREE) {
          const Qi = this.getQ(i);
          const alphaI = alpha[i];
          for (let j = activeSize; j < l; j++) G[j] += alphaI * Qi[activeSet[j]];
        }
      }
    }
  }

  solve(): CSvcSolution {
    const { l, G, Gbar, p, alpha, alphaStatus, activeSet, C, y, QD } = this;
    for (let i = 0; i < l; i++) this.updateAlphaStatus(i);
    for (let i = 0; i < l; i++) activeSet[i] = i;
    this.activeSize = l;
    for (let i = 0; i < l; i++) {
      G[i] = p[i];
      Gbar[i] = 0;
    }
    // alpha starts at 0 for C-SVC, so the gradient needs no kernel columns yet;
    // the general loop is kept for fidelity.
    for (let i = 0; i < l; i++) {
      if (alphaStatus[i] !== LOWER_BOUND) {
        const Qi = this.getQ(i);
        const alphaI = alpha[i];
        for (let j = 0; j < l; j++) G[j] += alphaI * Qi[activeSet[j]];
        if (alphaStatus[i] === UPPER_BOUND) { for (let j = 0; j < l; j++) Gbar[j] += C[i] * Qi[activeSet[j]]; }
      }
    }

    let iter = 0;
    let timedOut = false;
    let counter = Math.min(l, 1000) + 1;
    const ws = new Int32Array(2);
    while (true) {
      if (this.maxIter !== -1 && iter >= this.maxIter) {
        timedOut = true;
        break;
      }
      if (--counter === 0) {
        counter = Math.min(l, 1000);
        if (this.shrinking) this.doShrinking();
      }
      if (this.selectWorkingSet(ws) !== 0) {
        this.reconstructGradient();
        this.activeSize = l;
        if (this.selectWorkingSet(ws) !== 0) break;
        else counter = 1;
      }
      ++iter;
      const i = ws[0], j = ws[1];
      const activeSize = this.activeSize;
      let Qi = this.getQ(i);
      let Qj = this.getQ(j);
      const Ci = C[i], Cj = C[j];
      const oldAi = alpha[i], oldAj = alpha[j];
      const QiJ = Qi[activeSet[j]];

      if (y[i] !== y[j]) {
        let quadCoef = QD[i] + QD[j] + 2 * QiJ;
        if (quadCoef <= 0) quadCoef = TAU;
        const delta = (-G[i] - G[j]) / quadCoef;
        const diff = alpha[i] - alpha[j];
        alpha[i] += delta;
        alpha[j] += delta;
        if (diff > 0) {
          if (alpha[j] < 0) {
            alpha[j] = 0;
            alpha[i] = diff;
          }
        } else {
          if (alpha[i] < 0) {
            alpha[i] = 0;
            alpha[j] = -diff;
          }
        }
        if (diff > Ci - Cj) {
          if (alpha[i] > Ci) {
            alpha[i] = Ci;
            alpha[j] = Ci - diff;
          }
        } else {
          if (alpha[j] > Cj) {
            alpha[j] = Cj;
            alpha[i] = Cj + diff;
          }
        }
      } else {
        let quadCoef = QD[i] + QD[j] - 2 * QiJ;
        if (quadCoef <= 0) quadCoef = TAU;
        const delta = (G[i] - G[j]) / quadCoef;
        const sum = alpha[i] + alpha[j];
        alpha[i] -= delta;
        alpha[j] += delta;
        if (sum > Ci) {
          if (alpha[i] > Ci) {
            alpha[i] = Ci;
            alpha[j] = sum - Ci;
          }
        } else {
          if (alpha[j] < 0) {
            alpha[j] = 0;
            alpha[i] = sum;
          }
        }
        if (sum > Cj) {
          if (alpha[j] > Cj) {
            alpha[j] = Cj;
            alpha[i] = sum - Cj;
          }
        } else {
          if (alpha[i] < 0) {
            alpha[i] = 0;
            alpha[j] = sum;
          }
        }
      }

      // Update the gradient.
      const dAi = alpha[i] - oldAi;
      const dAj = alpha[j] - oldAj;
      for (let k = 0; k < activeSize; k++) {
        const o = activeSet[k];
        G[k] += Qi[o] * dAi + Qj[o] * dAj;
      }

      // Update alpha_status and G_bar.
      const ui = alphaStatus[i] === UPPER_BOUND;
      const uj = alphaStatus[j] === UPPER_BOUND;
      this.updateAlphaStatus(i);
      this.updateAlphaStatus(j);
      if (ui !== (alphaStatus[i] === UPPER_BOUND)) {
        Qi = this.getQ(i);
        if (ui) { for (let k = 0; k < l; k++) Gbar[k] -= Ci * Qi[activeSet[k]]; }
        else for (let k = 0; k < l; k++) Gbar[k] += Ci * Qi[activeSet[k]];
      }
      if (uj !== (alphaStatus[j] === UPPER_BOUND)) {
        Qj = this.getQ(j);
        if (uj) { for (let k = 0; k < l; k++) Gbar[k] -= Cj * Qj[activeSet[k]]; }
        else for (let k = 0; k < l; k++) Gbar[k] += Cj * Qj[activeSet[k]];
      }
    }

    const rho = this.calculateRho();
    let v = 0;
    for (let i = 0; i < l; i++) v += alpha[i] * (G[i] + p[i]);
    const out = new Float64Array(l);
    for (let i = 0; i < l; i++) out[activeSet[i]] = alpha[i];
    return { alpha: out, rho, obj: v / 2, iterations: iter, timedOut };
  }

  /** WSS3; writes (i, j) to `ws` and returns 0, or returns 1 when optimal. */
  selectWorkingSet(ws: Int32Array): number {
    const { G, y, alphaStatus, QD, activeSet, activeSize, eps } = this;
    let Gmax = -Infinity, Gmax2 = -Infinity;
    let GmaxIdx = -1, GminIdx = -1;
    let objDiffMin = Infinity;
    for (let t = 0; t < activeSize; t++) {
      if (y[t] === 1) {
        if (alphaStatus[t] !== UPPER_BOUND && -G[t] >= Gmax) {
          Gmax = -G[t];
          GmaxIdx = t;
        }
      } else if (alphaStatus[t] !== LOWER_BOUND && G[t] >= Gmax) {
        Gmax = G[t];
        GmaxIdx = t;
      }
    }
    const i = GmaxIdx;
    const Qi = i !== -1 ? this.getQ(i) : null;
    const yi = i !== -1 ? y[i] : 0;
    const QDi = i !== -1 ? QD[i] : 0;
    for (let j = 0; j < activeSize; j++) {
      if (y[j] === 1) {
        if (alphaStatus[j] !== LOWER_BOUND) {
          const gradDiff = Gmax + G[j];
          if (G[j] >= Gmax2) Gmax2 = G[j];
          if (gradDiff > 0) {
            const quadCoef = QDi + QD[j] - 2.0 * yi * Qi![activeSet[j]];
            const objDiff = quadCoef > 0 ? -(gradDiff * gradDiff) / quadCoef : -(gradDiff * gradDiff) / TAU;
            if (objDiff <= objDiffMin) {
              GminIdx = j;
              objDiffMin = objDiff;
            }
          }
        }
      } else if (alphaStatus[j] !== UPPER_BOUND) {
        const gradDiff = Gmax - G[j];
        if (-G[j] >= Gmax2) Gmax2 = -G[j];
        if (gradDiff > 0) {
          const quadCoef = QDi + QD[j] + 2.0 * yi * Qi![activeSet[j]];
          const objDiff = quadCoef > 0 ? -(gradDiff * gradDiff) / quadCoef : -(gradDiff * gradDiff) / TAU;
          if (objDiff <= objDiffMin) {
            GminIdx = j;
            objDiffMin = objDiff;
          }
        }
      }
    }
    if (Gmax + Gmax2 < eps || GminIdx === -1) return 1;
    ws[0] = GmaxIdx;
    ws[1] = GminIdx;
    return 0;
  }

  beShrunk(i: number, Gmax1: number, Gmax2: number): boolean {
    const { alphaStatus, y, G } = this;
    if (alphaStatus[i] === UPPER_BOUND) return y[i] === 1 ? -G[i] > Gmax1 : -G[i] > Gmax2;
    if (alphaStatus[i] === LOWER_BOUND) return y[i] === 1 ? G[i] > Gmax2 : G[i] > Gmax1;
    return false;
  }

  doShrinking(): void {
    const { y, G, alphaStatus } = this;
    let Gmax1 = -Infinity; // max { -y_i * grad(f)_i | i in I_up(alpha) }
    let Gmax2 = -Infinity; // max { y_i * grad(f)_i | i in I_low(alpha) }
    for (let i = 0; i < this.activeSize; i++) {
      if (y[i] === 1) {
        if (alphaStatus[i] !== UPPER_BOUND && -G[i] >= Gmax1) Gmax1 = -G[i];
        if (alphaStatus[i] !== LOWER_BOUND && G[i] >= Gmax2) Gmax2 = G[i];
      } else {
        if (alphaStatus[i] !== UPPER_BOUND && -G[i] >= Gmax2) Gmax2 = -G[i];
        if (alphaStatus[i] !== LOWER_BOUND && G[i] >= Gmax1) Gmax1 = G[i];
      }
    }
    if (!this.unshrink && Gmax1 + Gmax2 <= this.eps * 10) {
      this.unshrink = true;
      this.reconstructGradient();
      this.activeSize = this.l;
    }
    for (let i = 0; i < this.activeSize; i++) {
      if (this.beShrunk(i, Gmax1, Gmax2)) {
        this.activeSize--;
        while (this.activeSize > i) {
          if (!this.beShrunk(this.activeSize, Gmax1, Gmax2)) {
            this.swapIndex(i, this.activeSize);
            break;
          }
          this.activeSize--;
        }
      }
    }
  }

  calculateRho(): number {
    const { y, G, alphaStatus } = this;
    let nrFree = 0;
    let ub = Infinity, lb = -Infinity, sumFree = 0;
    for (let i = 0; i < this.activeSize; i++) {
      const yG = y[i] * G[i];
      if (alphaStatus[i] === UPPER_BOUND) {
        if (y[i] === -1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else if (alphaStatus[i] === LOWER_BOUND) {
        if (y[i] === 1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else {
        ++nrFree;
        sumFree += yG;
      }
    }
    return nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
  }
}
