import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects, assertThrows } from "../tests/assert.ts";
import { backendFromArgs, backendFromEnv, BackendUnavailableError, currentBackend, initBackend } from "./backend.ts";

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

Deno.test("initBackend() with no preference picks wasm on a machine without tfjs-node or a GPU, and says why", async () => {
  const root = new URL("../", import.meta.url);
  const env = { ...Deno.env.toObject() };
  delete env.LUMBAR_BACKEND;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--config",
      new URL("deno.json", root).pathname,
      `import { initBackend } from "${new URL("lib/backend.ts", root).href}"; console.log(await initBackend());`,
    ],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.success, stderr);
  assertEquals(stdout, "wasm");
  assert(/backend: wasm \(no native backend .*not installed.*; no real GPU/.test(stderr), stderr);
  assertEquals(stderr.split("[lumbar] backend:").length - 1, 1, "logged once");
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
