/**
 * Lumbar Lab's public API in one import, for scripts and notebooks:
 *
 * ```ts
 * import { createModel, initBackend, runStudy, trainRun } from "./lib/mod.ts";
 * ```
 *
 * Whole areas come in full (models, metrics, features, SVM, hybrid,
 * ensembles, Grad-CAM, augmentation); the rest by its entry points. Charts
 * are under `charts` (their `RocCurve` is a drawing, the metrics' one the
 * numbers). Deeper modules stay importable by path.
 *
 * @module
 */
export { currentBackend, initBackend } from "./backend.ts";
export { fusedKernelsEnabled, setFusedKernels } from "./backend/fused_kernels.ts";
export { createRng } from "./random.ts";

export * from "./models/mod.ts";
export * from "./augment/mod.ts";
export * from "./metrics/mod.ts";
export * from "./features/mod.ts";
export * from "./svm/mod.ts";
export * from "./hybrid/mod.ts";
export * from "./ensemble/mod.ts";
export * from "./explain/mod.ts";
export * as charts from "./report/charts/mod.ts";

export { CLASSES, type ClassName, generatePhantom, type PhantomImage, type PhantomOptions } from "./data/phantom.ts";
export { DatasetError, loadDataset, type LoadedDataset } from "./data/dataset.ts";
export { decodeDicom, DicomError, type DicomImage } from "./data/dicom.ts";
export { type DataSpec, loadStudyData, type StudyData } from "./data/study_data.ts";

export { PROFILE_NAMES, type ProfileName, profileSettings, type TrainSettings } from "./train/profiles.ts";
export { type RunConfig, type RunRecord, type RunResult, trainRun } from "./train/run.ts";
export { evaluateRun, readRunRecord } from "./train/evaluate_run.ts";
export { evaluateProbabilities, type Evaluation } from "./train/evaluate.ts";
export { compareRuns, type Comparison } from "./train/compare_runs.ts";
export { predictImages } from "./train/predict_images.ts";
export { leanAdam, LeanAdamOptimizer } from "./train/lean_adam.ts";
export { notebookProgress, terminalProgress } from "./train/progress.ts";
export { loadModel, saveModel } from "./train/save.ts";

export { writeStudyReport } from "./report/html_report.ts";
export { show } from "./report/notebook.ts";
export { PAPER_MODELS, runStudy } from "./study/run_study.ts";
export { benchReal } from "./study/bench_real.ts";
