import type * as tf from "@tensorflow/tfjs";

/** Keras-style options shared by every architecture. */
export interface ModelOptions {
  /** Input `[height, width, channels]`. Default `[224, 224, 3]`. */
  inputShape?: [number, number, number];
  /** Classes of the classifier head. Default 4. */
  numClasses?: number;
  /** Add the classifier head. Default true. */
  includeTop?: boolean;
  /** Global pooling of the last feature map when `includeTop` is false. */
  pooling?: "avg" | "max";
  /** Dropout rate before the classifier. Default depends on the model. */
  dropout?: number;
  /** Seed for weight initialisation. Default 42. */
  seed?: number;
}

/** A built model and the facts tools need about it. */
export interface BuiltModel {
  /** Registry name, e.g. `cnn`. */
  name: string;
  model: tf.LayersModel;
  /** The last spatial feature map: Grad-CAM's default target layer. */
  gradCamLayer: string;
}

/** Builds one architecture. */
export type ModelBuilder = (options?: ModelOptions) => BuiltModel;
