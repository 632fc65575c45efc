/**
 * Types of the faithfulness report that `explainRun` writes to
 * `<run>/gradcam/faithfulness.json` and merges into the run's `metrics.json`.
 * Plain JSON: no value is NaN (undefined quantities are `null`).
 *
 * @module
 */
import type { CamMethod } from "./types.ts";

/** The pointing game and the energy share, as a random map scores them (analytic expectations, averaged over images). */
export interface RandomLocalisation {
  /** Expected pointing-game hit rate: the mask's share of the image. */
  pointing: number;
  /** The same with the tolerance: the share of the mask dilated by the tolerance. */
  pointingTolerant: number;
  /** Expected energy share in the mask: the mask's area fraction. */
  energy: number;
}

/** Localisation scores of one group of abnormal images. */
export interface LocalisationGroup {
  /** Abnormal images (a non-empty lesion mask) scored. */
  n: number;
  /** Pointing game: share of images whose heatmap maximum lies inside the mask; `null` when n is 0. */
  pointing: number | null;
  /** The same, a hit counting within the tolerance of the mask. */
  pointingTolerant: number | null;
  /** Mean share of heatmap energy inside the mask, over the images whose map is not all zero; `null` when none. */
  energy: number | null;
  /** Images whose map was all zero (no energy to share): left out of `energy`, a miss in the pointing game. */
  emptyMaps: number;
  /** What a random map scores on the same images. */
  random: RandomLocalisation | null;
}

/** Localisation scores of one method on the abnormal images: all of them, and per true class. */
export interface LocalisationScores extends LocalisationGroup {
  /** Hits of the pointing game. */
  pointingHits: number;
  /** Hits with the tolerance. */
  pointingTolerantHits: number;
  /** The same scores per true class (classes with abnormal images only). */
  byClass: Record<string, LocalisationGroup>;
}

/** Mean deletion and insertion curves over a few images. */
export interface DeletionInsertionSummary {
  /** Images averaged. */
  images: number;
  /** `k / steps`, k = 0..steps. */
  fractions: number[];
  /** Mean class probability as the most salient pixels are removed. */
  deletionCurve: number[];
  /** Mean class probability as the most salient pixels are revealed. */
  insertionCurve: number[];
  /** Mean of the per-image deletion AUCs (lower is better). */
  deletionAuc: number | null;
  /** Mean of the per-image insertion AUCs (higher is better). */
  insertionAuc: number | null;
}

/** Adebayo et al.'s cascading randomisation, summarised over a few images. */
export interface SanityCheckSummary {
  /** Images whose trained-model map varies (the others cannot be ranked and are left out). */
  images: number;
  /** Images left out because the trained model's map was constant. */
  constantOriginal: number;
  /** The layers randomised, in cascade order (top down); each step keeps the earlier ones randomised. */
  layers: string[];
  /** Layers with learned weights in the model; more than `layers.length` when the cascade was subsampled. */
  layersWithWeights: number;
  /**
   * Mean Spearman correlation with the trained model's map after each step.
   * A randomised map that is constant (all zero after the ReLU) counts as 0: no similarity.
   */
  meanSpearman: number[];
  /** Mean correlation after the last step (`null` when no image could be ranked). */
  final: number | null;
  /** The pass threshold: `final < threshold` passes. */
  threshold: number;
  /** `true`: the maps change when the weights are destroyed; `false`: they do not; `null`: not measured. */
  passed: boolean | null;
  /** One sentence that says what was found. */
  verdict: string;
}

/** Everything measured for one method. */
export interface MethodFaithfulness {
  method: CamMethod;
  /** `null` when the data has no lesion masks or no abnormal image was explained. */
  localisation: LocalisationScores | null;
  deletionInsertion: DeletionInsertionSummary;
  sanity: SanityCheckSummary;
  /** Mean milliseconds per map (the predicted-class maps of every explained image). */
  msPerMap: number;
}

/** Seconds spent per stage. */
export interface ExplainTimings {
  /** Loading the model and the data. */
  load: number;
  /** Every map of every explained image and the localisation scores. */
  maps: number;
  /** The cascading randomisation. */
  sanity: number;
  /** Deletion and insertion, the random baseline included. */
  deletionInsertion: number;
  /** Galleries, overlays and charts. */
  pictures: number;
  total: number;
}

/** The localisation of one image by one method. */
export interface ImageLocalisation {
  /** The heatmap's maximum, `[x, y]` in pixels; `null` when the map is all zero. */
  peak: [number, number] | null;
  hit: boolean;
  hitTolerant: boolean;
  /** Energy share in the mask; `null` when the map is all zero. */
  energy: number | null;
}

/** One explained image, as `faithfulness.json` lists it. */
export interface ExplainedImage {
  id: string;
  /** Which split of the run it belongs to. */
  split: "train" | "val" | "test" | "none";
  trueClass: string;
  predictedClass: string;
  /** The probability of the predicted class. */
  probability: number;
  correct: boolean;
  /** Whether it has a non-empty lesion mask. */
  abnormal: boolean;
  /** Per method, for abnormal images: the true class's map against the mask. */
  localisation?: Partial<Record<CamMethod, ImageLocalisation>>;
}

/** What `explainRun` measured: `metrics.json`'s `faithfulness`. */
export interface FaithfulnessReport {
  /** The run folder. */
  run: string;
  model: string;
  /** Input side. */
  size: number;
  /** The layer whose feature map is weighted. */
  layerName: string;
  /** That layer's map size: the heatmap's real resolution before upsampling. */
  featureMap: { width: number; height: number };
  classes: string[];
  images: {
    /** Images explained. */
    explained: number;
    /** Of those, with a non-empty lesion mask. */
    abnormal: number;
    /** Of those, correctly predicted. */
    correct: number;
    /** Explained images outside the run's test split (asked for by id). */
    notInTest: number;
  };
  /** The class each localisation map explains: the true (diagnosed) class, as in Zhang et al.'s pointing game. */
  localisationClass: "true";
  /** Pointing-game tolerance in pixels (Euclidean distance from the mask). */
  tolerancePx: number;
  settings: {
    sanityImages: number;
    sanityThreshold: number;
    deletionImages: number;
    deletionSteps: number;
    deletionBaseline: "zero" | "blur";
    seed: number;
  };
  /** Random maps on the same images: what a map that knows nothing scores. */
  randomBaseline: {
    localisation: RandomLocalisation | null;
    /** Deletion and insertion with a seeded random map per image: uniform values at the feature map's size, upsampled bilinearly. */
    deletionInsertion: DeletionInsertionSummary;
  };
  methods: MethodFaithfulness[];
  warnings: string[];
  timings: ExplainTimings;
  createdAt: string;
}
