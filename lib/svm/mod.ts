/**
 * Support vector machines for Lumbar Lab: `SvmClassifier`, a TypeScript port
 * of scikit-learn's SVC (its libsvm C-SVC, bit for bit on our fixtures:
 * predictions, decision values, support vectors, dual coefficients and
 * predict_proba), plus stratified folds and a C × gamma grid search.
 *
 * @example
 * ```ts
 * import { gridSearchSvm, SvmClassifier } from "./lib/svm/mod.ts";
 *
 * const clf = new SvmClassifier({ kernel: "rbf", C: 10, probability: true }).fit(X, y);
 * clf.predict(Xtest);
 * clf.predictProba(Xtest);
 * await Deno.writeTextFile("svm.json", JSON.stringify(clf.toJSON()));
 *
 * const { bestParams, bestEstimator } = gridSearchSvm(X, y, { Cs: [1, 10], gammas: ["scale", 0.01] });
 * ```
 *
 * @module
 */

export * from "./svm_classifier.ts";
export * from "./not_fitted_error.ts";
export * from "./grid_search_svm.ts";
export * from "./stratified_k_fold.ts";
