/**
 * Ensembles of trained runs: soft voting (optionally weighted by validation
 * macro-F1) and stacking with a meta-learner fitted on the validation
 * split's probabilities only, each evaluated like a single model.
 *
 * ```ts
 * import { ensembleRuns } from "./lib/ensemble/mod.ts";
 * const { results } = await ensembleRuns(["outputs/runs/cnn-quick", "outputs/runs/cnn-quick-svm"], {
 *   methods: ["soft", "weighted", "stacking"],
 * });
 * ```
 *
 * @module
 */
export * from "./soft_vote.ts";
export * from "./validation_f1_weights.ts";
export * from "./logistic_regression.ts";
export * from "./stacking.ts";
export * from "./ensemble_mismatch_error.ts";
export * from "./member_predictions.ts";
export * from "./ensemble_run.ts";
