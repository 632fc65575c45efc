import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { checkCrop, cropGray, cropSide, type GrayImage } from "./keypoint_crop.ts";

/** A `width x height` image of zeros with `value` at (x, y). */
function dot(width: number, height: number, x: number, y: number, value = 1): GrayImage {
  const pixels = new Float32Array(width * height);
  pixels[y * width + x] = value;
  return { pixels, width, height };
}

function argmax(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

Deno.test("cropGray() puts the point's pixel at the centre of an odd crop", () => {
  const crop = cropGray(dot(20, 16, 7, 9), 7, 9, 5);
  assertEquals(crop.length, 25);
  assertEquals(argmax(crop), 2 * 5 + 2);
  assertEquals(crop.reduce((a, b) => a + b, 0), 1, "one pixel copied, none interpolated");
});

Deno.test("cropGray() puts the point just up-left of the centre of an even crop, and rounds fractional points", () => {
  assertEquals(argmax(cropGray(dot(20, 20, 10, 10), 10, 10, 4)), 1 * 4 + 1);
  assertEquals(argmax(cropGray(dot(20, 20, 10, 10), 10.4, 9.6, 5)), 2 * 5 + 2);
});

Deno.test("cropGray() pads with zeros or repeats the edge where the crop leaves the image", () => {
  const image: GrayImage = { pixels: new Float32Array([1, 2, 3, 4]), width: 2, height: 2 };
  assertEquals(Array.from(cropGray(image, 0, 0, 3)), [0, 0, 0, 0, 1, 2, 0, 3, 4]);
  assertEquals(Array.from(cropGray(image, 0, 0, 3, "edge")), [1, 1, 2, 1, 1, 2, 3, 3, 4]);
  assertEquals(Array.from(cropGray(image, 1, 1, 3, "edge")), [1, 2, 2, 3, 4, 4, 3, 4, 4]);
});

Deno.test("cropSide() takes pixels or a fraction of the height, and rejects bad settings", () => {
  assertEquals(cropSide({ pixels: 31 }, 400), 31);
  assertEquals(cropSide({ fraction: 0.15 }, 400), 60);
  assertEquals(cropSide(undefined, 400), 80, "default 20% of the height");
  assertEquals(cropSide({ fraction: 0.001 }, 100), 1, "never below one pixel");
  assertThrows(() => cropSide({ fraction: 0.1, pixels: 10 }, 100), RangeError, "not both");
  assertThrows(() => cropSide({ pixels: 2.5 }, 100), RangeError, "pixels=2.5");
  assertThrows(() => cropSide({ fraction: 0 }, 100), RangeError, "fraction=0");
  assertThrows(() => checkCrop({ padding: "mirror" as "zero" }), RangeError, "Valid values are: zero, edge");
});
