import sharp from "sharp";
import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { heatmapOverlayPng, heatmapOverlayRgb } from "./heatmap_overlay_png.ts";

Deno.test("heatmapOverlayPng() blends the colormap over the image and encodes a PNG of the same size", async () => {
  const gray = { width: 3, height: 2, data: new Float32Array([0, 0.5, 1, 1, 0.5, 0]) };
  const heat = new Float32Array([1, 0, 0, 0, 0, 0.5]);
  const rgb = heatmapOverlayRgb(gray, heat, { alpha: 0.5 });
  // Pixel 0: gray 0, heat 1 -> jet dark red (0.5, 0, 0) at alpha 0.5.
  assertEquals(Array.from(rgb.subarray(0, 3)), [64, 0, 0]);
  // Pixel 2: gray 1, heat 0 -> (0.5 + 0.5 * (0, 0, 0.5)).
  assertEquals(Array.from(rgb.subarray(6, 9)), [128, 128, 191]);
  assertEquals(Array.from(heatmapOverlayRgb(gray, heat, { alpha: 0 }).subarray(0, 9)), [
    0,
    0,
    0,
    128,
    128,
    128,
    255,
    255,
    255,
  ]);
  const png = await heatmapOverlayPng(gray, heat, { colormap: "inferno" });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assertEquals([info.format, info.width, info.height, info.channels], ["raw", 3, 2, 3]);
  assertEquals(Array.from(data), Array.from(heatmapOverlayRgb(gray, heat, { colormap: "inferno" })));
  assertThrows(() => heatmapOverlayRgb(gray, new Float32Array(5)), RangeError, "must match");
  assertThrows(() => heatmapOverlayRgb(gray, heat, { alpha: 2 }), RangeError, "alpha");
});
