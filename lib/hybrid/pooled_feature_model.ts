/**
 * The CNN half of the hybrid: a trained (or fresh, or pretrained) network cut
 * at its global-pooled features.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** What {@link pooledFeatureModel} returns. */
export interface PooledFeatureModel {
  /** Image in, `[batch, dim]` features out; shares its layers (and weights) with the source model. */
  model: tf.LayersModel;
  /** The layer whose output the features are: a global pooling layer of the source model, or the one added. */
  layerName: string;
  /** Feature count. */
  dim: number;
  /** The source model had no global pooling: a global average pooling was added after `spatialLayer`. */
  addedPooling: boolean;
  /** With `addedPooling`, the spatial layer pooled. */
  spatialLayer?: string;
}

const POOLING = new Set(["GlobalAveragePooling2D", "GlobalMaxPooling2D"]);

/** Every symbolic tensor the model's outputs depend on (this model's own nodes only). */
function graphTensors(model: tf.LayersModel): tf.SymbolicTensor[] {
  const seen = new Set<number>();
  const out: tf.SymbolicTensor[] = [];
  const stack = [...model.outputs];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    out.push(t);
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (node != null) stack.push(...node.inputTensors);
  }
  return out;
}

/**
 * The equivalent of Keras' `includeTop: false, pooling: "avg"` for a model
 * that has its classifier: the output of its last global pooling layer
 * (`avg_pool` of the CNN, ResNet and DenseNet, `global_average_pooling2d`
 * of the MobileNets), which is what feeds the `predictions` head (through
 * dropout). A model without one (VGG16 and AlexNet flatten instead) gets a
 * new global average pooling of its last spatial feature map, as Keras'
 * `VGG16(include_top=False, pooling="avg")` does. A model that already ends
 * in pooled features is used as it is.
 *
 * The returned model shares the source model's layers: disposing either
 * disposes the weights of both, so dispose only one of them (the source
 * model, or the feature model when it is the only one kept).
 *
 * @param model A trained or built functional model with one image input.
 * @returns The feature model and the layer it ends at.
 * @throws {RangeError} When the model has neither global pooling nor a spatial layer.
 * @example
 * ```ts
 * const run = await loadModel("outputs/runs/cnn-quick/model");
 * const { model: features, layerName, dim } = pooledFeatureModel(run); // "avg_pool", 128
 * ```
 */
export function pooledFeatureModel(model: tf.LayersModel): PooledFeatureModel {
  const tensors = graphTensors(model);
  const order = new Map(model.layers.map((l, i) => [l.name, i]));
  const rank = (t: tf.SymbolicTensor) => order.get(t.sourceLayer.name) ?? -1;
  const pooled = tensors.filter((t) => POOLING.has(t.sourceLayer.getClassName()) && t.rank === 2)
    .sort((a, b) => rank(b) - rank(a))[0];
  if (pooled) {
    return {
      model: tf.model({ inputs: model.inputs, outputs: pooled, name: `${model.name}_features` }),
      layerName: pooled.sourceLayer.name,
      dim: pooled.shape[1] as number,
      addedPooling: false,
    };
  }
  const spatial = tensors.filter((t) => t.rank === 4 && t.sourceLayer.getClassName() !== "InputLayer")
    .sort((a, b) => rank(b) - rank(a))[0];
  if (!spatial) {
    throw new RangeError(
      `Model "${model.name}" has no global pooling layer and no spatial feature map to pool: cannot take CNN features`,
    );
  }
  const gap = tf.layers.globalAveragePooling2d({ name: "features_avg_pool" });
  const out = gap.apply(spatial) as tf.SymbolicTensor;
  return {
    model: tf.model({ inputs: model.inputs, outputs: out, name: `${model.name}_features` }),
    layerName: "features_avg_pool",
    dim: out.shape[1] as number,
    addedPooling: true,
    spatialLayer: spatial.sourceLayer.name,
  };
}
