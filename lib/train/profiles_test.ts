import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { profileSettings } from "./profiles.ts";

Deno.test("the quick profile sets epochs per model by cost; the paper profile is the same for all", () => {
  assertEquals(profileSettings("quick", "cnn").epochs, 15);
  assertEquals(profileSettings("quick", "vgg16").epochs, 1);
  assertEquals(profileSettings("quick").epochs, 3, "no model: the profile's own");
  assertEquals(profileSettings("paper", "cnn"), profileSettings("paper", "vgg16"));
  assertEquals(profileSettings("paper").learningRate, 1e-4);
});

Deno.test("profileSettings() returns a copy and rejects unknown profiles by name", () => {
  const a = profileSettings("quick");
  a.size = 999;
  assertEquals(profileSettings("quick").size, 64);
  assertThrows(() => profileSettings("fast"), RangeError, "quick, paper");
});
