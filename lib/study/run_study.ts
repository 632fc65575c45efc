/**
 * A whole study, as the paper runs it and past it: the data and its
 * leakage checks, the seven CNNs, the CNN-SVM hybrid, the ensembles,
 * evaluation with confidence intervals, Grad-CAM galleries with
 * faithfulness scores, one HTML report and a `summary.json`.
 *
 * Every stage writes its own run folder, so an interrupted study resumes
 * (`resume: true`): finished runs are kept, an interrupted one continues
 * from its checkpoint.
 *
 * @module
 */
import { currentBackend } from "../backend.ts";
import { writeFileAtomic } from "../cli.ts";
import { dHash, findNearDuplicates } from "../data/phash.ts";
import { findPatientLeaks } from "../data/split.ts";
import { type DataSpec, loadStudyData, type StudyData } from "../data/study_data.ts";
import { ensembleRuns } from "../ensemble/mod.ts";
import { explainRun } from "../explain/explain_run.ts";
import type { FaithfulnessReport } from "../explain/faithfulness_types.ts";
import { trainHybridRun } from "../hybrid/hybrid_run.ts";
import { writeStudyReport } from "../report/html_report.ts";
import type { StudySummary } from "../report/report_study.ts";
import { compareRuns, type Comparison } from "../train/compare_runs.ts";
import { profileSettings, type TrainSettings } from "../train/profiles.ts";
import { LUMBAR_LAB_VERSION, studySplit } from "../train/run.ts";
import { bestByValidationF1, runCompleted, stageTimer, trainModels } from "./train_models.ts";

/** The seven architectures of the paper, in its order. */
export const PAPER_MODELS = [
  "cnn",
  "alexnet",
  "vgg16",
  "vgg16_involution",
  "resnet50",
  "densenet121",
  "mobilenet",
] as const;

/** Options of {@link runStudy}. */
export interface StudyOptions {
  /** Output folder: `report.html`, `summary.json`, `runs/`. */
  out: string;
  /** Training profile name. Default "quick". */
  profile?: string;
  /** Overrides of the profile's settings. */
  settings?: Partial<TrainSettings>;
  /** Models to train. Default {@link PAPER_MODELS}. */
  models?: readonly string[];
  /** The data. Default the phantom at the profile's size and count. */
  data?: DataSpec;
  /** One seed for everything. Default 42. */
  seed?: number;
  /** Keep finished runs and continue interrupted ones. Default false. */
  resume?: boolean;
  /** Skip stages: "hybrid", "ensemble", "gradcam". */
  skip?: readonly ("hybrid" | "ensemble" | "gradcam")[];
  /** Test images per model for the Grad-CAM galleries and scores. Default 24. */
  gradcamImages?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** `summary.json`. */
export interface StudySummaryJson {
  lumbarLab: string;
  createdAt: string;
  backend: string;
  profile: string;
  settings: TrainSettings;
  seed: number;
  data: DataSpec;
  dataHash: string;
  study: StudySummary;
  /** Wall seconds per stage. */
  seconds: Record<string, number>;
  comparison: Comparison;
  /** Grad-CAM faithfulness per run, when measured. */
  faithfulness: Record<string, FaithfulnessReport>;
  interrupted: boolean;
}

/**
 * Counts per class and split, and every leakage check: patients in two
 * splits, near-duplicate images across splits, classes too small to split.
 */
export async function summarizeStudyData(data: StudyData, seed: number): Promise<StudySummary> {
  const { split, warnings } = studySplit(data, seed);
  const counts: Record<string, Record<string, number>> = {};
  for (const c of data.classes) counts[c] = { train: 0, val: 0, test: 0 };
  for (const key of ["train", "val", "test"] as const) {
    for (const i of split[key]) counts[data.classes[data.items[i].label]][key]++;
  }
  const leaks = findPatientLeaks(data.items, split);
  const hashes = [];
  for (let i = 0; i < data.items.length; i++) hashes.push(dHash(await data.gray(i), data.size, data.size));
  const duplicates = findNearDuplicates(hashes, split);
  const patients = new Set(data.items.map((it, i) => it.patientId ?? `#${i}`)).size;
  const all = [...warnings];
  if (leaks.length > 0) all.push(`${leaks.length} patients appear in more than one split`);
  if (duplicates.length > 0) {
    all.push(`${duplicates.length} near-duplicate image pairs across splits (difference hash within 12 of 256 bits)`);
  }
  const kind = data.spec.kind === "phantom"
    ? "the synthetic phantom (not real anatomy)"
    : `data from ${data.spec.kind === "folder" ? data.spec.path : data.spec.annotations}`;
  return {
    description: `${data.items.length} images of ${patients} patients, ${data.size}x${data.size}, from ${kind}; ` +
      `split 80:10:10 by patient (seed ${seed}): no patient in two splits${
        leaks.length > 0 ? " FAILED" : ", checked"
      }.`,
    counts,
    warnings: all,
    seed,
    patients,
    images: data.items.length,
    patientLeaks: leaks.length,
    nearDuplicatesAcrossSplits: duplicates.length,
    skippedFiles: data.skipped.length,
  };
}

/**
 * Runs the whole study.
 *
 * @returns The summary also written to `summary.json`.
 */
export async function runStudy(options: StudyOptions): Promise<StudySummaryJson> {
  const log = options.log ?? ((line: string) => console.error(line));
  const seed = options.seed ?? 42;
  const profile = options.profile ?? "quick";
  const settings = { ...profileSettings(profile), ...options.settings };
  const models = options.models ?? PAPER_MODELS;
  const skip = new Set(options.skip ?? []);
  const data: DataSpec = options.data ?? {
    kind: "phantom",
    perClass: settings.perClass,
    difficulty: settings.difficulty,
    seed,
  };
  const runsDir = `${options.out}/runs`;
  const { seconds, timed } = stageTimer();

  const studyData = await timed("data", () => loadStudyData(data, settings.size, { cacheDir: "outputs/cache" }));
  const study = await timed("leakage checks", () => summarizeStudyData(studyData, seed));
  log(`[study] ${study.description}`);
  for (const w of study.warnings ?? []) log(`[study] warning: ${w}`);

  const { runs: cnnRuns, interrupted } = await trainModels(models, {
    runsDir,
    tag: "study",
    profile,
    settingsFor: (model) => ({ ...profileSettings(profile, model), ...options.settings }),
    data,
    seed,
    resume: options.resume,
    signal: options.signal,
    log,
    timed,
  });

  const extraRuns: string[] = [];
  if (!interrupted && cnnRuns.length > 0 && !skip.has("hybrid")) {
    // The hybrid's backbone: the CNN with the best validation macro-F1, as a user would pick it.
    const { run: best, valMacroF1: bestF1 } = await bestByValidationF1(cnnRuns);
    const dir = `${runsDir}/${best.split("/").pop()}-svm`;
    if (options.resume && await runCompleted(dir)) extraRuns.push(dir);
    else {
      log(`[study] CNN-SVM hybrid on ${best} (best validation macro-F1 ${bestF1.toFixed(3)})`);
      await timed("hybrid", () => trainHybridRun({ backbone: { run: best }, pca: 0.95, log }, dir));
      extraRuns.push(dir);
    }
  }
  if (!interrupted && cnnRuns.length > 1 && !skip.has("ensemble")) {
    const { results } = await timed("ensemble", () => ensembleRuns(cnnRuns, { out: runsDir, name: "ensemble", log }));
    extraRuns.push(...results.map((r) => r.dir));
  }
  const faithfulness: Record<string, FaithfulnessReport> = {};
  if (!interrupted && !skip.has("gradcam")) {
    for (const dir of cnnRuns) {
      const name = dir.split("/").pop()!;
      const r = await timed(`gradcam ${name}`, () =>
        explainRun(dir, {
          maxImages: options.gradcamImages ?? 24,
          sanityImages: 2,
          sanityMaxLayers: 6,
          deletionImages: 4,
          deletionSteps: 10,
          log,
        }));
      faithfulness[name] = r.report;
    }
  }

  const allRuns = [...cnnRuns, ...extraRuns];
  const comparison = await compareRuns(allRuns);
  if (allRuns.length > 0) {
    await timed("report", () =>
      writeStudyReport(allRuns, `${options.out}/report.html`, {
        title: `Lumbar Lab study: ${models.length} CNNs, hybrid and ensembles (${profile} profile)`,
        study,
      }));
  }
  const summary: StudySummaryJson = {
    lumbarLab: LUMBAR_LAB_VERSION,
    createdAt: new Date().toISOString(),
    backend: currentBackend()?.name ?? "unknown",
    profile,
    settings,
    seed,
    data,
    dataHash: studyData.hash,
    study,
    seconds,
    comparison,
    faithfulness,
    interrupted,
  };
  await writeFileAtomic(`${options.out}/summary.json`, JSON.stringify(summary, null, 2) + "\n");
  return summary;
}
