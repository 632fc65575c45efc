/**
 * The CNN-SVM hybrid as one object: features (CNN, handcrafted, or both),
 * then the fitted {@link HybridHead}; saved to and loaded from a run folder.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "../cli.ts";
import { extractHandcraftedFeatureMatrix, type HandcraftedFeaturesOptions } from "../features/mod.ts";
import "../models/mod.ts"; // registers the custom layers (SeededDropout, Involution) before a backbone loads
import { loadModel, saveModel } from "../train/save.ts";
import { cnnFeatures, graySource } from "./cnn_features.ts";
import { HybridHead, type HybridHeadJson } from "./hybrid_head.ts";

/** Where the CNN features come from. */
export type HybridBackboneSpec =
  | { kind: "run"; /** The run folder trained. */ run: string; /** Its architecture. */ model: string }
  | {
    kind: "fresh";
    model: string;
    /** Initialisation seed. */
    seed: number;
    /** Pretrained weights (tfjs layers `model.json`), when not freshly initialised. */
    pretrained?: string;
  };

/** Which features the hybrid joins, in this order: CNN, then handcrafted. */
export interface HybridFeatureInfo {
  cnn: {
    backbone: HybridBackboneSpec;
    /** The pooled layer the features are taken at. */
    layerName: string;
    dim: number;
    /** A global average pooling was added after `spatialLayer` (models that flatten). */
    addedPooling: boolean;
    spatialLayer?: string;
  } | null;
  handcrafted: { options: HandcraftedFeaturesOptions; names: string[] } | null;
}

/** `hybrid.json`: everything but the backbone's weights (in `backbone/`). */
export interface HybridJson {
  format: "lumbar-lab/hybrid";
  version: 1;
  /** Image side the hybrid takes. */
  size: number;
  /** Channels the backbone takes (gray repeated). */
  channels: 1 | 3;
  classes: string[];
  features: HybridFeatureInfo;
  head: HybridHeadJson;
}

/** Parts of a {@link HybridClassifier}. */
export interface HybridClassifierParts {
  /** Image in, pooled features out; required when `features.cnn` is set. The classifier owns it. */
  featureModel?: tf.LayersModel;
  features: HybridFeatureInfo;
  head: HybridHead;
  size: number;
  classes: string[];
}

/**
 * A fitted CNN-SVM hybrid. `predictProba` takes grayscale images at the
 * hybrid's size (what `StudyData.gray` or `decodeImage(path, { size })`
 * return), computes the CNN features (gray repeated in 3 channels, as in
 * training) and the handcrafted ones, and applies the saved scaler, PCA and
 * SVM exactly as when it was fitted.
 *
 * It owns its feature model: `dispose()` frees it.
 *
 * @example
 * ```ts
 * const hybrid = await HybridClassifier.load("outputs/runs/cnn-quick-svm");
 * const probs = await hybrid.predictProba([await decodeImage("scan.png", { size: hybrid.size })]);
 * hybrid.dispose();
 * ```
 */
export class HybridClassifier {
  readonly featureModel: tf.LayersModel | undefined;
  readonly features: HybridFeatureInfo;
  readonly head: HybridHead;
  readonly size: number;
  readonly classes: string[];

  /**
   * @param parts The feature model, feature description, fitted head, size and classes.
   * @throws {RangeError} When CNN features are described but no feature model is given, or no feature is used.
   */
  constructor(parts: HybridClassifierParts) {
    if (parts.features.cnn && !parts.featureModel) {
      throw new RangeError("A hybrid with CNN features needs its feature model");
    }
    if (!parts.features.cnn && !parts.features.handcrafted) {
      throw new RangeError("A hybrid needs CNN features, handcrafted features, or both");
    }
    this.featureModel = parts.features.cnn ? parts.featureModel : undefined;
    this.features = parts.features;
    this.head = parts.head;
    this.size = parts.size;
    this.classes = [...parts.classes];
  }

  /** Channels of the backbone's input (3 when there is none). */
  get channels(): 1 | 3 {
    const c = this.featureModel?.inputs[0].shape[3];
    return c === 1 ? 1 : 3;
  }

  /**
   * The raw (unscaled) feature rows of images: CNN features, then handcrafted.
   *
   * @param images Grayscale, `size * size` values in [0, 1] each.
   * @returns One row per image; no tensors escape.
   * @throws {RangeError} When an image has the wrong size.
   */
  async featureRows(images: readonly Float32Array[]): Promise<number[][]> {
    if (images.length === 0) return [];
    const parts: number[][][] = [];
    if (this.features.cnn) {
      parts.push(await cnnFeatures(this.featureModel!, graySource(images, this.size, this.channels)));
    }
    if (this.features.handcrafted) {
      images.forEach((im, i) => {
        if (im.length !== this.size * this.size) {
          throw new RangeError(`Image ${i} has ${im.length} values; the hybrid takes ${this.size}x${this.size}`);
        }
      });
      const m = extractHandcraftedFeatureMatrix(
        images.map((image) => ({ image, size: this.size })),
        this.features.handcrafted.options,
      );
      parts.push(m.features);
    }
    return images.map((_, i) => parts.flatMap((p) => p[i]));
  }

  /**
   * Class probabilities of images.
   *
   * @param images Grayscale, `size * size` values in [0, 1] each.
   * @returns One row per image, one probability per class of `classes`, summing to 1.
   */
  async predictProba(images: readonly Float32Array[]): Promise<number[][]> {
    return this.head.predictProba(await this.featureRows(images));
  }

  /**
   * Writes `hybrid.json` and, with CNN features, the feature model in `backbone/` (tfjs layers format).
   *
   * @param dir The hybrid's run folder; created when missing.
   */
  async save(dir: string): Promise<void> {
    if (this.featureModel) await saveModel(this.featureModel, `${dir}/backbone`);
    const json: HybridJson = {
      format: "lumbar-lab/hybrid",
      version: 1,
      size: this.size,
      channels: this.channels,
      classes: this.classes,
      features: this.features,
      head: this.head.toJSON(),
    };
    await writeFileAtomic(`${dir}/hybrid.json`, JSON.stringify(json));
  }

  /**
   * Loads a hybrid saved by `save`.
   *
   * @param dir The hybrid's run folder.
   * @returns The hybrid; the caller disposes it.
   * @throws {Error} Naming the folder when `hybrid.json` or `backbone/` is missing or not a hybrid.
   */
  static async load(dir: string): Promise<HybridClassifier> {
    let json: HybridJson;
    try {
      json = JSON.parse(await Deno.readTextFile(`${dir}/hybrid.json`));
    } catch (e) {
      throw new Error(`Cannot load a hybrid from ${dir}: ${(e as Error).message}`);
    }
    if (json?.format !== "lumbar-lab/hybrid" || json.version !== 1) {
      throw new TypeError(`${dir}/hybrid.json is not a saved hybrid (format lumbar-lab/hybrid, version 1)`);
    }
    const featureModel = json.features.cnn ? await loadModel(`${dir}/backbone`) : undefined;
    return new HybridClassifier({
      featureModel,
      features: json.features,
      head: HybridHead.fromJSON(json.head),
      size: json.size,
      classes: json.classes,
    });
  }

  /**
   * Whether a folder holds a saved hybrid (`hybrid.json`).
   *
   * @param dir A run folder.
   * @returns True when `dir/hybrid.json` exists.
   */
  static async existsIn(dir: string): Promise<boolean> {
    try {
      return (await Deno.stat(`${dir}/hybrid.json`)).isFile;
    } catch {
      return false;
    }
  }

  /** Frees the feature model's weights. */
  dispose(): void {
    this.featureModel?.dispose();
  }
}
