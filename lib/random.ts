/**
 * Seeded pseudo-random numbers. One seed drives splits, augmentation,
 * initialisation and the phantom, so runs repeat exactly.
 *
 * @module
 */

/** A seeded generator with the draws Lumbar Lab needs. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** One element, chosen with the given weights (uniform when omitted). */
  pick<T>(items: readonly T[], weights?: readonly number[]): T;
  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[];
  /** A 32-bit seed for a child generator or a tfjs initializer. */
  fork(): number;
}

/**
 * Mulberry32: small, fast, and good enough for simulation and shuffling.
 *
 * @param seed Any integer; the same seed gives the same sequence.
 * @returns A generator.
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.uniform(0, 1); // the same number on every run
 * ```
 */
export function createRng(seed: number): Rng {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  let spare: number | undefined;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    normal: () => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    pick: (items, weights) => {
      if (items.length === 0) throw new RangeError("pick() needs at least one item");
      if (weights == null) return items[Math.floor(next() * items.length)];
      const total = weights.reduce((s, w) => s + w, 0);
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i];
        if (r < 0) return items[i];
      }
      return items[items.length - 1];
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
    fork: () => Math.floor(next() * 4294967296) >>> 0,
  };
  return rng;
}
