/**
 * Parameter checks shared by the transforms (internal; not re-exported).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { NumberRange } from "./types.ts";

/**
 * Turns a range option into `[lo, hi]`, checking it.
 *
 * A single number `d` means `[centre - d, centre + d]`, so `rotation: 10` is
 * `[-10, 10]` degrees and `contrast: 0.2` is `[0.8, 1.2]`.
 *
 * @param name Option name, for the error message.
 * @param value The option as given.
 * @param centre The no-op value the symmetric form is centred on.
 * @param min Lower bound of both ends.
 * @param strict Whether `min` itself is excluded (a zoom must stay above 0). Default false.
 * @returns The checked range.
 * @throws {RangeError} When the range is reversed, not finite, or below `min`.
 */
export function toRange(
  name: string,
  value: number | NumberRange,
  centre: number,
  min = -Infinity,
  strict = false,
): NumberRange {
  const range: NumberRange = typeof value === "number" ? [centre - value, centre + value] : value;
  const [lo, hi] = range;
  if (
    range.length !== 2 || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi ||
    (typeof value === "number" && value < 0)
  ) {
    throw new RangeError(
      `${name} must be a non-negative number or a range [lo, hi] with lo <= hi. Received: ${name}=${
        JSON.stringify(value)
      }`,
    );
  }
  if (strict ? lo <= min : lo < min) {
    throw new RangeError(
      `${name} must stay ${strict ? "above" : "at or above"} ${min}. Received: ${name}=${JSON.stringify(value)}`,
    );
  }
  return [lo, hi];
}

/**
 * Checks that a tensor is a batch of images `[N, H, W, C]`.
 *
 * @param name The transform, for the error message.
 * @param batch The tensor to check.
 * @throws {RangeError} When the rank is not 4.
 */
export function checkBatch(name: string, batch: tf.Tensor): void {
  if (batch.rank !== 4) {
    throw new RangeError(`${name}() needs a batch [N, H, W, C]. Received: shape [${batch.shape.join(", ")}]`);
  }
}
