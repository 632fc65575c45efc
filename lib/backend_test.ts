import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects, assertThrows } from "../tests/assert.ts";
import { backendFromArgs, backendFromEnv, BackendUnavailableError, currentBackend, initBackend } from "./backend.ts";
import { ignoreWithoutOneDnn } from "../tests/external_tools.ts";

Deno.test("initBackend('wasm') starts wasm with the training kernels", async () => {
  assertEquals(await initBackend("wasm"), "wasm");
  assertEquals(tf.getBackend(), "wasm");
  assertEquals(currentBackend()?.name, "wasm");
  assert(tf.getKernel("Conv2DBackpropFilter", "wasm") != null, "Conv2DBackpropFilter registered");
  assert(tf.getKernel("DepthwiseConv2dNativeBackpropInput", "wasm") != null, "depthwise input gradient registered");
});

Deno.test("initBackend('tensorflow') without tfjs-node says how to install it", async () => {
  const e = await assertRejects(() => initBackend("tensorflow"), BackendUnavailableError, "setup:native");
  assert(e.message.includes("not installed"), e.message);
});

Deno.test("initBackend('webgpu') refuses machines without a real GPU adapter", async () => {
  // These test machines have no GPU: either no adapter or a software one.
  await assertRejects(() => initBackend("webgpu"), BackendUnavailableError, "webgpu backend is not available");
});

const ROOT = new URL("../", import.meta.url);

/** Runs TypeScript in a fresh Deno process with the project's config; returns stdout and stderr. */
async function runFresh(code: string, env: Record<string, string | undefined>) {
  const vars = { ...Deno.env.toObject(), ...env };
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete vars[k];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", new URL("deno.json", ROOT).pathname, code],
    env: vars as Record<string, string>,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    ok: out.success,
    stdout: new TextDecoder().decode(out.stdout).trim(),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const BACKEND_TS = new URL("lib/backend.ts", ROOT).href;

Deno.test("initBackend() with no preference picks wasm on a machine without tfjs-node, oneDNN or a GPU, and says why", async () => {
  const r = await runFresh(`import { initBackend } from "${BACKEND_TS}"; console.log(await initBackend());`, {
    LUMBAR_BACKEND: undefined,
    LUMBAR_DNNL_PATH: "/nonexistent/libdnnl.so.2",
  });
  assert(r.ok, r.stderr);
  assertEquals(r.stdout, "wasm");
  assert(
    /backend: wasm \(no native backend .*not installed; oneDNN 2.x not found: \/nonexistent\/libdnnl.so.2: .*\); no real GPU/
      .test(r.stderr),
    r.stderr,
  );
  assertEquals(r.stderr.split("[lumbar] backend:").length - 1, 1, "logged once");
  assert(
    r.stderr.includes("[lumbar] faster: `deno task setup:native`"),
    `one line says how to train faster: ${r.stderr}`,
  );
});

Deno.test({
  name:
    "initBackend() with no preference picks onednn where oneDNN is installed, and logs path, version, ISA and threads",
  ignore: ignoreWithoutOneDnn(),
  fn: async () => {
    const r = await runFresh(`import { initBackend } from "${BACKEND_TS}"; console.log(await initBackend());`, {
      LUMBAR_BACKEND: undefined,
      LUMBAR_DNNL_PATH: undefined,
      OMP_NUM_THREADS: undefined,
    });
    assert(r.ok, r.stderr);
    assertEquals(r.stdout, "onednn");
    const threads = navigator.hardwareConcurrency;
    assert(
      new RegExp(`backend: onednn \\(.*oneDNN 2\\.\\d+\\.\\d+ from \\S+, ISA \\w+, ${threads} threads?\\)`).test(
        r.stderr,
      ),
      r.stderr,
    );
  },
});

Deno.test("initBackend('onednn') without oneDNN is an error that gives the install line", async () => {
  const r = await runFresh(`import { initBackend } from "${BACKEND_TS}"; await initBackend("onednn");`, {
    LUMBAR_DNNL_PATH: "/nonexistent/libdnnl.so.2",
  });
  assert(!r.ok, "started without oneDNN");
  assert(r.stderr.includes("BackendUnavailableError"), r.stderr);
  assert(r.stderr.includes("/nonexistent/libdnnl.so.2"), r.stderr);
  assert(r.stderr.includes("deno task setup:native") && r.stderr.includes("apt-get install libdnnl2"), r.stderr);
});

Deno.test({
  name: "onednn gives bit-identical results run after run",
  ignore: ignoreWithoutOneDnn(),
  fn: async () => {
    const code = `import * as tf from "@tensorflow/tfjs";
      import { initBackend } from "${BACKEND_TS}";
      await initBackend("onednn");
      const x = tf.randomUniform([4, 32, 32, 16], -1, 1, "float32", 1), w = tf.randomUniform([3, 3, 16, 32], -1, 1, "float32", 2);
      const f = (a) => tf.matMul(tf.relu(tf.conv2d(a, w, 1, "same")).reshape([-1, 32]), tf.randomUniform([32, 64], -1, 1, "float32", 3)).sum();
      const g = tf.grads((a, b) => f(a).mul(b.sum()))([x, w]);
      console.log(JSON.stringify([f(x), ...g].map((t) => Array.from(t.dataSync()).reduce((a, b) => a + b, 0))));`;
    const runs = await Promise.all([1, 2].map(() => runFresh(code, {})));
    assert(runs.every((r) => r.ok), runs.map((r) => r.stderr).join("\n"));
    assertEquals(runs[1].stdout, runs[0].stdout, "bit-identical sums");
  },
});

Deno.test("multithreaded wasm gives the same numbers as one thread", async () => {
  const code = `import * as tf from "@tensorflow/tfjs";
    import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
    import { initBackend } from "${BACKEND_TS}";
    await initBackend("wasm");
    const x = tf.randomUniform([4, 32, 32, 16], -1, 1, "float32", 1), w = tf.randomUniform([3, 3, 16, 32], -1, 1, "float32", 2);
    const y = tf.matMul(tf.conv2d(x, w, 1, "same").reshape([-1, 32]), tf.randomUniform([32, 64], -1, 1, "float32", 3));
    console.log(JSON.stringify({ threads: getThreadsCount(), sum: Array.from(y.dataSync()).reduce((a, b) => a + b, 0) }));`;
  const one = await runFresh(code, { LUMBAR_WASM_THREADS: "1" });
  const two = await runFresh(code, { LUMBAR_WASM_THREADS: "2" });
  assert(one.ok && two.ok, one.stderr + two.stderr);
  const a = JSON.parse(one.stdout), b = JSON.parse(two.stdout);
  assertEquals([a.threads, b.threads], [1, 2]);
  assertEquals(b.sum, a.sum, "bit-identical results");
  assert(two.stderr.includes("2 threads"), two.stderr);
  const bad = await runFresh(`import { initBackend } from "${BACKEND_TS}"; await initBackend("wasm");`, {
    LUMBAR_WASM_THREADS: "many",
  });
  assert(!bad.ok && bad.stderr.includes("LUMBAR_WASM_THREADS must be a positive integer"), bad.stderr);
});

Deno.test("LUMBAR_BACKEND and --backend are read and checked", () => {
  const prev = Deno.env.get("LUMBAR_BACKEND");
  try {
    Deno.env.set("LUMBAR_BACKEND", "cpu");
    assertEquals(backendFromEnv(), "cpu");
    Deno.env.set("LUMBAR_BACKEND", "tpu");
    assertThrows(() => backendFromEnv(), BackendUnavailableError, "tpu");
  } finally {
    if (prev != null) Deno.env.set("LUMBAR_BACKEND", prev);
    else Deno.env.delete("LUMBAR_BACKEND");
  }
  assertEquals(backendFromArgs(["--epochs", "2", "--backend", "wasm"]), "wasm");
  assertEquals(backendFromArgs(["--backend=cpu"]), "cpu");
  assertEquals(backendFromArgs([]), undefined);
  assertThrows(() => backendFromArgs(["--backend", "gpu"]), BackendUnavailableError, "Valid backends are");
});
