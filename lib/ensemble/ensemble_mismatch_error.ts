/**
 * The error for runs that cannot be combined.
 *
 * @module
 */

/**
 * Raised when the runs of an ensemble were not trained on the same data, the
 * same split or the same classes: their test probabilities would not be of
 * the same images. The message names the runs that differ.
 *
 * @example
 * ```ts
 * try {
 *   await loadMemberPredictions(["outputs/runs/a", "outputs/runs/b"]);
 * } catch (e) {
 *   e instanceof EnsembleMismatchError; // when a and b differ
 * }
 * ```
 */
export class EnsembleMismatchError extends Error {
  /** The run folders involved. */
  readonly runs: string[];

  /**
   * @param message What differs, naming the runs.
   * @param runs The run folders involved.
   */
  constructor(message: string, runs: readonly string[] = []) {
    super(message);
    this.name = "EnsembleMismatchError";
    this.runs = [...runs];
  }
}
