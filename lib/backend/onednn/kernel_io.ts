/**
 * Reading and writing tensors inside a kernel of the `onednn` backend,
 * whose tensors are the `cpu` backend's: plain typed arrays in ordinary
 * memory.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

/** What a kernel function receives. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The float32 values of a tensor, or undefined when it is not float32 (the caller falls back). */
export function float32Of(backend: MathBackendCPU, info: tf.TensorInfo): Float32Array | undefined {
  if (info.dtype !== "float32") return undefined;
  const values = backend.data.get(info.dataId).values;
  return values instanceof Float32Array ? values : undefined;
}

/** A new float32 tensor of `shape` holding `values` (taken, not copied). */
export function float32Output(backend: MathBackendCPU, shape: number[], values: Float32Array): tf.TensorInfo {
  return backend.makeTensorInfo(shape, "float32", values);
}

/** Product of a shape's dims. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
