/**
 * Fake run folders for the report's unit tests (not re-exported): the files
 * `deno task train` writes, with made-up numbers, in a few milliseconds.
 *
 * @module
 */
import sharp from "sharp";

/** Options of {@link writeFakeRun}. */
export interface FakeRunOptions {
  model?: string;
  classes?: string[];
  /** Test accuracy (also the other metrics, scaled). Default 0.75. */
  accuracy?: number;
  /** Leave out metrics.json (an unfinished run): writes status `interrupted`. */
  noMetrics?: boolean;
  /** Add gradcam/ with a gallery, faithfulness.json and the faithfulness in metrics.json. */
  gradcam?: boolean;
  /** Extra keys merged into config.json (e.g. `ensemble`, `split`). */
  config?: Record<string, unknown>;
  dataHash?: string;
}

/** A PNG of `width x height`, grey. */
export async function fakePng(width: number, height: number): Promise<Uint8Array> {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
  return new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer());
}

const ci = (estimate: number) => ({
  estimate,
  low: Math.max(0, estimate - 0.2),
  high: Math.min(1, estimate + 0.15),
  confidence: 0.95,
  iterations: 2000,
});

/** A faithfulness report as `explainRun` writes it, for two methods. */
export function fakeFaithfulness(model: string): Record<string, unknown> {
  const method = (name: string, pointing: number, passed: boolean) => ({
    method: name,
    localisation: {
      n: 6,
      pointing,
      pointingTolerant: pointing + 0.1,
      energy: 0.3,
      emptyMaps: 0,
      random: { pointing: 0.1, pointingTolerant: 0.2, energy: 0.1 },
      pointingHits: 3,
      pointingTolerantHits: 4,
      byClass: {},
    },
    deletionInsertion: {
      images: 4,
      fractions: [0, 0.5, 1],
      deletionCurve: [0.9, 0.4, 0.2],
      insertionCurve: [0.2, 0.6, 0.9],
      deletionAuc: 0.35,
      insertionAuc: 0.7,
    },
    sanity: {
      images: 2,
      constantOriginal: 0,
      layers: ["predictions"],
      layersWithWeights: 1,
      meanSpearman: [0.2],
      final: passed ? 0.2 : 0.9,
      threshold: 0.5,
      passed,
      verdict: passed ? "pass: the maps change" : "FAIL: the maps <stay> the same",
    },
    msPerMap: 12.4,
  });
  return {
    run: "x",
    model,
    size: 32,
    layerName: "block4_relu",
    featureMap: { width: 4, height: 4 },
    classes: ["a", "b"],
    images: { explained: 8, abnormal: 6, correct: 5, notInTest: 0 },
    localisationClass: "true",
    tolerancePx: 1.5,
    settings: {},
    randomBaseline: {
      localisation: { pointing: 0.1, pointingTolerant: 0.2, energy: 0.1 },
      deletionInsertion: { deletionAuc: 0.5, insertionAuc: 0.5 },
    },
    methods: [method("gradcam", 0.5, true), method("gradcam++", 0.05, false)],
    warnings: ["Only 6 abnormal images: the pointing game is coarse"],
    timings: {},
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}

/**
 * Writes a run folder: `config.json`, `status.json`, `history.json`,
 * `metrics.json` (test results with intervals, ROC, confusion matrix,
 * most confused, top losses) and `top_losses.png`; optionally `gradcam/`.
 *
 * @param dir The folder (created).
 * @param options What to write.
 */
export async function writeFakeRun(dir: string, options: FakeRunOptions = {}): Promise<void> {
  const model = options.model ?? "cnn";
  const classes = options.classes ?? ["Healthy", "Herniated disk"];
  const acc = options.accuracy ?? 0.75;
  await Deno.mkdir(dir, { recursive: true });
  const write = (name: string, v: unknown) => Deno.writeTextFile(`${dir}/${name}`, JSON.stringify(v, null, 2));
  await write("config.json", {
    model,
    profile: "quick",
    settings: { size: 32, perClass: 8, epochs: 3, batchSize: 16, learningRate: 0.001 },
    data: { kind: "phantom", perClass: 8, seed: 42 },
    seed: 42,
    createdAt: "2026-01-02T03:04:05.678Z",
    versions: { lumbarLab: "0.4.0", tfjs: "4.22.0", deno: "2.9.6", v8: "15" },
    backend: { name: "wasm", reason: "no native backend" },
    dataHash: options.dataHash ?? "abc123",
    classes,
    parameters: 98676,
    split: { by: "patient", counts: { train: 12, val: 2, test: 4 }, warnings: [] },
    ...options.config,
  });
  await write("history.json", [
    { epoch: 1, loss: 1.2, acc: 0.4, valLoss: 1.3, valAcc: 0.3, lr: 0.001, seconds: 1 },
    { epoch: 2, loss: 0.9, acc: 0.6, valLoss: 1.1, valAcc: 0.5, lr: 0.001, seconds: 1 },
  ]);
  if (options.noMetrics) {
    await write("status.json", { state: "interrupted", epoch: 2, updatedAt: "2026-01-02T03:05:00.000Z" });
    return;
  }
  await write("status.json", { state: "completed", epoch: 2, updatedAt: "2026-01-02T03:05:00.000Z" });
  const n = classes.length;
  const scores = (p: number) => ({ precision: p, recall: p, f1: p, support: 2 });
  const perClass = Object.fromEntries(classes.map((c) => [c, scores(acc)]));
  const metrics: Record<string, unknown> = {
    model,
    test: {
      n: 2 * n,
      classes,
      accuracy: acc,
      macroF1: acc - 0.05,
      ci: { accuracy: ci(acc), precision: ci(acc), recall: ci(acc), macroF1: ci(acc - 0.05), auc: ci(acc + 0.1) },
      report: {
        labels: classes,
        perClass,
        accuracy: acc,
        microAvg: scores(acc),
        macroAvg: { ...scores(acc), support: 2 * n },
        weightedAvg: { ...scores(acc), support: 2 * n },
        microIsAccuracy: true,
        warnings: [],
      },
      roc: {
        labels: classes,
        perClass: Object.fromEntries(
          classes.map((c) => [c, { auc: acc + 0.1, reason: null, curve: { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1] } }]),
        ),
        macro: acc + 0.1,
        weighted: acc + 0.1,
        excluded: [],
      },
      confusionMatrix: classes.map((_, i) => classes.map((_, j) => (i === j ? 2 : 0))),
      mostConfused: [{ trueLabel: classes[0], predLabel: classes[1], trueIndex: 0, predIndex: 1, count: 1, rate: 0.5 }],
      topLosses: [{
        index: 0,
        id: "phantom:1",
        trueLabel: classes[0],
        predLabel: classes[1],
        trueProb: 0.2,
        loss: 1.6,
      }],
      loss: 0.7,
    },
    stopReason: "completed",
    trainSeconds: 12.5,
  };
  if (options.gradcam) {
    metrics.faithfulness = fakeFaithfulness(model);
    await Deno.mkdir(`${dir}/gradcam`, { recursive: true });
    await Deno.writeFile(`${dir}/gradcam/gallery_gradcam_healthy.png`, await fakePng(40, 30));
    await Deno.writeFile(`${dir}/gradcam/deletion_insertion.png`, await fakePng(30, 20));
  }
  await write("metrics.json", metrics);
  await Deno.writeFile(`${dir}/top_losses.png`, await fakePng(48, 32));
}
