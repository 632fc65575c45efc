/**
 * Pointing game and energy share over many images, with the random-map baseline.
 *
 * @module
 */
import type { LocalisationGroup, LocalisationScores, RandomLocalisation } from "./faithfulness_types.ts";

/** One abnormal image's localisation by one method, as {@link summarizeLocalisation} takes it. */
export interface LocalisationRecord {
  /** The true class index. */
  label: number;
  /** Whether the heatmap's maximum lies inside the mask. */
  hit: boolean;
  /** The same within the tolerance. */
  hitTolerant: boolean;
  /** Energy share inside the mask; NaN when the map is all zero. */
  energy: number;
  /** The random-map expectations for this image's mask. */
  random: RandomLocalisation;
}

function group(records: readonly LocalisationRecord[]): LocalisationGroup & { hits: number; tolerantHits: number } {
  const n = records.length;
  const hits = records.filter((r) => r.hit).length;
  const tolerantHits = records.filter((r) => r.hitTolerant).length;
  const energies = records.map((r) => r.energy).filter((e) => Number.isFinite(e));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    n,
    hits,
    tolerantHits,
    pointing: n > 0 ? hits / n : null,
    pointingTolerant: n > 0 ? tolerantHits / n : null,
    energy: energies.length > 0 ? mean(energies) : null,
    emptyMaps: n - energies.length,
    random: n > 0
      ? {
        pointing: mean(records.map((r) => r.random.pointing)),
        pointingTolerant: mean(records.map((r) => r.random.pointingTolerant)),
        energy: mean(records.map((r) => r.random.energy)),
      }
      : null,
  };
}

/**
 * Summarises the localisation of abnormal images: the pointing-game hit rate
 * (exact and with tolerance), the mean energy share in the mask (over maps
 * that are not all zero; those are counted in `emptyMaps`), and the same
 * quantities for random maps on the same images, overall and per true class.
 *
 * @param records One per abnormal image.
 * @param classes Class names by index, for `byClass`.
 * @returns The scores; rates are `null` when there is no image.
 * @throws {RangeError} For a label outside `classes`.
 * @example
 * ```ts
 * const random = { pointing: 0.1, pointingTolerant: 0.2, energy: 0.1 };
 * summarizeLocalisation([{ label: 1, hit: true, hitTolerant: true, energy: 0.4, random }], ["a", "b"]).pointing; // 1
 * ```
 */
export function summarizeLocalisation(
  records: readonly LocalisationRecord[],
  classes: readonly string[],
): LocalisationScores {
  for (const r of records) {
    if (!(Number.isInteger(r.label) && r.label >= 0 && r.label < classes.length)) {
      throw new RangeError(`A label must index one of the ${classes.length} classes. Received: ${r.label}`);
    }
  }
  const { hits, tolerantHits, ...all } = group(records);
  const byClass: Record<string, LocalisationGroup> = {};
  classes.forEach((name, k) => {
    const of = records.filter((r) => r.label === k);
    if (of.length === 0) return;
    const { hits: _h, tolerantHits: _t, ...g } = group(of);
    byClass[name] = g;
  });
  return { ...all, pointingHits: hits, pointingTolerantHits: tolerantHits, byClass };
}
