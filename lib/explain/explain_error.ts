/**
 * The error raised when a model does not have the structure an explanation needs.
 *
 * @module
 */

/**
 * Raised when a model cannot be explained as asked: no layer of that name, a
 * target layer that is not a spatial feature map, a head that does not depend
 * on the target, or a classifier head that is not a Dense layer.
 *
 * @example
 * ```ts
 * try {
 *   await gradCam(model, image, { layerName: "nope" });
 * } catch (e) {
 *   if (e instanceof ExplainError) console.error(e.message);
 * }
 * ```
 */
export class ExplainError extends Error {
  /** @param message What is wrong with the model, naming the layer. */
  constructor(message: string) {
    super(message);
    this.name = "ExplainError";
  }
}
