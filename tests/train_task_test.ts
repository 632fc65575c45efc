/**
 * `deno task train` as users run it, in child processes: faults included.
 */
import { runTask } from "./run_task.ts";
import { assert, assertEquals } from "./assert.ts";
import { ignoreWithoutOneDnn } from "./external_tools.ts";

const ROOT = new URL("../", import.meta.url);
const TRAIN = [
  "--model",
  "cnn",
  "--size",
  "32",
  "--per-class",
  "24",
  "--epochs",
  "5",
  "--patience",
  "0",
  "--seed",
  "7",
];

function trainCommand(args: string[], backend = "wasm"): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      new URL("deno.json", ROOT).pathname,
      new URL("tasks/train.ts", ROOT).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { LUMBAR_BACKEND: backend },
  });
}

async function train(args: string[], backend = "wasm") {
  const out = await trainCommand(args, backend).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function checkpointEpoch(dir: string): Promise<number> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/checkpoint/checkpoint.json`)).state.epoch;
  } catch {
    return 0;
  }
}

/** Starts a run and signals it once its checkpoint reaches `epoch`. */
async function startAndSignal(dir: string, epoch: number, signal: Deno.Signal, backend = "wasm") {
  const child = trainCommand([...TRAIN, "--out", dir], backend).spawn();
  const deadline = Date.now() + 240_000;
  while ((await checkpointEpoch(dir)) < epoch && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  child.kill(signal);
  const out = await child.output();
  return { code: out.code, signal: out.signal, stderr: new TextDecoder().decode(out.stderr) };
}

async function finalMetrics(dir: string) {
  const m = JSON.parse(await Deno.readTextFile(`${dir}/metrics.json`));
  const h = JSON.parse(await Deno.readTextFile(`${dir}/history.json`));
  return { probs: m.predictions.probs as number[][], losses: h.map((e: { loss: number }) => e.loss) as number[] };
}

function assertClose(a: number[], b: number[], tol: number, what: string) {
  assertEquals(a.length, b.length, `${what}: lengths`);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  assert(worst <= tol, `${what}: largest difference ${worst} exceeds ${tol}`);
}

for (const backend of ["wasm", "onednn"]) {
  Deno.test({
    name: `train: kill -9 mid-run, then --resume, ends with the uninterrupted run's metrics (${backend})`,
    ignore: backend === "onednn" && ignoreWithoutOneDnn(),
    fn: async () => {
      const root = await Deno.makeTempDir();
      try {
        const whole = await train([...TRAIN, "--out", `${root}/whole`], backend);
        assertEquals(whole.code, 0, whole.stderr);
        assert(whole.stdout.includes("95% CI"), whole.stdout);
        assert(whole.stderr.includes(`backend: ${backend}`), whole.stderr);

        const killed = await startAndSignal(`${root}/killed`, 2, "SIGKILL", backend);
        assertEquals(killed.signal, "SIGKILL");
        const status = JSON.parse(await Deno.readTextFile(`${root}/killed/status.json`));
        assertEquals(status.state, "running", "the killed run never finished");

        const resumed = await train([...TRAIN, "--out", `${root}/killed`, "--resume"], backend);
        assertEquals(resumed.code, 0, resumed.stderr);
        assert(/resumed after epoch [2-4]/.test(resumed.stderr), resumed.stderr);
        const a = await finalMetrics(`${root}/whole`), b = await finalMetrics(`${root}/killed`);
        // The stated tolerance: 1e-6. In practice the runs are bit-identical (same seed, same kernels; oneDNN on
        // a fixed thread count, OMP_NUM_THREADS, splits its sums the same way every run).
        assertClose(b.losses, a.losses, 1e-6, "epoch losses");
        assertClose(b.probs.flat(), a.probs.flat(), 1e-6, "test probabilities");
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

Deno.test("train: Ctrl-C saves, exits 130 and says how to resume", async () => {
  const root = await Deno.makeTempDir();
  try {
    const r = await startAndSignal(`${root}/run`, 1, "SIGINT");
    assertEquals(r.code, 130, r.stderr);
    assert(r.stderr.includes("--resume"), r.stderr);
    const status = JSON.parse(await Deno.readTextFile(`${root}/run/status.json`));
    assertEquals(status.state, "interrupted");
    assert(status.epoch >= 1, `status after epoch ${status.epoch}`);
    const resumed = await train([...TRAIN, "--out", `${root}/run`, "--resume"]);
    assertEquals(resumed.code, 0, resumed.stderr);
    const history = JSON.parse(await Deno.readTextFile(`${root}/run/history.json`));
    assertEquals(history.map((e: { epoch: number }) => e.epoch), [1, 2, 3, 4, 5]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("train: a missing --model and an unknown profile are clear errors", async () => {
  const none = await train(["--epochs", "1"]);
  assertEquals(none.code, 2);
  assert(none.stderr.includes("--model is required") && none.stderr.includes("resnet50"), none.stderr);
  const bad = await train(["--model", "cnn", "--profile", "fast"]);
  assertEquals(bad.code, 2);
  assert(bad.stderr.includes('Unknown profile "fast"') && bad.stderr.includes("quick, paper"), bad.stderr);
});

const task = runTask;

Deno.test("evaluate, external evaluate, compare and predict work on a trained run", async () => {
  const root = await Deno.makeTempDir();
  try {
    const run = `${root}/cnn`;
    const t = await train([...TRAIN.slice(0, -6), "--epochs", "1", "--out", run]);
    assertEquals(t.code, 0, t.stderr);
    for (const f of ["config.json", "split.json", "history.json", "metrics.json", "metrics.csv", "curves.png"]) {
      await Deno.stat(`${run}/${f}`);
    }
    for (const f of ["confusion_matrix.png", "roc.png", "top_losses.png", "model/model.json", "status.json"]) {
      await Deno.stat(`${run}/${f}`);
    }
    const before = JSON.parse(await Deno.readTextFile(`${run}/metrics.json`));

    const again = await task("tasks/evaluate.ts", ["--run", run]);
    assertEquals(again.code, 0, again.stderr);
    const after = JSON.parse(await Deno.readTextFile(`${run}/metrics.json`));
    assertEquals(after.predictions.probs, before.predictions.probs, "the same model on the same split");
    assertEquals(after.stopReason, before.stopReason, "training's record is kept");

    const other = `${root}/other`;
    const ph = await task("tasks/data_phantom.ts", ["--out", other, "--per-class", "4", "--size", "32", "--seed", "5"]);
    assertEquals(ph.code, 0, ph.stderr);
    const ext = await task("tasks/evaluate.ts", ["--run", run, "--data", other, "--out", `${root}/ext`]);
    assertEquals(ext.code, 0, ext.stderr);
    const extMetrics = JSON.parse(await Deno.readTextFile(`${root}/ext/metrics.json`));
    assertEquals(extMetrics.test.n, 16, "every image of the external set");

    const cmp = await task("tasks/compare.ts", ["--runs", run, `${root}/ext`, `${root}/missing`, "--out", root]);
    assertEquals(cmp.code, 0, cmp.stderr);
    assert(cmp.stdout.includes("Skipped") && cmp.stdout.includes("different data sets"), cmp.stdout);
    const table = JSON.parse(await Deno.readTextFile(`${root}/comparison.json`));
    assertEquals(table.rows.length, 2);

    await Deno.writeTextFile(`${root}/broken.png`, "not an image");
    const first = (await Array.fromAsync(Deno.readDir(`${other}/images/healthy`))).map((e) => e.name).sort()[0];
    const image = `${other}/images/healthy/${first}`;
    const pred = await task("tasks/predict.ts", ["--run", run, "--out", `${root}/pred`, image, `${root}/broken.png`]);
    assertEquals(pred.code, 1, "a bad image is reported with exit code 1");
    assert(pred.stderr.includes("broken.png"), pred.stderr);
    const saved = JSON.parse(await Deno.readTextFile(`${root}/pred/predictions.json`));
    assertEquals(saved.predictions.length, 1);
    const probs = Object.values(saved.predictions[0].probabilities) as number[];
    assert(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4, `probabilities sum to 1: ${probs}`);
    await Deno.stat(saved.predictions[0].overlay);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
