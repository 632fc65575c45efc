import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { noiseImage } from "./_test_util.ts";
import { extractHandcraftedFeatureMatrix } from "./extract_handcrafted_feature_matrix.ts";
import { extractHandcraftedFeatures } from "./extract_handcrafted_features.ts";

Deno.test("extractHandcraftedFeatureMatrix() gives one row per image, in order, with shared names", () => {
  const images = [noiseImage(32, 32, 1), noiseImage(32, 32, 2), noiseImage(32, 32, 3)];
  const { features, names } = extractHandcraftedFeatureMatrix(images, { hog: { pixelsPerCell: 8 } });
  const single = images.map((im) => extractHandcraftedFeatures(im, { hog: { pixelsPerCell: 8 } }));
  assertEquals(features, single.map((s) => s.features));
  assertEquals(names, single[0].names);
  assertEquals(features.every((row) => row.length === names.length), true);
});

Deno.test("extractHandcraftedFeatureMatrix() accepts square { image, size } items such as phantom slices", () => {
  const a = noiseImage(32, 32, 4);
  const m = extractHandcraftedFeatureMatrix([{ image: a.data, size: 32 }, a]);
  assertEquals(m.features[0], m.features[1]);
});

Deno.test("extractHandcraftedFeatureMatrix() rejects images of different sizes and handles an empty list", () => {
  assertThrows(
    () => extractHandcraftedFeatureMatrix([noiseImage(32, 32), noiseImage(32, 40)]),
    RangeError,
    "image 1 is 32x40, image 0 is 32x32",
  );
  assertEquals(extractHandcraftedFeatureMatrix([]), { features: [], names: [] });
});
