/**
 * Option checks shared by the model builders.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** The options every builder checks. */
export interface CheckedOptions {
  inputShape: readonly number[];
  numClasses?: number;
  pooling?: unknown;
  dropout?: number;
}

/**
 * Checks Keras-style options the way Keras Applications does, repeating the
 * bad value in the message.
 *
 * @param model The model's name, for the message.
 * @param minSize Smallest height and width the architecture accepts.
 * @throws {RangeError} For a too-small input, a bad class count, pooling or dropout rate.
 */
export function checkModelOptions(model: string, o: CheckedOptions, minSize: number): void {
  const [h, w] = o.inputShape;
  if (o.inputShape.length !== 3 || !(h >= minSize && w >= minSize)) {
    throw new RangeError(
      `${model} needs an input of at least ${minSize}x${minSize} pixels. Received: inputShape=${
        JSON.stringify(o.inputShape)
      }`,
    );
  }
  if (o.numClasses != null && (!Number.isInteger(o.numClasses) || o.numClasses < 1)) {
    throw new RangeError(`numClasses must be a positive integer. Received: numClasses=${o.numClasses}`);
  }
  if (o.pooling != null && o.pooling !== "avg" && o.pooling !== "max") {
    throw new RangeError(`Invalid pooling for ${model}. Valid values are: avg, max. Received: pooling=${o.pooling}`);
  }
  if (o.dropout != null && !(o.dropout >= 0 && o.dropout < 1)) {
    throw new RangeError(`Dropout rate must be in [0, 1). Received: dropout=${o.dropout}`);
  }
}

/** Applies a layer to one symbolic tensor (or several), typed for the functional API. */
export function applyLayer(
  layer: tf.layers.Layer,
  x: tf.SymbolicTensor | tf.SymbolicTensor[],
): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}

/**
 * Keras' `pooling` option for a headless model: global average ("avg_pool")
 * or max ("max_pool") pooling, or the feature map unchanged.
 */
export function globalPool(x: tf.SymbolicTensor, pooling: "avg" | "max" | undefined): tf.SymbolicTensor {
  if (pooling === "avg") return applyLayer(tf.layers.globalAveragePooling2d({ name: "avg_pool" }), x);
  if (pooling === "max") return applyLayer(tf.layers.globalMaxPooling2d({ name: "max_pool" }), x);
  return x;
}

/** The softmax classifier every model ends in, named "predictions" as in Keras. */
export function predictionsLayer(numClasses: number, seed: number): tf.layers.Layer {
  return tf.layers.dense({
    units: numClasses,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    name: "predictions",
  });
}
