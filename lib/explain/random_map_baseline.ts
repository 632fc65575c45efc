/**
 * What the pointing game and the energy share score for maps that know nothing.
 *
 * @module
 */
import { createRng } from "../random.ts";
import { energyInMask } from "./energy_in_mask.ts";
import { checkMapAndMask, nearMask, pointingGame } from "./pointing_game.ts";

/** Options of {@link randomMapBaseline}. */
export interface RandomMapBaselineOptions {
  /** Seed of the sampled maps. Default 0. */
  seed?: number;
  /** Random maps drawn. Default 1000. */
  trials?: number;
  /** Pointing tolerance in pixels, as in `pointingGame`. Default 0; > 0 needs `width`. */
  tolerance?: number;
  /** Columns of the mask; needed with a tolerance. */
  width?: number;
}

/** An expectation, exactly and from sampled maps. */
export interface BaselineValue {
  /** The exact expectation. */
  analytic: number;
  /** The mean over the sampled maps. */
  sampled: number;
}

/** What {@link randomMapBaseline} returns. */
export interface RandomMapBaseline {
  /** Hit rate of the pointing game. */
  pointing: BaselineValue;
  /** Energy share inside the mask. */
  energy: BaselineValue;
  trials: number;
}

/**
 * The expected pointing-game hit rate and energy share of maps with i.i.d.
 * uniform values: the floor a real explanation must beat.
 *
 * Analytic: the maximum of i.i.d. continuous values is equally likely at every
 * pixel, so the hit rate is the share of pixels that count as a hit (the mask,
 * dilated by the tolerance); by exchangeability the expected energy share is
 * the mask's area fraction. Sampled: the same quantities averaged over
 * `trials` seeded maps, as a check.
 *
 * @param mask A pixel is inside when its value is > 0.
 * @param options Seed, trials, tolerance and width.
 * @returns Both expectations, analytic and sampled.
 * @throws {RangeError} For an empty mask array, trials < 1, or a tolerance without a width.
 * @example
 * ```ts
 * randomMapBaseline(new Uint8Array([1, 0, 0, 0])).pointing.analytic; // 0.25
 * ```
 */
export function randomMapBaseline(mask: ArrayLike<number>, options: RandomMapBaselineOptions = {}): RandomMapBaseline {
  const { seed = 0, trials = 1000, tolerance = 0, width } = options;
  const n = mask.length;
  if (n === 0) throw new RangeError("randomMapBaseline() needs a non-empty mask");
  if (!(Number.isInteger(trials) && trials >= 1)) throw new RangeError(`trials must be >= 1. Received: ${trials}`);
  if (tolerance > 0 && width == null) throw new RangeError("A pointing tolerance needs the mask's width");
  const w = width ?? n;
  checkMapAndMask(mask, mask, w);
  let area = 0;
  for (let i = 0; i < n; i++) if (mask[i] > 0) area++;
  const height = n / w;
  let hitPixels = 0;
  for (let i = 0; i < n; i++) if (nearMask(mask, w, height, i, tolerance)) hitPixels++;
  const rng = createRng(seed);
  const map = new Float32Array(n);
  let hits = 0, energy = 0;
  for (let t = 0; t < trials; t++) {
    for (let i = 0; i < n; i++) map[i] = rng.next();
    if (pointingGame(map, mask, w, { tolerance })) hits++;
    energy += energyInMask(map, mask);
  }
  return {
    pointing: { analytic: hitPixels / n, sampled: hits / trials },
    energy: { analytic: area / n, sampled: energy / trials },
    trials,
  };
}
