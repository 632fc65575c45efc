import sharp from "sharp";
import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { galleryPng, svgTextRenders } from "./gallery_png.ts";
import { heatmapOverlayRgb } from "./heatmap_overlay_png.ts";

function tile(size: number, caption?: string) {
  const data = Float32Array.from({ length: size * size }, (_, i) => (i % size) / size);
  const heatmap = Float32Array.from({ length: size * size }, (_, i) => Math.floor(i / size) / size);
  return { image: { width: size, height: size, data }, heatmap, caption };
}

Deno.test("galleryPng() lays out rows of overlays with gaps", async () => {
  const a = tile(8), b = tile(6);
  const png = await galleryPng([[a, b], [b]], { gap: 2 });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assertEquals([info.width, info.height, info.channels], [8 + 2 + 8, 8 + 2 + 8, 3]);
  // The first tile sits at the top-left, unchanged.
  const rgb = heatmapOverlayRgb(a.image, a.heatmap);
  for (let y = 0; y < 8; y++) {
    assertEquals(
      Array.from(data.subarray(y * 18 * 3, (y * 18 + 8) * 3)),
      Array.from(rgb.subarray(y * 24, (y + 1) * 24)),
    );
  }
  // The gap and the empty cell are black.
  assertEquals(Array.from(data.subarray((0 * 18 + 8) * 3, (0 * 18 + 10) * 3)), [0, 0, 0, 0, 0, 0]);
  assertEquals(Array.from(data.subarray((17 * 18 + 17) * 3, (17 * 18 + 18) * 3)), [0, 0, 0]);
  await assertRejects(() => galleryPng([]), RangeError, "at least one tile");
});

Deno.test("galleryPng() draws captions when a font renders, and skips them otherwise", async () => {
  const png = await galleryPng([[tile(32, "gradcam <&>"), tile(32, "gradcam++")]], { fontSize: 11 });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  if (await svgTextRenders()) {
    assertEquals([info.width, info.height], [68, 32 + 17]);
    const strip = data.subarray(32 * 68 * 3);
    assert(strip.some((v) => v > 100), "caption pixels drawn under the tiles");
  } else {
    assertEquals([info.width, info.height], [68, 32]);
  }
  const plain = await sharp(await galleryPng([[tile(32, "x")]], { captions: false })).metadata();
  assertEquals([plain.width, plain.height], [32, 32]);
});
