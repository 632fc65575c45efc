/**
 * Ensembles as runs: soft voting, weighted soft voting and stacking over
 * trained runs, each evaluated like a single model in its own run folder.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { currentBackend } from "../backend.ts";
import { writeFileAtomic } from "../cli.ts";
import { evaluateProbabilities, type Evaluation } from "../train/evaluate.ts";
import { LUMBAR_LAB_VERSION, type RunRecord, writeRunMetrics, writeRunPlots, writeTopLosses } from "../train/run.ts";
import { type EnsembleMember, loadMemberPredictions, type MemberPredictions } from "./member_predictions.ts";
import { softVote } from "./soft_vote.ts";
import { type MetaLearnerName, stackEnsemble } from "./stacking.ts";
import { validationF1Weights } from "./validation_f1_weights.ts";

/** The ensemble methods. */
export type EnsembleMethod = "soft" | "weighted" | "stacking";

/** Every method, in order. */
export const ENSEMBLE_METHODS: readonly EnsembleMethod[] = ["soft", "weighted", "stacking"];

/** Options of {@link ensembleRuns}. */
export interface EnsembleRunsOptions {
  /** Methods to build. Default all three. */
  methods?: readonly EnsembleMethod[];
  /** Parent folder of the ensembles' run folders `<out>/<name>-<method>`. Default `outputs/runs`. */
  out?: string;
  /** Prefix of the run folders. Default "ensemble". */
  name?: string;
  /** Stacking's meta-learner. Default "lr". */
  meta?: MetaLearnerName;
  /** C of the meta-learner. Default 1. */
  C?: number;
  /** Decoded-image cache for on-disk data. Default `outputs/cache`. */
  cacheDir?: string;
  /** Log lines. Default stderr. */
  log?: (line: string) => void;
}

/** One ensemble's outcome. */
export interface EnsembleResult {
  method: EnsembleMethod;
  /** Its run folder. */
  dir: string;
  /** Model name in its config, e.g. `ensemble-soft`. */
  model: string;
  test: Evaluation;
  /** Validation metrics; absent for stacking, whose meta-learner is fitted on validation. */
  val?: Evaluation;
  /** Member weights of the vote (soft, weighted). */
  weights?: number[];
}

/** The ensemble's `config.json`: a run record plus its members and method. */
export interface EnsembleRunRecord extends RunRecord {
  ensemble: {
    method: EnsembleMethod;
    members: { run: string; model: string; kind: "model" | "hybrid"; weight?: number; valMacroF1: number }[];
    weighting?: "equal" | "validation macro-F1";
    meta?: { learner: MetaLearnerName; C: number; trainedOn: "validation"; nTrain: number };
  };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/**
 * Combines trained runs and writes one run folder per method:
 * - `soft`: the mean of the members' test probabilities;
 * - `weighted`: the same, weighted by each member's validation macro-F1;
 * - `stacking`: a meta-learner (multinomial logistic regression, or a linear
 *   SVM) fitted on the members' VALIDATION probabilities only, applied to
 *   their test probabilities.
 *
 * Members are re-predicted from their saved models on the shared split (see
 * {@link loadMemberPredictions}: same data hash and split required). Each
 * folder holds `config.json`, `split.json`, `metrics.json|csv`, the confusion
 * matrix and ROC plots, `top_losses.png`, `status.json`, and for stacking
 * `stacking.json` (the fitted meta-learner).
 *
 * @param runs Two or more run folders.
 * @param options Methods, output folder, meta-learner.
 * @returns The members and each ensemble's evaluation and folder.
 * @throws {EnsembleMismatchError} When the runs differ in data, classes or split.
 * @example
 * ```ts
 * const { results } = await ensembleRuns(["outputs/runs/cnn-quick", "outputs/runs/cnn-quick-svm"]);
 * results.map((r) => [r.method, r.test.accuracy]);
 * ```
 */
export async function ensembleRuns(
  runs: readonly string[],
  options: EnsembleRunsOptions = {},
): Promise<{ members: EnsembleMember[]; results: EnsembleResult[]; predictions: MemberPredictions }> {
  const methods = options.methods ?? ENSEMBLE_METHODS;
  for (const m of methods) {
    if (!ENSEMBLE_METHODS.includes(m)) {
      throw new RangeError(`Unknown ensemble method "${m}". Valid methods are: ${ENSEMBLE_METHODS.join(", ")}`);
    }
  }
  const out = options.out ?? "outputs/runs";
  const name = options.name ?? "ensemble";
  const metaName = options.meta ?? "lr";
  const C = options.C ?? 1;
  const p = await loadMemberPredictions(runs, { cacheDir: options.cacheDir, log: options.log });
  const { members, classes, record: first, data, split } = p;
  const seed = first.seed;
  const patientOf = new Map(data.items.map((it) => [it.id, it.patientId]));
  const evaluate = (labels: number[], probs: number[][], ids: string[]) =>
    evaluateProbabilities(labels, probs, classes, { seed, ids, patients: ids.map((id) => patientOf.get(id)) });

  const results: EnsembleResult[] = [];
  for (const method of methods) {
    const dir = `${out}/${name}-${method}`;
    const model = `${name}-${method}`;
    let test: Evaluation, val: Evaluation | undefined, weights: number[] | undefined;
    let meta: EnsembleRunRecord["ensemble"]["meta"];
    let metaJson: unknown;
    if (method === "stacking") {
      const stacked = stackEnsemble(p.val, p.test, { meta: metaName, numClasses: classes.length, C, seed });
      test = evaluate(p.test.labels, stacked.probs, p.test.ids);
      meta = { learner: metaName, C, trainedOn: "validation", nTrain: stacked.trainedOn.length };
      metaJson = { learner: metaName, trainedOn: stacked.trainedOn, model: stacked.meta.toJSON() };
    } else {
      weights = method === "weighted"
        ? validationF1Weights(members.map((m) => m.valMacroF1))
        : members.map(() => 1 / members.length);
      test = evaluate(p.test.labels, softVote(p.test.probs, weights), p.test.ids);
      val = evaluate(p.val.labels, softVote(p.val.probs, weights), p.val.ids);
    }
    const backend = currentBackend();
    const record: EnsembleRunRecord = {
      ...first,
      model,
      profile: "ensemble",
      createdAt: new Date().toISOString(),
      versions: { lumbarLab: LUMBAR_LAB_VERSION, tfjs: tf.version.tfjs, deno: Deno.version.deno, v8: Deno.version.v8 },
      backend: { name: backend?.name ?? tf.getBackend(), reason: backend?.reason },
      parameters: members.reduce((a, m) => a + (m.record.parameters ?? 0), 0),
      ensemble: {
        method,
        members: members.map((m, i) => ({
          run: m.dir,
          model: m.model,
          kind: m.kind,
          weight: weights?.[i],
          valMacroF1: m.valMacroF1,
        })),
        weighting: method === "soft" ? "equal" : method === "weighted" ? "validation macro-F1" : undefined,
        meta,
      },
    };
    await Deno.mkdir(dir, { recursive: true });
    await writeJson(`${dir}/config.json`, record);
    await writeJson(`${dir}/split.json`, p.splitIds);
    await writeRunMetrics(dir, model, test, val, {
      ensemble: record.ensemble,
      members: members.map((m) => ({
        run: m.dir,
        model: m.model,
        testAccuracy: m.testAccuracy,
        testMacroF1: m.testMacroF1,
        valAccuracy: m.valAccuracy,
        valMacroF1: m.valMacroF1,
      })),
      ...(method === "stacking" ? { valNote: "no validation metrics: the meta-learner is fitted on validation" } : {}),
    });
    if (metaJson) await writeJson(`${dir}/stacking.json`, metaJson);
    await writeRunPlots(dir, [], test);
    await writeTopLosses(dir, data, test, (k) => split.test[k]);
    await writeJson(`${dir}/status.json`, { state: "completed", epoch: 0, updatedAt: new Date().toISOString() });
    results.push({ method, dir, model, test, val, weights });
  }
  return { members, results, predictions: p };
}
