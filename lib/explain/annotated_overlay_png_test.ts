import sharp from "sharp";
import { assertEquals, assertRejects } from "../../tests/assert.ts";
import { annotatedOverlayPng } from "./annotated_overlay_png.ts";
import { heatmapOverlayRgb } from "./heatmap_overlay_png.ts";

async function pixels(png: Uint8Array) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) =>
    Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
  return { info, at };
}

const gray = { width: 8, height: 8, data: new Float32Array(64).fill(0.5) };
const mask = new Uint8Array(64);
for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) mask[y * 8 + x] = 1;
const heatmap = new Float32Array(64);
heatmap[6 * 8 + 6] = 1;

Deno.test("annotatedOverlayPng() outlines the mask in white and crosses the peak in magenta", async () => {
  const { info, at } = await pixels(await annotatedOverlayPng(gray, heatmap, { mask }));
  assertEquals([info.width, info.height, info.channels], [8, 8, 3]);
  const plain = heatmapOverlayRgb(gray, heatmap);
  assertEquals(at(1, 1), [255, 255, 255], "mask corner: outline");
  assertEquals(at(3, 2), [255, 255, 255], "mask edge: outline");
  assertEquals(at(2, 2), Array.from(plain.subarray((2 * 8 + 2) * 3, (2 * 8 + 2) * 3 + 3)), "mask inside: overlay");
  assertEquals(at(0, 0), Array.from(plain.subarray(0, 3)), "outside: overlay");
  assertEquals(at(6, 6), [255, 0, 255], "the peak");
  assertEquals(at(6, 3), [255, 0, 255], "the cross's arm");
});

Deno.test("annotatedOverlayPng() resizes, draws the marks at the output size, and skips the cross of an empty map", async () => {
  const big = await pixels(await annotatedOverlayPng(gray, heatmap, { mask, size: 32 }));
  assertEquals([big.info.width, big.info.height], [32, 32]);
  assertEquals(big.at(26, 26), [255, 0, 255], "the peak's centre at the output size");
  assertEquals(big.at(4, 4), [255, 255, 255], "the outline is one output pixel wide");
  assertEquals(big.at(5, 5)[0] === 255 && big.at(5, 5)[1] === 255, false, "inside the outline");
  const empty = await pixels(await annotatedOverlayPng(gray, new Float32Array(64), { peak: true }));
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) assertEquals(empty.at(x, y)[1] === 0, false);
  await assertRejects(() => annotatedOverlayPng(gray, heatmap, { mask: new Uint8Array(3) }), RangeError, "mask");
  await assertRejects(() => annotatedOverlayPng(gray, heatmap, { size: 0 }), RangeError, "size");
});
