/**
 * Kernel functions, written exactly as scikit-learn's dense libsvm computes
 * them: the training form (`Kernel::kernel_*`, RBF through cached squared
 * norms) and the prediction form (`Kernel::k_function`, RBF through the squared
 * difference). The two differ in the last bits, and matching sklearn's
 * decision values to the solver's tolerance means using each where libsvm does.
 *
 * @module
 */

/** The kernels libsvm offers (precomputed aside). */
export type KernelType = "linear" | "poly" | "rbf" | "sigmoid";

/** The kernel names accepted, for error messages. */
export const KERNEL_TYPES: readonly KernelType[] = ["linear", "poly", "rbf", "sigmoid"];

/** Kernel parameters, as resolved at fit time (`gamma` already a number). */
export interface KernelParams {
  kernel: KernelType;
  gamma: number;
  degree: number;
  coef0: number;
}

/**
 * Sequential dot product (libsvm's dense `dot`).
 *
 * @param a First vector.
 * @param b Second vector, the same length.
 * @returns The sum of the products, added in index order.
 * @example
 * ```ts
 * dot(Float64Array.of(1, 2), Float64Array.of(3, 4)); // 11
 * ```
 */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += a[i] * b[i];
  return sum;
}

/**
 * Integer power by repeated squaring (libsvm's `powi`), for the poly kernel.
 *
 * @param base The base.
 * @param times A non-negative integer exponent.
 * @returns `base ** times`, rounded as libsvm rounds it.
 * @example
 * ```ts
 * powi(2, 10); // 1024
 * ```
 */
export function powi(base: number, times: number): number {
  let tmp = base, ret = 1.0;
  for (let t = times; t > 0; t = Math.trunc(t / 2)) {
    if (t % 2 === 1) ret *= tmp;
    tmp = tmp * tmp;
  }
  return ret;
}

/**
 * One kernel value between a sample and a support vector, as libsvm's
 * `k_function` computes it at prediction time.
 *
 * @param x A sample.
 * @param y A support vector.
 * @param params Kernel parameters.
 * @returns k(x, y).
 * @example
 * ```ts
 * kernelValue(Float64Array.of(0, 0), Float64Array.of(1, 1), { kernel: "rbf", gamma: 0.5, degree: 3, coef0: 0 });
 * // Math.exp(-1)
 * ```
 */
export function kernelValue(x: Float64Array, y: Float64Array, params: KernelParams): number {
  switch (params.kernel) {
    case "linear":
      return dot(x, y);
    case "poly":
      return powi(params.gamma * dot(x, y) + params.coef0, params.degree);
    case "rbf": {
      let sum = 0;
      const n = Math.min(x.length, y.length);
      let i = 0;
      for (; i < n; i++) {
        const d = x[i] - y[i];
        sum += d * d;
      }
      for (; i < x.length; i++) sum += x[i] * x[i];
      for (; i < y.length; i++) sum += y[i] * y[i];
      return Math.exp(-params.gamma * sum);
    }
    case "sigmoid":
      return Math.tanh(params.gamma * dot(x, y) + params.coef0);
  }
}

/**
 * The training-time kernel as a function of a precomputed dot product
 * (libsvm's `Kernel::kernel_*`): RBF goes through the squared norms,
 * `exp(-g(|a|² + |b|² - 2a·b))`, not through the difference as at prediction.
 *
 * @param params Kernel parameters.
 * @returns `k(a·b, |a|², |b|²)`.
 * @example
 * ```ts
 * const k = kernelFromDot({ kernel: "rbf", gamma: 0.5, degree: 3, coef0: 0 });
 * k(0, 1, 1); // Math.exp(-1): orthogonal unit vectors
 * ```
 */
export function kernelFromDot(params: KernelParams): (dotAB: number, sqA: number, sqB: number) => number {
  const { gamma, degree, coef0 } = params;
  switch (params.kernel) {
    case "linear":
      return (d) => d;
    case "poly":
      return (d) => powi(gamma * d + coef0, degree);
    case "rbf":
      return (d, a, b) => Math.exp(-gamma * (a + b - 2 * d));
    case "sigmoid":
      return (d) => Math.tanh(gamma * d + coef0);
  }
}
