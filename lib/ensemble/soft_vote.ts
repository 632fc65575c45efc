/**
 * Soft voting: the (weighted) mean of the members' class probabilities.
 *
 * @module
 */

/**
 * Averages the class probabilities of several models, image by image:
 * `p[i][c] = sum_m w_m * probs[m][i][c] / sum_m w_m`. With equal weights
 * that is plain soft voting; pass the members' validation macro-F1 (see
 * {@link validationF1Weights}) for the weighted vote. Each row is then
 * renormalised to sum to exactly 1 (rounding only).
 *
 * @param probs `probs[m][i][c]`: member m's probability of class c for image i; same shape for every member.
 * @param weights One non-negative weight per member, not all zero. Default: equal.
 * @returns One row per image.
 * @throws {RangeError} When there is no member, the shapes differ, or the weights are invalid.
 * @example
 * ```ts
 * softVote([[[0.8, 0.2]], [[0.4, 0.6]]]); // [[0.6, 0.4]]
 * softVote([[[0.8, 0.2]], [[0.4, 0.6]]], [3, 1]); // [[0.7, 0.3]]
 * ```
 */
export function softVote(
  probs: readonly (readonly (readonly number[])[])[],
  weights?: readonly number[],
): number[][] {
  const m = probs.length;
  if (m === 0) throw new RangeError("softVote() needs at least one member");
  const n = probs[0].length, k = probs[0][0]?.length ?? 0;
  probs.forEach((p, j) => {
    if (p.length !== n || p.some((row) => row.length !== k)) {
      throw new RangeError(
        `softVote(): member ${j} has ${p.length} rows of ${p[0]?.length} classes; member 0 has ${n} rows of ${k}`,
      );
    }
  });
  const w = weights ? [...weights] : new Array<number>(m).fill(1);
  if (w.length !== m || w.some((v) => !(v >= 0 && Number.isFinite(v)))) {
    throw new RangeError(`softVote() needs ${m} non-negative finite weights. Received: [${w.join(", ")}]`);
  }
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError("softVote(): the weights are all zero");
  return Array.from({ length: n }, (_, i) => {
    const row = new Array<number>(k).fill(0);
    for (let j = 0; j < m; j++) for (let c = 0; c < k; c++) row[c] += (w[j] / total) * probs[j][i][c];
    const s = row.reduce((a, b) => a + b, 0);
    return s > 0 ? row.map((v) => v / s) : row;
  });
}
