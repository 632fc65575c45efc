/**
 * Explainability: Grad-CAM and Grad-CAM++ on every architecture (branched
 * ones included), Grad-CAM through an SVM on CNN features, heatmap overlays
 * and galleries as PNG, and faithfulness metrics (pointing game, energy in
 * mask, random-map baseline, Adebayo's cascading randomisation, deletion and
 * insertion).
 *
 * Everything returns plain arrays and numbers: no tensors escape, nothing to dispose.
 *
 * @example
 * ```ts
 * import { createModel } from "../models/mod.ts";
 * import { gradCam, heatmapOverlayPng } from "./mod.ts";
 *
 * const built = createModel("resnet50", { inputShape: [64, 64, 3] });
 * const { heatmap, width, height, classIndex } = await gradCam(built, image);
 * const png = await heatmapOverlayPng({ width, height, data: gray }, heatmap, { colormap: "inferno" });
 * ```
 *
 * @module
 */
export { gradCam } from "./grad_cam.ts";
export { gradCamPlusPlus } from "./grad_cam_plus_plus.ts";
export {
  gradCamThroughFeatures,
  type GradCamThroughFeaturesOptions,
  type GradCamThroughFeaturesResult,
} from "./grad_cam_through_features.ts";
export { linearSvmScore } from "./linear_svm_score.ts";
export { rbfSvmScore } from "./rbf_svm_score.ts";
export {
  CAM_METHODS,
  type CamMethod,
  type CamResult,
  type ExplainableModel,
  type GradCamOptions,
  type GradCamResult,
} from "./types.ts";
export { type FeatureGradients, featureGradients, type FeatureGradientsOptions } from "./feature_gradients.ts";
export { executeGraph, type ExecuteGraphOptions } from "./execute_graph.ts";
export { findLayerOutput, spatialLayerNames } from "./find_layer_output.ts";
export { camWeights, type FeatureShape, weightedCam } from "./cam_weights.ts";
export { resizeBilinear } from "./resize_bilinear.ts";
export { ExplainError } from "./explain_error.ts";
export { colormap, type ColormapName, COLORMAPS } from "./colormap.ts";
export {
  type GrayscaleImage,
  type HeatmapOverlayOptions,
  heatmapOverlayPng,
  heatmapOverlayRgb,
} from "./heatmap_overlay_png.ts";
export { type GalleryOptions, galleryPng, type GalleryTile } from "./gallery_png.ts";
export { pointingGame, type PointingGameOptions } from "./pointing_game.ts";
export { energyInMask } from "./energy_in_mask.ts";
export {
  type BaselineValue,
  type RandomMapBaseline,
  randomMapBaseline,
  type RandomMapBaselineOptions,
} from "./random_map_baseline.ts";
export { spearman } from "./spearman.ts";
export {
  type CascadeStep,
  cloneModel,
  sanityCheckCascade,
  type SanityCheckCascadeOptions,
  type SanityCheckCascadeResult,
} from "./sanity_check_cascade.ts";
export {
  deletionInsertion,
  type DeletionInsertionOptions,
  type DeletionInsertionResult,
  type SaliencyCurve,
} from "./deletion_insertion.ts";
export type * from "./faithfulness_types.ts";
export * from "./format_faithfulness.ts";
export * from "./annotated_overlay_png.ts";
export * from "./class_gallery_png.ts";
// explainRun (explain_run.ts) reads run folders through lib/train, which imports this module: import it directly.
