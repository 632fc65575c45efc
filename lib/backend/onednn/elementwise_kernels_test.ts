import { assertEquals } from "../../../tests/assert.ts";
import { mergeBroadcastDims } from "./elementwise_kernels.ts";

Deno.test("mergeBroadcastDims() merges neighbouring dims that broadcast alike", () => {
  assertEquals(mergeBroadcastDims([8, 4, 4, 1024], [8, 1, 1, 1024]), { a: [8, 16, 1024], b: [8, 1, 1024] });
  assertEquals(mergeBroadcastDims([8, 16, 16, 32], [32]), { a: [2048, 32], b: [1, 32] });
  assertEquals(mergeBroadcastDims([8, 16, 16, 32], [8, 16, 16, 32]), { a: [65536], b: [65536] });
  assertEquals(mergeBroadcastDims([8, 16], []), { a: [128], b: [1] });
  assertEquals(mergeBroadcastDims([1, 5, 1], [1, 5, 1]), { a: [5], b: [5] });
});

Deno.test("mergeBroadcastDims() refuses shapes where b is not a's with some dims 1", () => {
  assertEquals(mergeBroadcastDims([4, 1], [1, 5]), undefined, "the output would be larger than a");
  assertEquals(mergeBroadcastDims([4, 6], [3]), undefined);
  assertEquals(mergeBroadcastDims([6], [2, 6]), undefined);
});
