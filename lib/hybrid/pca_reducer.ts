/**
 * PCA by a component count or a variance fraction, on top of `ml-pca`, with
 * a plain-JSON saved form that projects identically after loading.
 *
 * @module
 */
import { PCA, type PCAModel } from "ml-pca";
import { NotFittedError } from "../svm/not_fitted_error.ts";

/** The saved form of a fitted {@link PcaReducer}, plain JSON. */
export interface PcaReducerJson {
  format: "lumbar-lab/pca-reducer";
  version: 1;
  /** What was asked for: a component count (>= 1) or a variance fraction (in (0, 1)). */
  requested: number;
  /** Components kept. */
  nComponents: number;
  /** Columns of the input. */
  nFeatures: number;
  /** Share of the variance of every component ml-pca found (not only those kept), descending. */
  explainedVarianceRatio: number[];
  /**
   * ml-pca's `toJSON()` model with `U` as plain rows and cut to the kept
   * components (`nFeatures` x `nComponents`): `PCA.load` of it projects
   * exactly as the fitted model did.
   */
  model: {
    name: "PCA";
    center: boolean;
    scale: boolean;
    means: number[];
    stdevs: number[] | null;
    U: number[][];
    S: number[];
    excludedFeatures: number[];
  };
}

/**
 * The number of components a request keeps, as scikit-learn's
 * `PCA(n_components=...)` reads it: an integer >= 1 is a count; a number in
 * (0, 1) keeps the fewest leading components whose cumulative explained
 * variance exceeds it.
 *
 * @param requested A count or a fraction.
 * @param ratios Explained-variance ratio per component, descending.
 * @returns The component count, 1 to `ratios.length`.
 * @throws {RangeError} For a count above `ratios.length`, or a value that is neither.
 * @example
 * ```ts
 * pcaComponentCount(0.9, [0.6, 0.25, 0.1, 0.05]); // 3
 * pcaComponentCount(2, [0.6, 0.25, 0.1, 0.05]); // 2
 * ```
 */
export function pcaComponentCount(requested: number, ratios: readonly number[]): number {
  if (Number.isInteger(requested) && requested >= 1) {
    if (requested > ratios.length) {
      throw new RangeError(
        `PCA cannot keep ${requested} components: the training data has at most ${ratios.length} ` +
          `(min(rows, columns)). Received: components=${requested}`,
      );
    }
    return requested;
  }
  if (!(requested > 0 && requested < 1)) {
    throw new RangeError(
      `PCA components must be an integer >= 1 (a count) or a number in (0, 1) (a variance fraction). Received: ${requested}`,
    );
  }
  let cumulative = 0;
  for (let k = 0; k < ratios.length; k++) {
    cumulative += ratios[k];
    if (cumulative > requested) return k + 1;
  }
  return ratios.length;
}

/**
 * Principal component analysis that keeps a component count or a variance
 * fraction (scikit-learn's `PCA(n_components)` semantics, see
 * {@link pcaComponentCount}), computed by `ml-pca` (SVD of the centred data,
 * not scaled: standardise first with `StandardScaler`). Saving keeps only the
 * projection it needs, so `fromJSON(toJSON())` transforms bit for bit as the
 * fitted reducer.
 *
 * @example
 * ```ts
 * const pca = new PcaReducer(0.95).fit(trainRows);
 * const reduced = pca.transform(testRows); // pca.nComponents columns
 * const again = PcaReducer.fromJSON(JSON.parse(JSON.stringify(pca.toJSON())));
 * ```
 */
export class PcaReducer {
  readonly #requested: number;
  #state: PcaReducerJson | undefined;
  #pca: PCA | undefined;

  /**
   * @param components A count (integer >= 1) or a variance fraction in (0, 1).
   * @throws {RangeError} For any other value.
   */
  constructor(components: number) {
    if (!((Number.isInteger(components) && components >= 1) || (components > 0 && components < 1))) {
      throw new RangeError(
        `PCA components must be an integer >= 1 or a fraction in (0, 1). Received: components=${components}`,
      );
    }
    this.#requested = components;
  }

  /**
   * Fits the components on training rows.
   *
   * @param X Training rows (at least 2), all the same length.
   * @returns This reducer.
   * @throws {RangeError} For fewer than 2 rows, ragged rows, or too many components asked.
   */
  fit(X: readonly (readonly number[])[]): this {
    if (X.length < 2) throw new RangeError(`PCA needs at least 2 rows. Received: ${X.length}`);
    const d = X[0].length;
    if (X.some((r) => r.length !== d)) throw new RangeError("PCA needs rows of one length");
    const pca = new PCA(X.map((r) => [...r]), { center: true, scale: false, method: "SVD" });
    const ratios = pca.getExplainedVariance();
    const k = pcaComponentCount(this.#requested, ratios);
    const full = pca.toJSON();
    const U = (full.U as unknown as { to2DArray(): number[][] }).to2DArray().map((row) => row.slice(0, k));
    const model = {
      name: "PCA" as const,
      center: full.center,
      scale: full.scale,
      means: [...(full.means as number[])],
      stdevs: full.stdevs == null ? null : [...full.stdevs],
      U,
      S: [...full.S],
      excludedFeatures: [...(full.excludedFeatures ?? [])],
    };
    this.#state = {
      format: "lumbar-lab/pca-reducer",
      version: 1,
      requested: this.#requested,
      nComponents: k,
      nFeatures: d,
      explainedVarianceRatio: ratios,
      model,
    };
    this.#pca = PCA.load(model as unknown as PCAModel);
    return this;
  }

  /**
   * Projects rows onto the kept components.
   *
   * @param X Rows with the training rows' column count.
   * @returns New rows of {@link PcaReducer.nComponents} values.
   * @throws {NotFittedError} Before `fit`.
   * @throws {RangeError} When the column count differs.
   */
  transform(X: readonly (readonly number[])[]): number[][] {
    const s = this.#require("transform()");
    if (X.length === 0) return [];
    for (const r of X) {
      if (r.length !== s.nFeatures) {
        throw new RangeError(`X has ${r.length} features, but this PcaReducer was fitted with ${s.nFeatures}`);
      }
    }
    return this.#pca!.predict(X.map((r) => [...r]), { nComponents: s.nComponents }).to2DArray();
  }

  /**
   * `fit(X)` then `transform(X)`.
   *
   * @param X Training rows.
   * @returns The projected rows.
   */
  fitTransform(X: readonly (readonly number[])[]): number[][] {
    return this.fit(X).transform(X);
  }

  /** Components kept. @throws {NotFittedError} Before `fit`. */
  get nComponents(): number {
    return this.#require("nComponents").nComponents;
  }

  /** The request: a count or a fraction. */
  get requested(): number {
    return this.#requested;
  }

  /** Explained-variance ratio of every component found (a copy). @throws {NotFittedError} Before `fit`. */
  get explainedVarianceRatio(): number[] {
    return [...this.#require("explainedVarianceRatio").explainedVarianceRatio];
  }

  /** Cumulative explained-variance ratio (a copy). @throws {NotFittedError} Before `fit`. */
  get cumulativeVarianceRatio(): number[] {
    let sum = 0;
    return this.explainedVarianceRatio.map((r) => (sum += r));
  }

  /**
   * The fitted state as plain JSON.
   *
   * @returns A JSON-safe object for {@link PcaReducer.fromJSON}.
   * @throws {NotFittedError} Before `fit`.
   */
  toJSON(): PcaReducerJson {
    return structuredClone(this.#require("toJSON()"));
  }

  /**
   * Restores a reducer saved with `toJSON` (through `PCA.load`).
   *
   * @param json The saved object.
   * @returns A fitted reducer that projects as the saved one did.
   * @throws {TypeError} When `json` is not a saved reducer or its projection has the wrong shape.
   */
  static fromJSON(json: PcaReducerJson): PcaReducer {
    if (json?.format !== "lumbar-lab/pca-reducer" || json.version !== 1) {
      throw new TypeError(
        `Not a saved PcaReducer (format lumbar-lab/pca-reducer, version 1). Received: format=${json?.format}`,
      );
    }
    const U = json.model?.U;
    if (!Array.isArray(U) || U.length !== json.nFeatures || U.some((r) => r.length !== json.nComponents)) {
      throw new TypeError(
        `Saved PcaReducer is inconsistent: U must be ${json.nFeatures} x ${json.nComponents}`,
      );
    }
    const reducer = new PcaReducer(json.requested);
    reducer.#state = structuredClone(json);
    reducer.#pca = PCA.load(reducer.#state.model as unknown as PCAModel);
    return reducer;
  }

  #require(what: string): PcaReducerJson {
    if (!this.#state) throw new NotFittedError(what, "PcaReducer");
    return this.#state;
  }
}
