import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { imageFrom, noiseImage } from "./_test_util.ts";
import { hogFeatures } from "./hog_features.ts";

const SMALL = { pixelsPerCell: 8, cellsPerBlock: 2 } as const;

/** Feature values by name. */
function byName(r: { features: number[]; names: string[] }): Map<string, number> {
  return new Map(r.names.map((n, k) => [n, r.features[k]]));
}

Deno.test("hogFeatures() puts a vertical step edge in the 0 degree (horizontal gradient) bin, hand-normalised", () => {
  // 32x32, black columns 0-15, white 16-31: gx = 1 at columns 15 and 16 on every row, gy = 0,
  // so orientation atan2(0, 1) = 0°, bin 0. 4x4 cells of 8 px, 3x3 blocks of 2x2 cells.
  // Cell columns 1 (px 8-15) and 2 (px 16-23) hold 8 pixels of magnitude 1: 8 / 64 = 0.125 in bin 0.
  const r = hogFeatures(imageFrom(32, 32, (_, c) => (c < 16 ? 0 : 1)), SMALL);
  assertEquals(r.features.length, 3 * 3 * 2 * 2 * 9);
  const f = byName(r);
  // L2-Hys of a block with four entries 0.125: 0.125 / √(4 · 0.125² + 1e-10) = 0.5 -> clipped to 0.2 ->
  // 0.2 / √(4 · 0.04 + 1e-10) = 0.5. Block column 1 covers cell columns 1-2.
  // With two entries (block columns 0 and 2): 0.125 / √(2 · 0.125²) = 0.7071 -> 0.2 -> 0.2 / √(0.08) = 1/√2.
  for (let br = 0; br < 3; br++) {
    for (const [cr, cc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      assertAlmostEquals(f.get(`hog_b${br}_1_c${cr}_${cc}_o0`)!, 0.5, 1e-6, `block ${br},1`);
      assertAlmostEquals(f.get(`hog_b${br}_0_c${cr}_${cc}_o0`)!, cc === 1 ? Math.SQRT1_2 : 0, 1e-6, `block ${br},0`);
      assertAlmostEquals(f.get(`hog_b${br}_2_c${cr}_${cc}_o0`)!, cc === 0 ? Math.SQRT1_2 : 0, 1e-6, `block ${br},2`);
    }
  }
  // Nothing in any other orientation bin.
  r.names.forEach((n, k) => {
    if (!n.endsWith("_o0")) assertEquals(r.features[k], 0, n);
  });
});

Deno.test("hogFeatures() puts a horizontal edge in the 90 degree bin and diagonal ramps at 45 and 135 degrees", () => {
  const energyPerBin = (r: { features: number[]; names: string[] }) => {
    const e = new Array(9).fill(0);
    r.names.forEach((n, k) => e[Number(n.slice(n.lastIndexOf("_o") + 2))] += r.features[k]);
    return e.map((v) => Number(v.toFixed(6)));
  };
  // Horizontal edge: gy = 1 (rows grow downwards), gx = 0: atan2(1, 0) = 90° -> bin 4 (80-100°).
  const horizontal = energyPerBin(hogFeatures(imageFrom(32, 32, (r) => (r < 16 ? 0 : 1)), SMALL));
  assertEquals(horizontal.map((v, b) => (v > 0 ? b : -1)).filter((b) => b >= 0), [4]);
  // A ramp brightening towards the lower right, away from the border: gx = gy > 0 -> 45°, bin 2 (40-60°).
  // Brightening towards the upper right: gy < 0 -> -45° = 135° mod 180, bin 6 (120-140°).
  const inner = { pixelsPerCell: 8, cellsPerBlock: 1 } as const;
  const down = hogFeatures(imageFrom(24, 24, (r, c) => (r + c) / 64), inner);
  const up = hogFeatures(imageFrom(24, 24, (r, c) => (c - r + 32) / 64), inner);
  // The middle cell (1, 1) touches no border: one bin, normalised to 1 by L2-Hys after clipping.
  const mid = (r: { features: number[] }) => r.features.slice(4 * 9, 5 * 9).map((v) => Number(v.toFixed(6)));
  assertEquals(mid(down), [0, 0, 1, 0, 0, 0, 0, 0, 0]);
  assertEquals(mid(up), [0, 0, 0, 0, 0, 0, 1, 0, 0]);
});

Deno.test("hogFeatures() gives 900 values at 96x96 and 324 at 64x64 by default, all zero for a flat image", () => {
  const a = hogFeatures(noiseImage(96, 96));
  assertEquals([a.features.length, a.names.length], [900, 900]);
  assertEquals([a.names[0], a.names[899]], ["hog_b0_0_c0_0_o0", "hog_b4_4_c1_1_o8"]);
  assertEquals(new Set(a.names).size, 900);
  assertEquals(hogFeatures(noiseImage(64, 64)).features.length, 324);
  const flat = hogFeatures(imageFrom(64, 64, () => 0.3));
  assertEquals(flat.features.every((v) => v === 0), true);
});

Deno.test("hogFeatures() block norms: L2-Hys blocks have unit L2 norm, L1 blocks sum to about 1", () => {
  const im = noiseImage(48, 48, 9);
  const l2 = hogFeatures(im).features;
  // Each 36-value L2-Hys block has unit L2 norm.
  for (let b = 0; b < l2.length; b += 36) {
    assertAlmostEquals(Math.hypot(...l2.slice(b, b + 36)), 1, 1e-6, `block at ${b}`);
  }
  const l1 = hogFeatures(im, { blockNorm: "L1" }).features;
  for (let b = 0; b < l1.length; b += 36) {
    assertAlmostEquals(l1.slice(b, b + 36).reduce((s, v) => s + v, 0), 1, 1e-3, `block at ${b}`);
  }
  assertEquals(hogFeatures(im), hogFeatures(im));
});

Deno.test("hogFeatures() ignores pixels right of and below the last whole cell", () => {
  // 35x35 with 8 px cells: cells cover px 0-31; an edge at column 33 is outside.
  const r = hogFeatures(imageFrom(35, 35, (_, c) => (c < 33 ? 0 : 1)), SMALL);
  assertEquals(r.features.length, 324);
  assertEquals(r.features.every((v) => v === 0), true);
});

Deno.test("hogFeatures() rejects too small images, bad norms and negative pixels with transformSqrt", () => {
  assertThrows(() => hogFeatures(noiseImage(31, 40)), RangeError, "at least 32 rows and 32 columns");
  assertThrows(
    () => hogFeatures(noiseImage(32, 32), { blockNorm: "L3" as never }),
    RangeError,
    "L1, L1-sqrt, L2, L2-Hys",
  );
  assertThrows(() => hogFeatures(noiseImage(32, 32), { pixelsPerCell: [8] as never }), RangeError, "[rows, cols]");
  const negative = imageFrom(32, 32, () => -0.1);
  assertThrows(() => hogFeatures(negative, { transformSqrt: true }), RangeError, "non-negative");
});
