/**
 * Training profiles: named settings that a run starts from, overridable
 * option by option.
 *
 * - `quick`: the CPU default, used by `deno task demo`. A 64x64 input, a
 *   small, easier phantom (difficulty 0.3), and epochs set per model by its cost (15 for the plain
 *   CNN, 1 for the VGGs), so that all seven CNNs train and evaluate on 2
 *   cores within the demo's budget. Its numbers show that the pipeline works,
 *   not what the architectures can do.
 * - `paper`: the published setup. 224x224, up to 100 epochs with early
 *   stopping (patience 10) and reduce-on-plateau, batch 16. Hours per model
 *   on 2 cores; meant for a native or GPU backend.
 *
 * @module
 */

/** The settings of a training run that a profile fixes. */
export interface TrainSettings {
  /** Image side. */
  size: number;
  /** Phantom images per class, when the data is the phantom. */
  perClass: number;
  /** Phantom difficulty, 0 (easy) to 1 (hard), when the data is the phantom. */
  difficulty: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  augment: boolean;
  /** Early-stopping patience on validation loss; 0 turns it off. */
  patience: number;
  /** Reduce-on-plateau patience; 0 turns it off. */
  lrPatience: number;
  /** "balanced" weighs classes against their frequency. */
  classWeights: "none" | "balanced";
  /** Images for precise BN after each epoch (0: off). */
  preciseBnSamples: number;
}

/** Names of the profiles. */
export const PROFILE_NAMES = ["quick", "paper"] as const;
/** A profile's name. */
export type ProfileName = typeof PROFILE_NAMES[number];

const PROFILES: Record<ProfileName, TrainSettings> = {
  quick: {
    size: 64,
    perClass: 60,
    difficulty: 0.3,
    epochs: 3,
    batchSize: 16,
    learningRate: 1e-3,
    augment: true,
    patience: 5,
    lrPatience: 2,
    classWeights: "none",
    preciseBnSamples: 64,
  },
  paper: {
    size: 224,
    perClass: 200,
    difficulty: 0.5,
    epochs: 100,
    batchSize: 16,
    learningRate: 1e-4,
    augment: true,
    patience: 10,
    lrPatience: 4,
    classWeights: "none",
    preciseBnSamples: 512,
  },
};

/**
 * Epochs of the quick profile per model, by its cost on 2 cores at 64x64
 * (measured, seconds per epoch of 124 images: cnn 3, alexnet 9, the
 * MobileNets about 10, ResNet50 and DenseNet121 about 30, the VGGs 40-75).
 */
const QUICK_EPOCHS: Record<string, number> = {
  cnn: 15,
  alexnet: 4,
  mobilenet: 4,
  mobilenet_v2: 4,
  resnet50: 2,
  densenet121: 2,
  vgg16: 1,
  vgg16_involution: 1,
};

/**
 * The settings of a profile, for one model when the profile depends on it.
 *
 * @param name `quick` or `paper`.
 * @param model A registry name; the quick profile gives cheap models more epochs.
 * @returns A copy, safe to modify.
 * @throws {RangeError} For an unknown name, listing the valid ones.
 * @example
 * ```ts
 * profileSettings("quick").size; // 64
 * ```
 */
export function profileSettings(name: string, model?: string): TrainSettings {
  const p = PROFILES[name as ProfileName];
  if (p == null) throw new RangeError(`Unknown profile "${name}". Valid profiles are: ${PROFILE_NAMES.join(", ")}`);
  const epochs = name === "quick" && model != null ? QUICK_EPOCHS[model] ?? p.epochs : p.epochs;
  return { ...p, epochs };
}
