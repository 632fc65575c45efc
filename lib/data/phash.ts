/**
 * Near-duplicate detection with a difference hash (dHash, Krawetz 2013): the
 * image shrunk to (side+1) x side, each bit telling whether a pixel is
 * brighter than its right neighbour. Images whose 64-bit hashes differ in few bits look alike,
 * whatever their size or compression.
 *
 * @module
 */
import { resizeGray } from "./preprocess.ts";
import type { Split } from "./split.ts";

/** A difference hash: `side * side` bits packed in 32-bit words. */
export type Hash = Uint32Array;

/**
 * The dHash of a grayscale image, `side * side` bits. The classic 8 (64
 * bits) is too coarse for MRI: every sagittal lumbar slice has the same
 * layout, and on the phantom distinct patients met at 1-4 bits of 64. At the
 * default 16 (256 bits), with images first reduced to 64 px as data:split
 * does: an exact copy 0 bits, a copy resized and saved as JPEG 3, other
 * patients of the phantom more than 12 (none within 12 in 400 slices).
 *
 * @param image Row-major gray values.
 * @param width Image width.
 * @param height Image height.
 * @param side Bits per row and column. Default 16.
 */
export function dHash(image: Float32Array, width: number, height: number, side = 16): Hash {
  const small = resizeRect(image, width, height, side + 1, side);
  const words = new Uint32Array(Math.ceil((side * side) / 32));
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (small[y * (side + 1) + x] > small[y * (side + 1) + x + 1]) {
        const k = y * side + x;
        words[k >>> 5] |= 1 << (k & 31);
      }
    }
  }
  return words;
}

function resizeRect(src: Float32Array, width: number, height: number, w: number, h: number): Float32Array {
  // Square resize to the larger side, then sample: keeps resizeGray the one resampler.
  const side = Math.max(w, h) * 8;
  const sq = resizeGray(src, width, height, side);
  const out = new Float32Array(w * h);
  const bx = side / w, by = side / h;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0, n = 0;
      for (let yy = Math.floor(y * by); yy < Math.floor((y + 1) * by); yy++) {
        for (let xx = Math.floor(x * bx); xx < Math.floor((x + 1) * bx); xx++) {
          sum += sq[yy * side + xx];
          n++;
        }
      }
      out[y * w + x] = sum / n;
    }
  }
  return out;
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Bits that differ between two hashes of the same size. */
export function hammingDistance(a: Hash, b: Hash): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += popcount((a[i] ^ b[i]) >>> 0);
  return d;
}

/** A pair of near-identical images in different splits. */
export interface NearDuplicate {
  a: number;
  b: number;
  splits: [string, string];
  distance: number;
}

/**
 * Pairs of images in different splits whose hashes differ by at most
 * `maxDistance` bits: a leakage warning, since the test set then holds
 * (almost) training images.
 *
 * @param hashes One hash per item, all of one size.
 * @param maxDistance Default 12 of the default 256 bits (see {@link dHash}).
 */
export function findNearDuplicates(hashes: readonly Hash[], split: Split, maxDistance = 12): NearDuplicate[] {
  const where = new Map<number, string>();
  for (const key of ["train", "val", "test"] as const) for (const i of split[key]) where.set(i, key);
  const idx = [...where.keys()];
  const out: NearDuplicate[] = [];
  for (let p = 0; p < idx.length; p++) {
    for (let q = p + 1; q < idx.length; q++) {
      const a = idx[p], b = idx[q];
      if (where.get(a) === where.get(b)) continue;
      const d = hammingDistance(hashes[a], hashes[b]);
      if (d <= maxDistance) out.push({ a, b, splits: [where.get(a)!, where.get(b)!], distance: d });
    }
  }
  return out;
}
