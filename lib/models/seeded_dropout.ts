/**
 * Dropout whose masks follow a seed.
 *
 * tfjs' own Dropout, given a seed, draws the same mask at every step (it
 * re-seeds its generator on each call), which silently turns dropout into a
 * fixed pruning; without a seed it uses Math.random and runs do not repeat.
 * This layer draws mask k from `seed + k`, so a run repeats exactly and masks
 * still change every step.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Constructor arguments of {@link SeededDropout}. */
export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
  /** Masks drawn so far; saved so that a resumed run continues the sequence. */
  step?: number;
}

/** Dropout with a seeded, per-step mask sequence. Serializable as `SeededDropout`. */
export class SeededDropout extends tf.layers.Layer {
  /** Registered class name for model serialization. */
  static className = "SeededDropout";
  readonly rate: number;
  readonly seed: number;
  /** Masks drawn so far. */
  step: number;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new RangeError(`Dropout rate must be in [0, 1). Received: rate=${args.rate}`);
    }
    this.rate = args.rate;
    this.seed = args.seed;
    this.step = args.step ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return tf.clone(x);
    const seed = this.seed + this.step++;
    return tf.tidy(() => {
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, "float32", seed), this.rate), "float32");
      return tf.mul(x, tf.div(keep, 1 - this.rate));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, step: this.step };
  }
}

tf.serialization.registerClass(SeededDropout);
