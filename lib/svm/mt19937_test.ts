import { assert, assertEquals } from "../../tests/assert.ts";
import { Mt19937 } from "./mt19937.ts";

Deno.test("Mt19937 reproduces std::mt19937's 10000th output for the default seed", () => {
  const rng = new Mt19937();
  let v = 0;
  for (let i = 0; i < 10000; i++) v = rng.nextUint32();
  assertEquals(v, 4123659995);
});

Deno.test("Mt19937.legacyRandint() derives sklearn's libsvm seeds as numpy does", () => {
  // np.random.RandomState(s).randint(np.iinfo("i").max) for s = 0, 42, 7.
  assertEquals(new Mt19937(0).legacyRandint(2 ** 31 - 1), 209652396);
  assertEquals(new Mt19937(42).legacyRandint(2 ** 31 - 1), 1608637542);
  assertEquals(new Mt19937(7).legacyRandint(2 ** 31 - 1), 327741615);
});

Deno.test("Mt19937.boundedRandInt() stays in range and is reproducible", () => {
  const a = new Mt19937(123), b = new Mt19937(123);
  for (const range of [1, 2, 3, 7, 10, 1000, 2 ** 31 - 1]) {
    for (let i = 0; i < 200; i++) {
      const v = a.boundedRandInt(range);
      assert(Number.isInteger(v) && v >= 0 && v < range, `${v} not in [0, ${range})`);
      assertEquals(v, b.boundedRandInt(range));
    }
  }
});
