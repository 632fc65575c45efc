/**
 * The CNN-SVM hybrid: global-pooled CNN features of a trained run's backbone
 * (or of fresh or pretrained weights) joined with handcrafted features
 * (`lib/features/`), standardised ({@link StandardScaler}), optionally reduced
 * by PCA ({@link PcaReducer}, `ml-pca`), and classified by an SVM
 * (`SvmClassifier`, scikit-learn's SVC) whose C and gamma are chosen by
 * stratified cross-validation on the training split.
 *
 * ```ts
 * import { HybridClassifier, trainHybridRun } from "./lib/hybrid/mod.ts";
 * await trainHybridRun({ backbone: { run: "outputs/runs/cnn-quick" }, pca: 0.95 }, "outputs/runs/cnn-quick-svm");
 * const hybrid = await HybridClassifier.load("outputs/runs/cnn-quick-svm");
 * const probs = await hybrid.predictProba(grayImages); // Float32Array of size*size each
 * hybrid.dispose();
 * ```
 *
 * @module
 */
export * from "./standard_scaler.ts";
export * from "./pca_reducer.ts";
export * from "./explained_variance_chart.ts";
export * from "./pooled_feature_model.ts";
export * from "./cnn_features.ts";
export * from "./hybrid_head.ts";
export * from "./hybrid_classifier.ts";
export * from "./hybrid_ablation.ts";
export * from "./run_data.ts";
export * from "./hybrid_run.ts";
export * from "./hybrid_class_score.ts";
export * from "./hybrid_grad_cam.ts";
