import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import sharp from "sharp";
import { compactPng } from "./report_images.ts";
import { fakePng } from "./report_test_fixtures.ts";

Deno.test("compactPng() scales wide images down to maxWidth, keeping the aspect, as a PNG", async () => {
  const r = await compactPng(await fakePng(300, 100), { maxWidth: 150 });
  assertEquals([r.width, r.height], [150, 50]);
  const meta = await sharp(r.bytes).metadata();
  assertEquals([meta.format, meta.width, meta.height], ["png", 150, 50]);
});

Deno.test("compactPng() keeps an image that does not shrink, and passes undecodable bytes through", async () => {
  const png = await fakePng(4, 4);
  const r = await compactPng(png);
  assertEquals([r.width, r.height], [4, 4]);
  assert(r.bytes.length <= png.length, "never larger than the input");
  const junk = new Uint8Array([1, 2, 3]);
  const j = await compactPng(junk);
  assertEquals([j.bytes, j.undecodable], [junk, true]);
  await assertRejects(() => compactPng(png, { maxWidth: 0 }), RangeError, "maxWidth");
  await assertRejects(() => compactPng(png, { quality: 101 }), RangeError, "quality");
});
