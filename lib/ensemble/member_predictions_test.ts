import { assert, assertRejects } from "../../tests/assert.ts";
import { EnsembleMismatchError } from "./ensemble_mismatch_error.ts";
import { loadMemberPredictions } from "./member_predictions.ts";

/** A run folder with only what the checks read: config.json and split.json. */
async function fakeRun(dir: string, over: { dataHash?: string; test?: string[]; classes?: string[] } = {}) {
  await Deno.mkdir(dir, { recursive: true });
  const config = {
    model: "cnn",
    settings: { size: 32 },
    data: { kind: "phantom", perClass: 4, seed: 1 },
    seed: 1,
    dataHash: over.dataHash ?? "aaaaaaaaaaaaaaaa",
    classes: over.classes ?? ["a", "b"],
  };
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config));
  await Deno.writeTextFile(
    `${dir}/split.json`,
    JSON.stringify({ seed: 1, by: "patient", train: ["t1", "t2"], val: ["v1"], test: over.test ?? ["x1", "x2"] }),
  );
}

Deno.test("loadMemberPredictions() names the runs when data, classes or split differ", async () => {
  const root = await Deno.makeTempDir();
  try {
    await fakeRun(`${root}/a`);
    await fakeRun(`${root}/b`, { dataHash: "bbbbbbbbbbbbbbbb" });
    await fakeRun(`${root}/c`, { test: ["x2", "x3"] });
    await fakeRun(`${root}/d`, { classes: ["a", "c"] });
    const data = await assertRejects(
      () => loadMemberPredictions([`${root}/a`, `${root}/b`], { log: () => {} }),
      EnsembleMismatchError,
      "different data",
    );
    assert(data.message.includes(`${root}/a`) && data.message.includes(`${root}/b`), data.message);
    assert(data.message.includes("aaaaaaaaaaaa") && data.message.includes("bbbbbbbbbbbb"), data.message);
    const split = await assertRejects(
      () => loadMemberPredictions([`${root}/a`, `${root}/c`], { log: () => {} }),
      EnsembleMismatchError,
      "different splits (test)",
    );
    assert(split.message.includes(`${root}/c`), split.message);
    await assertRejects(
      () => loadMemberPredictions([`${root}/a`, `${root}/d`], { log: () => {} }),
      EnsembleMismatchError,
      "different classes",
    );
    await assertRejects(() => loadMemberPredictions([`${root}/a`, `${root}/a/`]), RangeError, "at least two runs");
    await assertRejects(() => loadMemberPredictions([`${root}/a`, `${root}/none`]), Error, "not a finished run");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
