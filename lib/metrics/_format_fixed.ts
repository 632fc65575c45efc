/**
 * Python's `format(x, ".{digits}f")`, which JavaScript's `toFixed` does not match: Python rounds the exact
 * binary value half to even (`0.125` -> `"0.12"`), `toFixed` rounds halves up (`"0.13"`). Internal to
 * lib/metrics.
 *
 * @module
 */

/**
 * Formats a number with a fixed count of decimals exactly as Python's `"{:.{digits}f}"` does.
 *
 * @param x Any number; NaN and infinities print as Python's `nan`, `inf`, `-inf`.
 * @param digits Decimals, a non-negative integer.
 * @returns The decimal text, with a leading `-` for negative values (including `-0.0`, as Python).
 * @throws {RangeError} When `digits` is not a non-negative integer.
 * @example
 * ```ts
 * formatFixed(0.125, 2); // "0.12"
 * formatFixed(0.375, 2); // "0.38"
 * ```
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0) {
    throw new RangeError(`digits must be a non-negative integer. Received: digits=${digits}`);
  }
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const negative = x < 0 || Object.is(x, -0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  // |x| = mantissa * 2^exponent exactly; round mantissa * 10^digits * 2^exponent to an integer.
  const scaled = mantissa * 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) {
    q = scaled << BigInt(exponent);
  } else {
    const shift = BigInt(-exponent);
    q = scaled >> shift;
    const rem = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  let text = q.toString();
  if (digits > 0) {
    text = text.padStart(digits + 1, "0");
    text = `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }
  return negative ? `-${text}` : text;
}
