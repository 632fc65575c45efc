/**
 * Helpers shared by the feature extractors (not part of the public API).
 *
 * @module
 */

/**
 * Throws a `TypeError` naming the first key of `options` that is not in `allowed`.
 *
 * @param caller Function name for the message, e.g. `glcmFeatures()`.
 * @param options The options object (may be undefined).
 * @param allowed The keys the function knows.
 */
export function checkOptionKeys(caller: string, options: object | undefined, allowed: readonly string[]): void {
  if (options == null) return;
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`Unknown option "${key}" for ${caller}. Valid options are: ${allowed.join(", ")}`);
    }
  }
}

/**
 * Checks that `value` is an integer in `[min, max]` and returns it.
 *
 * @param caller Function name for the message.
 * @param name Option name for the message.
 * @param value The value to check.
 * @param min Smallest allowed value.
 * @param max Largest allowed value. Default `Infinity`.
 * @returns `value`.
 */
export function checkInteger(caller: string, name: string, value: number, min: number, max = Infinity): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `at least ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${caller} needs ${name} to be an integer ${range}. Received: ${name}=${value}`);
  }
  return value;
}

/**
 * Rounds half away from zero and truncates to an integer, as scikit-image's
 * `_shared/interpolation.pxd` `round()` does (used for GLCM pixel offsets).
 *
 * @param x The value to round.
 * @returns The nearest integer, ties away from zero.
 */
export function roundHalfAway(x: number): number {
  return x > 0 ? Math.trunc(x + 0.5) : Math.trunc(x - 0.5);
}

/**
 * Formats a number for a feature name: integers plainly, others with up to
 * four decimals, e.g. `45`, `22.5`.
 *
 * @param x The number.
 * @returns Its short text form.
 */
export function nameNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(4)));
}
