/**
 * Member weights for the weighted soft vote.
 *
 * @module
 */

/**
 * Normalised voting weights from each member's validation macro-F1:
 * `w_m = F1_m / sum F1`. Members that all score 0 get equal weights.
 *
 * @param f1s Validation macro-F1 per member, each in [0, 1].
 * @returns Weights summing to 1, in member order.
 * @throws {RangeError} For no member or a value outside [0, 1].
 * @example
 * ```ts
 * validationF1Weights([0.6, 0.2]); // [0.75, 0.25]
 * ```
 */
export function validationF1Weights(f1s: readonly number[]): number[] {
  if (f1s.length === 0) throw new RangeError("validationF1Weights() needs at least one member");
  if (f1s.some((v) => !(v >= 0 && v <= 1))) {
    throw new RangeError(`Macro-F1 values must lie in [0, 1]. Received: [${f1s.join(", ")}]`);
  }
  const total = f1s.reduce((a, b) => a + b, 0);
  return total > 0 ? f1s.map((v) => v / total) : f1s.map(() => 1 / f1s.length);
}
