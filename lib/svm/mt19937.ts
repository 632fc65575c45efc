/**
 * The Mersenne Twister (MT19937, 32-bit), as in C++'s `std::mt19937` and
 * numpy's legacy `RandomState`. scikit-learn's libsvm draws its
 * probability-calibration shuffles from it, so reproducing sklearn's
 * `predict_proba` needs the same generator, bit for bit.
 *
 * @module
 */

const N = 624;
const M = 397;

/** A 32-bit Mersenne Twister with the two bounded draws sklearn uses. */
export class Mt19937 {
  #mt = new Uint32Array(N);
  #index = N + 1;

  /**
   * @param seed The 32-bit seed (`std::mt19937(seed)`, `RandomState(seed)`); 5489 is C++'s default.
   * @example
   * ```ts
   * new Mt19937(0).nextUint32(); // 2357136044, as numpy's RandomState(0).randint(2**32)
   * ```
   */
  constructor(seed = 5489) {
    this.seed(seed);
  }

  /**
   * Restarts the sequence (`std::mt19937::seed`, numpy's `mt19937_seed`).
   *
   * @param seed Taken modulo 2^32.
   * @example
   * ```ts
   * const rng = new Mt19937();
   * rng.seed(42);
   * ```
   */
  seed(seed: number): void {
    const mt = this.#mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i modulo 2^32, split to keep the product exact.
      mt[i] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i;
    }
    this.#index = N;
  }

  /**
   * The next raw 32-bit output.
   *
   * @returns An integer in [0, 2^32).
   * @example
   * ```ts
   * new Mt19937(5489).nextUint32(); // 3499211612
   * ```
   */
  nextUint32(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let y = mt[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * scikit-learn's libsvm `bounded_rand_int`: Lemire's multiply-shift with
   * rejection, uniform in [0, range).
   *
   * @param range Upper bound (exclusive), 1 to 2^32 - 1.
   * @returns An integer in [0, range).
   * @example
   * ```ts
   * new Mt19937(1).boundedRandInt(10); // a reproducible integer in 0..9
   * ```
   */
  boundedRandInt(range: number): number {
    const r = BigInt(range >>> 0);
    let m = BigInt(this.nextUint32()) * r;
    let l = m & 0xffffffffn;
    if (l < r) {
      let t = (0x100000000n - r) & 0xffffffffn; // uint32(-range)
      if (t >= r) {
        t -= r;
        if (t >= r) t %= r;
      }
      while (l < t) {
        m = BigInt(this.nextUint32()) * r;
        l = m & 0xffffffffn;
      }
    }
    return Number(m >> 32n);
  }

  /**
   * numpy's legacy `RandomState.randint(high)` for `high - 1` below 2^32:
   * masked rejection sampling on 32-bit draws. sklearn draws libsvm's seed
   * this way: `RandomState(random_state).randint(2**31 - 1)`.
   *
   * @param high Upper bound (exclusive), 1 to 2^32.
   * @returns An integer in [0, high).
   * @example
   * ```ts
   * new Mt19937(0).legacyRandint(2 ** 31 - 1); // 209652396, as numpy
   * ```
   */
  legacyRandint(high: number): number {
    const rng = high - 1;
    if (rng <= 0) return 0;
    let mask = rng;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0; while (v > rng);
    return v;
  }
}
