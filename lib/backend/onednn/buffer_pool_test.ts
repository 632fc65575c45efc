import { assert, assertEquals } from "../../../tests/assert.ts";
import { BufferPool } from "./buffer_pool.ts";

Deno.test("BufferPool hands back a freed array of the same length, and only arrays it made", () => {
  const pool = new BufferPool(1 << 24);
  const a = pool.take(1 << 15);
  assert(pool.owns(a), "it owns what it made");
  pool.give(a);
  assertEquals(pool.freeBytes, a.byteLength);
  assert(pool.take(1 << 15) === a, "the same array comes back");
  assertEquals(pool.freeBytes, 0);
  const foreign = new Float32Array(1 << 15);
  pool.give(foreign);
  assertEquals(pool.freeBytes, 0, "a user's array is never recycled");
  pool.give(a.subarray(0, 1 << 14));
  assertEquals(pool.freeBytes, 0, "nor a view of part of one");
});

Deno.test("BufferPool zeroes on request, leaves small arrays alone and keeps within its budget", () => {
  const pool = new BufferPool((1 << 16) * 4);
  const a = pool.take(1 << 16);
  a.fill(7);
  pool.give(a);
  const z = pool.take(1 << 16, true);
  assert(z === a && z.every((v) => v === 0), "zeroed");
  const small = pool.take(16);
  assert(!pool.owns(small), "small arrays are plain allocations");
  const b = pool.take(1 << 16);
  pool.give(z);
  pool.give(b);
  assertEquals(pool.freeBytes, (1 << 16) * 4, "the second did not fit the budget");
});
