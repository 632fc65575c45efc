import sharp from "sharp";
import { assert, assertAlmostEquals, assertEquals } from "../../tests/assert.ts";
import { loadKeypointCrops } from "./keypoint_crops.ts";
import { decodeGrayFull, LruCache, selectKeypoints } from "./keypoint_source.ts";

Deno.test("decodeGrayFull() keeps the full resolution and 16-bit precision, and flattens alpha", async () => {
  const ramp = new Uint16Array(7 * 5).map((_, i) => i * 1000 + 1);
  const sixteen = await sharp(ramp, { raw: { width: 7, height: 5, channels: 1 } }).toColourspace("grey16").png()
    .toBuffer();
  const img = await decodeGrayFull(new Uint8Array(sixteen), "ramp.png");
  assertEquals([img.width, img.height], [7, 5]);
  assertAlmostEquals(img.pixels[34], 34001 / 65535, 1e-7);
  const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => (i % 4 === 3 ? 255 : 100));
  const png = await sharp(rgba, { raw: { width: 3, height: 2, channels: 4 } }).png().toBuffer();
  const gray = await decodeGrayFull(new Uint8Array(png), "rgba.png");
  assertEquals([gray.width, gray.height, gray.pixels.length], [3, 2, 6]);
  assertAlmostEquals(gray.pixels[5], 100 / 255, 0.01);
});

Deno.test("LruCache drops the least recently used values beyond its bound", () => {
  const cache = new LruCache<Float32Array>(8, (v) => v.byteLength);
  cache.set("a", new Float32Array(1));
  cache.set("b", new Float32Array(1));
  cache.get("a");
  cache.set("c", new Float32Array(1));
  assertEquals([cache.get("a") != null, cache.get("b") != null, cache.get("c") != null], [true, false, true]);
  cache.set("big", new Float32Array(4));
  assert(cache.get("big") != null, "the value just set is kept even over the bound");
});

Deno.test("selectKeypoints() drops duplicate points and keeps crops in memory, cutting them again past the bound", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const px = new Uint8Array(20 * 20).map((_, i) => i % 251);
    await sharp(px, { raw: { width: 20, height: 20, channels: 1 } }).png().toFile(`${dir}/a.png`);
    await Deno.writeTextFile(`${dir}/p.csv`, "image,x,y,label\na.png,5,5,x\na.png,5,5,x\na.png,9,9,y\na.png,3,12,x\n");
    const spec = { kind: "keypoints", annotations: `${dir}/p.csv`, crop: { pixels: 6 } } as const;
    const selection = await selectKeypoints(spec);
    assertEquals(selection.points.length, 3);
    assertEquals(selection.skipped.map((s) => s.reason), ["duplicate point (same image, level and coordinates)"]);
    assertEquals(selection.classes, ["x", "y"]);

    const kept = await loadKeypointCrops(spec, 4);
    const bounded = await loadKeypointCrops(spec, 4, { maxMemoryBytes: 1 });
    const first = await kept.gray(0);
    assertEquals(Array.from(await bounded.gray(0)), Array.from(first), "cut again, identical");
    await Deno.remove(`${dir}/a.png`);
    // Each image was decoded once at load: the crops in memory need it no more.
    for (let i = 0; i < 3; i++) assertEquals((await kept.gray(i)).length, 16);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
