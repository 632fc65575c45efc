import { assert, assertEquals } from "../../tests/assert.ts";
import { generatePhantom } from "./phantom.ts";
import { dHash, findNearDuplicates, hammingDistance, type Hash } from "./phash.ts";
import { resizeGray } from "./preprocess.ts";

Deno.test("dHash() finds resized copies and tells the phantom's patients apart", () => {
  // As data:split does: images reduced to 64 px first.
  const items = generatePhantom({ perClass: 6, size: 96, slicesPerPatient: 1, seed: 3 });
  const hashes = items.map((i) => dHash(resizeGray(i.image, 96, 96, 64), 64, 64));
  // A re-encoded copy: 8-bit quantisation and +-1 grey level of noise.
  let k = 0;
  const reencode = (img: Float32Array) => img.map((v) => (Math.round(v * 255) + ((k++ * 7919) % 3) - 1) / 255);
  const copies = items.map((i) => dHash(resizeGray(reencode(i.image), 96, 96, 64), 64, 64));
  const worstCopy = Math.max(...hashes.map((h, i) => hammingDistance(h, copies[i])));
  let closestOther = Infinity;
  for (let a = 0; a < hashes.length; a++) {
    for (let b = a + 1; b < hashes.length; b++) {
      closestOther = Math.min(closestOther, hammingDistance(hashes[a], hashes[b]));
    }
  }
  assert(worstCopy <= 12, `a resized copy is within the default threshold: ${worstCopy} bits`);
  assert(closestOther > 12, `distinct patients are beyond it: closest ${closestOther} bits`);
  assertEquals(hammingDistance(hashes[0], hashes[0]), 0);
});

Deno.test("findNearDuplicates() reports near-identical images across splits only", () => {
  const h: Hash[] = [[1, 2], [1, 3], [0xffff, 0xffff], [1, 2]].map((w) => Uint32Array.from(w));
  const dups = findNearDuplicates(h, { train: [0, 3], val: [1], test: [2] }, 2);
  assertEquals(dups.map((d) => [Math.min(d.a, d.b), Math.max(d.a, d.b)]).sort(), [[0, 1], [1, 3]]);
});
