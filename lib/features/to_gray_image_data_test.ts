import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { toGrayImageData } from "./to_gray_image_data.ts";

Deno.test("toGrayImageData() views a square { image, size } image without copying", () => {
  const image = Float32Array.of(0, 0.25, 0.5, 1);
  const im = toGrayImageData({ image, size: 2 });
  assertEquals([im.width, im.height], [2, 2]);
  assertEquals(im.data === image, true);
});

Deno.test("toGrayImageData() returns { width, height, data } input as it is", () => {
  const input = { width: 3, height: 1, data: Float32Array.of(0, 0.5, 1) };
  assertEquals(toGrayImageData(input) === input, true);
});

Deno.test("toGrayImageData() rejects a wrong value count, bad sides, non-finite values and other arrays", () => {
  assertThrows(() => toGrayImageData({ width: 2, height: 2, data: new Float32Array(3) }), RangeError, "expected 4");
  assertThrows(() => toGrayImageData({ width: 0, height: 2, data: new Float32Array(0) }), RangeError, "0x2");
  assertThrows(() => toGrayImageData({ width: 1.5, height: 2, data: new Float32Array(3) }), RangeError, "positive");
  assertThrows(() => toGrayImageData({ width: 2, height: 1, data: Float32Array.of(0, NaN) }), RangeError, "index 1");
  const f64 = { width: 1, height: 1, data: Float64Array.of(0) as unknown as Float32Array };
  assertThrows(() => toGrayImageData(f64, "myCaller()"), TypeError, "myCaller() needs image data as a Float32Array");
});
