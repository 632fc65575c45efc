import { assert, assertEquals, assertLess, assertThrows } from "../../tests/assert.ts";
import { imageFrom, noiseImage } from "./_test_util.ts";
import { extractHandcraftedFeatures } from "./extract_handcrafted_features.ts";
import { glcmFeatures } from "./glcm_features.ts";
import { hogFeatures } from "./hog_features.ts";
import { intensityFeatures } from "./intensity_features.ts";
import { lbpFeatures } from "./lbp_features.ts";

Deno.test("extractHandcraftedFeatures() concatenates GLCM, LBP, HOG and intensity: 968 values at 96x96", () => {
  const im = noiseImage(96, 96, 2);
  const { features, names } = extractHandcraftedFeatures(im);
  assertEquals([features.length, names.length], [968, 968]);
  assertEquals(new Set(names).size, 968);
  const parts = [glcmFeatures(im), lbpFeatures(im), hogFeatures(im), intensityFeatures(im)];
  assertEquals(parts.map((p) => p.features.length), [32, 10, 900, 26]);
  assertEquals(features, parts.flatMap((p) => p.features));
  assertEquals(names, parts.flatMap((p) => p.names));
  assertEquals(extractHandcraftedFeatures(noiseImage(64, 64)).features.length, 392);
});

Deno.test("extractHandcraftedFeatures() is deterministic and finite, with zero contrast on a flat image", () => {
  const im = noiseImage(64, 64, 8);
  assertEquals(extractHandcraftedFeatures(im), extractHandcraftedFeatures(im));
  const flat = extractHandcraftedFeatures(imageFrom(64, 64, () => 0.6));
  assert(flat.features.every(Number.isFinite), "all features finite");
  flat.names.forEach((n, k) => {
    if (n.startsWith("glcm_contrast") || n.startsWith("hog_") || n === "intensity_std") {
      assertEquals(flat.features[k], 0, n);
    }
  });
});

Deno.test("extractHandcraftedFeatures() takes { image, size } items and per-group options or false", () => {
  const im = noiseImage(32, 32, 6);
  const square = { image: im.data, size: 32, label: 2 };
  assertEquals(extractHandcraftedFeatures(square), extractHandcraftedFeatures(im));
  const only = extractHandcraftedFeatures(im, { glcm: { levels: 4, distances: [1] }, lbp: false, hog: false });
  assertEquals(only.names.length, 16 + 26);
  assertEquals(only.features.slice(0, 16), glcmFeatures(im, { levels: 4, distances: [1] }).features);
  assertThrows(
    () => extractHandcraftedFeatures(im, { glcm: false, lbp: false, hog: false, intensity: false }),
    RangeError,
    "at least one feature group",
  );
  assertThrows(() => extractHandcraftedFeatures(im, { lpb: false } as never), TypeError, `Unknown option "lpb"`);
});

Deno.test("extractHandcraftedFeatures() takes well under 10 ms for a 96x96 image", () => {
  const im = noiseImage(96, 96, 3);
  for (let i = 0; i < 5; i++) extractHandcraftedFeatures(im); // warm up the JIT
  const runs = 20;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) extractHandcraftedFeatures(im);
  const ms = (performance.now() - t0) / runs;
  // About 3 ms on a shared 2-core machine; the bound leaves room for a busy CI host.
  assertLess(ms, 25, "ms per image");
});
