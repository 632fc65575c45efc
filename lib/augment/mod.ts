/**
 * Seeded data augmentation for training: each transform draws per-image
 * parameters from a seed, and {@link compose} passes one seed down a chain,
 * so an augmented batch repeats exactly.
 *
 * ```ts
 * import { createAugmentation } from "./lib/augment/mod.ts";
 * const augment = createAugmentation({ zoom: [1, 1.2], rotation: 10, contrast: 0.2 });
 * const xb = augment.apply(batch, 42); // caller disposes xb
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./compose.ts";
export * from "./random_affine.ts";
export * from "./random_zoom.ts";
export * from "./random_rotation.ts";
export * from "./random_flip.ts";
export * from "./random_contrast.ts";
export * from "./create_augmentation.ts";
