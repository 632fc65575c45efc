/**
 * The model registry: every architecture by name.
 *
 * @module
 */
import { createCnn } from "./cnn.ts";
import type { BuiltModel, ModelBuilder, ModelOptions } from "./types.ts";

export type { BuiltModel, ModelBuilder, ModelOptions } from "./types.ts";
export { createCnn } from "./cnn.ts";

const REGISTRY: Record<string, ModelBuilder> = {
  cnn: createCnn,
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
