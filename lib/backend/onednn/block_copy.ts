/**
 * Copies a block between two row-major tensors with oneDNN's reorder on
 * submemories: multithreaded and vectorised, where a JS loop copies runs as
 * short as one DenseNet growth step (32 values) one value at a time.
 * Slice, pad, concat and split are each one or a few such copies.
 *
 * @module
 */
import { DNNL, DnnlPrimitive, memoryDesc, primitiveCache, subMemoryDesc } from "./dnnl_primitive.ts";

/** Plain layouts by rank, 1 to 5. */
const PLAIN_TAGS = [0, DNNL.tag.a, DNNL.tag.ab, DNNL.tag.abc, DNNL.tag.abcd, DNNL.tag.abcde];

/** The highest rank {@link copyBlock} takes. */
export const BLOCK_COPY_MAX_RANK = PLAIN_TAGS.length - 1;

/** A tensor's shape, and where a block of it starts. */
export interface BlockPlace {
  shape: readonly number[];
  offsets: readonly number[];
}

function desc(place: BlockPlace, block: readonly number[]): Uint8Array {
  const parent = memoryDesc(place.shape, PLAIN_TAGS[place.shape.length]);
  const whole = place.shape.every((d, i) => d === block[i]);
  return whole ? parent : subMemoryDesc(parent, block, place.offsets);
}

/**
 * dst[to.offsets + i] = src[from.offsets + i] for every index i of `block`.
 * All three have the same rank, 1 to {@link BLOCK_COPY_MAX_RANK}.
 */
export function copyBlock(
  src: Float32Array,
  from: BlockPlace,
  dst: Float32Array,
  to: BlockPlace,
  block: readonly number[],
): void {
  const key = `copy|${from.shape}|${from.offsets}|${to.shape}|${to.offsets}|${block}`;
  const p = primitiveCache(key, () => {
    const a = desc(from, block), b = desc(to, block);
    return new DnnlPrimitive({ from: a, to: b }, [{ arg: DNNL.arg.src, user: a }, {
      arg: DNNL.arg.dst,
      user: b,
      output: true,
    }]);
  });
  p.execute([src, dst]);
}
