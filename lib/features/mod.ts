/**
 * Handcrafted image features for the CNN-SVM hybrid: GLCM texture (Haralick
 * 1973), uniform LBP histograms (Ojala et al. 2002), HOG (Dalal & Triggs
 * 2005) and intensity statistics, following scikit-image's definitions.
 * Pure TypeScript over typed arrays, no tensors.
 *
 * ```ts
 * import { extractHandcraftedFeatureMatrix } from "./lib/features/mod.ts";
 * const { features, names } = extractHandcraftedFeatureMatrix(phantomItems); // 968 columns at 96x96
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./to_gray_image_data.ts";
export * from "./quantize_gray.ts";
export * from "./gray_co_matrix.ts";
export * from "./gray_co_props.ts";
export * from "./glcm_features.ts";
export * from "./local_binary_pattern.ts";
export * from "./lbp_features.ts";
export * from "./hog_features.ts";
export * from "./intensity_features.ts";
export * from "./extract_handcrafted_features.ts";
export * from "./extract_handcrafted_feature_matrix.ts";
