/**
 * The model registry: every architecture by name.
 *
 * @module
 */
import { createCnn } from "./cnn.ts";
import { createVgg16 } from "./vgg.ts";
import { createMobileNet, createMobileNetV2 } from "./mobilenet.ts";
import { createAlexNet } from "./alexnet.ts";
import { createResNet50 } from "./resnet.ts";
import { createDenseNet121 } from "./densenet.ts";
import { createVgg16Involution } from "./vgg_involution.ts";
import type { BuiltModel, ModelBuilder, ModelOptions } from "./types.ts";

export type { BuiltModel, ModelBuilder, ModelOptions } from "./types.ts";
export { createCnn } from "./cnn.ts";
export { createVgg16 } from "./vgg.ts";
export { createMobileNet, createMobileNetV2 } from "./mobilenet.ts";
export { createAlexNet } from "./alexnet.ts";
export { createResNet50 } from "./resnet.ts";
export { createDenseNet121 } from "./densenet.ts";
export { createVgg16Involution } from "./vgg_involution.ts";
export { Involution, type InvolutionArgs } from "./involution.ts";
export { loadWeights, type LoadWeightsOptions, WeightsMismatchError } from "./weights.ts";

const REGISTRY: Record<string, ModelBuilder> = {
  cnn: createCnn,
  alexnet: createAlexNet,
  vgg16: createVgg16,
  vgg16_involution: createVgg16Involution,
  mobilenet: createMobileNet,
  mobilenet_v2: createMobileNetV2,
  resnet50: createResNet50,
  densenet121: createDenseNet121,
};

/**
 * Names of the registered architectures.
 *
 * @returns Sorted names, e.g. `["cnn"]`.
 */
export function listModels(): string[] {
  return Object.keys(REGISTRY).sort();
}

/**
 * Builds a registered architecture by name.
 *
 * @param name A name from {@link listModels}.
 * @param options Keras-style options.
 * @throws {RangeError} For an unknown name, listing the valid names.
 */
export function createModel(name: string, options?: ModelOptions): BuiltModel {
  const builder = REGISTRY[name];
  if (builder == null) {
    throw new RangeError(
      `Unknown model "${name}". Valid models are: ${listModels().join(", ")}`,
    );
  }
  return builder(options);
}
