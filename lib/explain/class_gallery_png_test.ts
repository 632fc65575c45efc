import sharp from "sharp";
import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { classGalleryPng } from "./class_gallery_png.ts";

async function tile(value: number): Promise<Uint8Array> {
  const px = new Uint8Array(16 * 16 * 3).fill(value);
  return new Uint8Array(await sharp(px, { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer());
}

Deno.test("classGalleryPng() sets correct and wrong predictions side by side under a header", async () => {
  const correct = [{ png: await tile(0), caption: ["true: a", "pred: a"] }, { png: await tile(0), caption: ["x"] }];
  const wrong = [{ png: await tile(0), caption: ["true: a", "pred: b"], color: "#b71c1c" }];
  const png = await classGalleryPng(correct, wrong, { title: "Grad-CAM: a", legend: "marks", tileSize: 96 });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assertEquals(info.channels, 3);
  // Two panels of 2 and 1 tiles (96 px, 10 px gaps) and a 24 px separator.
  const left = 2 * (96 + 10) + 10, right = 96 + 10 + 10;
  assertEquals(info.width, left + 24 + right);
  const dark = (x0: number, x1: number) => {
    let n = 0;
    for (let y = 0; y < info.height; y++) {
      for (let x = x0; x < x1; x++) if (data[(y * info.width + x) * 3] < 10) n++;
    }
    return n;
  };
  assert(dark(0, left) >= 2 * 96 * 96 * 0.9, "the two correct tiles are on the left");
  assert(dark(left + 24, info.width) >= 96 * 96 * 0.9, "the wrong one on the right");
});

Deno.test("classGalleryPng() draws an empty side as 'none' and checks its options", async () => {
  const png = await classGalleryPng([{ png: await tile(0), caption: ["a"] }], [], { tileSize: 32 });
  const meta = await sharp(png).metadata();
  assert((meta.width ?? 0) >= 320, "at least wide enough for the header");
  await assertRejects(() => classGalleryPng([], [], { columns: 0 }), RangeError, "columns");
  await assertRejects(() => classGalleryPng([], [], { tileSize: 2 }), RangeError, "tileSize");
});
