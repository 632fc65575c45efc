import { assert } from "../../tests/assert.ts";
import type { FaithfulnessReport, MethodFaithfulness } from "./faithfulness_types.ts";
import { formatFaithfulness } from "./format_faithfulness.ts";

const curves = {
  images: 8,
  fractions: [0, 0.5, 1],
  deletionCurve: [0.9, 0.3, 0.1],
  insertionCurve: [0.1, 0.6, 0.9],
  deletionAuc: 0.4,
  insertionAuc: 0.55,
};

function method(name: "gradcam" | "gradcam++", passed: boolean | null, withMasks: boolean): MethodFaithfulness {
  const random = { pointing: 0.02, pointingTolerant: 0.08, energy: 0.02 };
  return {
    method: name,
    localisation: withMasks
      ? {
        n: 18,
        pointing: 0.5,
        pointingTolerant: 0.75,
        energy: 0.125,
        emptyMaps: 0,
        random,
        pointingHits: 9,
        pointingTolerantHits: 13,
        byClass: {},
      }
      : null,
    deletionInsertion: curves,
    sanity: {
      images: 4,
      constantOriginal: 0,
      layers: ["predictions", "conv1"],
      layersWithWeights: 9,
      meanSpearman: [0.3, 0.05],
      final: passed == null ? null : passed ? 0.05 : 0.8,
      threshold: 0.5,
      passed,
      verdict: passed ? "pass: they change" : "FAIL: they stay",
    },
    msPerMap: 25,
  };
}

function report(methods: MethodFaithfulness[]): FaithfulnessReport {
  return {
    run: "/tmp/run",
    model: "cnn",
    size: 64,
    layerName: "block4_relu",
    featureMap: { width: 8, height: 8 },
    classes: ["Healthy", "Herniated disk"],
    images: { explained: 24, abnormal: 18, correct: 12, notInTest: 0 },
    localisationClass: "true",
    tolerancePx: 3,
    settings: {
      sanityImages: 4,
      sanityThreshold: 0.5,
      deletionImages: 8,
      deletionSteps: 16,
      deletionBaseline: "zero",
      seed: 1,
    },
    randomBaseline: { localisation: null, deletionInsertion: { ...curves, deletionAuc: 0.3, insertionAuc: 0.35 } },
    methods,
    warnings: ["something to know"],
    timings: { load: 1, maps: 1, sanity: 1, deletionInsertion: 1, pictures: 1, total: 5 },
    createdAt: "2025-01-01T00:00:00.000Z",
  };
}

Deno.test("formatFaithfulness() puts each method beside the random map and states the verdicts", () => {
  const text = formatFaithfulness(report([method("gradcam", true, true), method("gradcam++", false, true)]));
  for (const part of ["pointing ±3px (random)", "deletion AUC↓", "insertion AUC↑", "sanity"]) {
    assert(text.includes(part), `header "${part}" in\n${text}`);
  }
  const [gradcam, plusplus] = text.split("\n").filter((l) => l.startsWith("Grad-CAM"));
  assert(
    gradcam.includes("0.50 (0.02)") && gradcam.includes("0.75 (0.08)") && gradcam.includes("0.13 (0.02)"),
    gradcam,
  );
  assert(gradcam.includes("0.40 (0.30)") && gradcam.includes("0.55 (0.35)"), gradcam);
  assert(gradcam.includes("pass (r=0.05)"), gradcam);
  assert(plusplus.startsWith("Grad-CAM++") && plusplus.includes("FAIL (r=0.80)"), plusplus);
  assert(text.includes("18 abnormal images"), text);
  assert(text.includes("predictions 0.30, conv1 0.05") && text.includes("(2 of 9 layers)"), text);
  assert(text.includes("Warning: something to know"), text);
});

Deno.test("formatFaithfulness() shows n/a where nothing was measured", () => {
  const text = formatFaithfulness(report([method("gradcam", null, false)]));
  const row = text.split("\n").find((l) => l.startsWith("Grad-CAM"))!;
  assert(row.includes("n/a (n/a)") && row.trimEnd().endsWith("n/a"), row);
  assert(text.includes("not measured (no lesion masks"), text);
});
