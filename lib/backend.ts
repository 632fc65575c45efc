/**
 * Picks and starts the TensorFlow.js backend.
 *
 * Order with no preference: the native `tensorflow` backend (tfjs-node-gpu or
 * tfjs-node, when installed), then `onednn` (tfjs' cpu backend with its
 * heavy kernels on oneDNN through FFI, when `libdnnl.so.2` is found), then,
 * for inference, `webgpu` on a real GPU adapter, then `wasm` with the
 * training kernels of {@link registerWasmTrainingKernels}.
 * `--backend NAME` on a task, or `LUMBAR_BACKEND=NAME`, overrides the choice.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "./backend/wasm_kernels.ts";
import { installFusedTraining } from "./backend/fused_layers.ts";
import { fusedKernelsEnabled } from "./backend/fused_kernels.ts";
import { startThreadedWasm } from "./backend/wasm_threads.ts";
import { registerOneDnnBackend } from "./backend/onednn/onednn_backend.ts";
import { type DnnlLibrary, ONEDNN_INSTALL_HINT, OneDnnUnavailableError } from "./backend/onednn/dnnl_library.ts";

export { registerWasmTrainingKernels } from "./backend/wasm_kernels.ts";

/** Backends Lumbar Lab can run on. */
export const BACKENDS = ["tensorflow", "onednn", "webgpu", "wasm", "cpu"] as const;
/** One of {@link BACKENDS}. */
export type BackendName = typeof BACKENDS[number];

/** Raised when a backend that was asked for cannot start here. */
export class BackendUnavailableError extends Error {
  /** @param message What failed and how to get the backend. */
  constructor(message: string) {
    super(message);
    this.name = "BackendUnavailableError";
  }
}

/** How to get each backend, for error messages. */
const HOW_TO_GET: Record<BackendName, string> = {
  tensorflow:
    "Install the native backend with `deno task setup:native --tfjs-node` (CPU) or `deno task setup:gpu` (NVIDIA, needs CUDA 11.2 and cuDNN 8.1). " +
    "Its install script downloads libtensorflow from storage.googleapis.com; without that network, set TFJS_NODE_CDN_STORAGE to a mirror. See README, Backends",
  onednn: ONEDNN_INSTALL_HINT,
  webgpu:
    "WebGPU needs a real GPU adapter (navigator.gpu). Software adapters such as llvmpipe/lavapipe are refused because they are slower than wasm",
  wasm:
    "The wasm backend ships with @tensorflow/tfjs-backend-wasm; run `deno install` to fetch the pinned dependencies",
  cpu: "The cpu backend ships with @tensorflow/tfjs",
};

/** Native packages tried for the `tensorflow` backend, fastest first. */
const NATIVE_PACKAGES = [
  "@tensorflow/tfjs-node-gpu",
  "@tensorflow/tfjs-node",
] as const;

/** What {@link initBackend} chose and why. */
export interface BackendChoice {
  name: BackendName;
  reason: string;
}

let current: BackendChoice | undefined;

/** The backend chosen by the last {@link initBackend}, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}

function isBackendName(v: string): v is BackendName {
  return (BACKENDS as readonly string[]).includes(v);
}

/**
 * Reads a backend name from `LUMBAR_BACKEND`, checking it.
 *
 * @returns The name, or undefined when the variable is unset or empty.
 */
export function backendFromEnv(): BackendName | undefined {
  let v: string | undefined;
  try {
    v = Deno.env.get("LUMBAR_BACKEND");
  } catch {
    return undefined; // no --allow-env: treat as unset
  }
  if (v == null || v === "") return undefined;
  if (!isBackendName(v)) {
    throw new BackendUnavailableError(
      `Unknown backend in LUMBAR_BACKEND: "${v}". Valid backends are: ${BACKENDS.join(", ")}`,
    );
  }
  return v;
}

/** Tries to load a native tfjs-node package; returns its name or the reason it failed. */
async function loadNative(): Promise<
  { ok: true; pkg: string } | { ok: false; reason: string }
> {
  const reasons: string[] = [];
  for (const pkg of NATIVE_PACKAGES) {
    try {
      // Only packages added to deno.json's imports (by setup:native/gpu)
      // resolve; this keeps Deno from fetching anything at run time.
      import.meta.resolve(pkg);
    } catch {
      reasons.push(`${pkg} not installed`);
      continue;
    }
    try {
      await import(pkg);
      if (tf.findBackend("tensorflow") != null) return { ok: true, pkg };
      reasons.push(`${pkg} loaded but registered no backend`);
    } catch (e) {
      reasons.push(`${pkg} failed to load: ${(e as Error).message}`);
    }
  }
  return { ok: false, reason: reasons.join("; ") };
}

interface GpuAdapterLike {
  info?: { isFallbackAdapter?: boolean; description?: string };
  isFallbackAdapter?: boolean;
}

/**
 * The Vulkan stack prints "error: XDG_RUNTIME_DIR is invalid or not set" on
 * headless machines; give it a private runtime folder, as a login session would.
 */
function quietVulkanLoader(): void {
  try {
    if (Deno.env.get("XDG_RUNTIME_DIR")) return;
    const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/lumbar-runtime-${Deno.uid() ?? "user"}`;
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // no permission for env or files: the warning is harmless
  }
}

/** Asks for a GPU adapter and says whether it is real hardware. */
async function realGpuAdapter(): Promise<
  { ok: true; description: string } | { ok: false; reason: string }
> {
  const gpu = (globalThis.navigator as {
    gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> };
  })
    ?.gpu;
  if (gpu == null) return { ok: false, reason: "navigator.gpu unavailable" };
  quietVulkanLoader();
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return {
      ok: false,
      reason: `requestAdapter failed: ${(e as Error).message}`,
    };
  }
  if (adapter == null) return { ok: false, reason: "no GPU adapter" };
  const description = adapter.info?.description ?? "unknown adapter";
  const fallback = adapter.info?.isFallbackAdapter ??
    adapter.isFallbackAdapter ??
    false;
  if (fallback || /llvmpipe|lavapipe|swiftshader/i.test(description)) {
    return {
      ok: false,
      reason: `only a software adapter (${description})`,
    };
  }
  return { ok: true, description };
}

/**
 * Threads for the wasm backend: `LUMBAR_WASM_THREADS`, else one per core (at most 8).
 *
 * @throws {BackendUnavailableError} When the variable is not a positive integer.
 */
export function wasmThreadsWanted(): number {
  let v: string | undefined;
  try {
    v = Deno.env.get("LUMBAR_WASM_THREADS");
  } catch {
    v = undefined;
  }
  if (v == null || v === "") return Math.min(8, Math.max(1, navigator.hardwareConcurrency ?? 1));
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new BackendUnavailableError(`LUMBAR_WASM_THREADS must be a positive integer. Received: "${v}"`);
  }
  return Math.min(8, n);
}

async function startWasm(): Promise<void> {
  registerWasmTrainingKernels();
  installFusedTraining();
  const threads = wasmThreadsWanted();
  // Not tf.findBackend: it would start the backend, single-threaded.
  const running = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm != null;
  const started = !running && threads > 1 ? await startThreadedWasm(threads) : await tf.setBackend("wasm");
  if (!started) {
    throw new BackendUnavailableError(
      `The wasm backend failed to start. ${HOW_TO_GET.wasm}`,
    );
  }
}

/** Opens oneDNN and starts the `onednn` backend; the reason says where, which version, ISA and threads. */
async function startOneDnn(): Promise<{ ok: true; details: string } | { ok: false; reason: string; tried: string }> {
  let lib: DnnlLibrary;
  try {
    lib = registerOneDnnBackend();
  } catch (e) {
    if (e instanceof OneDnnUnavailableError) return { ok: false, reason: e.message, tried: e.tried };
    throw e;
  }
  installFusedTraining();
  if (!(await tf.setBackend("onednn"))) {
    const reason = `the onednn backend failed to start (${lib.path})`;
    return { ok: false, reason, tried: reason };
  }
  return { ok: true, details: oneDnnDetails(lib) };
}

function oneDnnDetails(lib: DnnlLibrary): string {
  return `oneDNN ${lib.version} from ${lib.path}, ISA ${lib.isa}, ${lib.threads} thread${lib.threads > 1 ? "s" : ""}`;
}

async function startCpu(): Promise<void> {
  await tf.setBackend("cpu");
  // The cpu backend otherwise prints an advert for tfjs-node on first use.
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
}

function log(choice: BackendChoice, auto: boolean): void {
  console.error(`[lumbar] backend: ${choice.name} (${choice.reason})`);
  if (auto && choice.name === "wasm") console.error(`[lumbar] ${FASTER_HINT}`);
}

/** The one line that says how to train faster, printed when wasm was chosen for want of oneDNN. */
export const FASTER_HINT =
  "faster: `deno task setup:native` installs oneDNN (Debian/Ubuntu: apt-get install libdnnl2), and training then " +
  "runs on the onednn backend, 4.5-7x faster than wasm (README, Performance)";

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * What the backend will mostly do. With no preference, `inference` takes a
   * real-GPU `webgpu` before `wasm`; `training` (the default) does not, since
   * tfjs' webgpu backend trained 4.7x slower than wasm on an H100 (see README,
   * Backends). Default `"training"`.
   */
  workload?: "training" | "inference";
}

/**
 * Starts a TensorFlow.js backend and returns its name.
 *
 * With no preference (and no `LUMBAR_BACKEND`), tries `tensorflow`, then, for
 * inference, a real-GPU `webgpu`, then `wasm`. Logs once which backend was
 * chosen and why. Calling again with the same (or no) preference returns the
 * running backend.
 *
 * @param preferred A backend to use; unavailable is an error, not a fallback.
 * @param options The workload, which decides whether webgpu is worth it.
 * @returns The backend's name, as `tf.getBackend()` reports it.
 * @throws {BackendUnavailableError} When the preferred backend cannot start.
 * @example
 * ```ts
 * const name = await initBackend(); // "wasm" on a machine without tfjs-node or GPU
 * ```
 */
export async function initBackend(preferred?: BackendName, options: InitBackendOptions = {}): Promise<string> {
  const wanted = preferred ?? backendFromEnv();
  if (wanted != null && !isBackendName(wanted)) {
    throw new BackendUnavailableError(
      `Unknown backend "${wanted}". Valid backends are: ${BACKENDS.join(", ")}`,
    );
  }
  if (current != null && (wanted == null || wanted === current.name)) {
    return current.name;
  }
  const source = preferred != null ? "requested" : "LUMBAR_BACKEND";
  let choice: BackendChoice;

  if (wanted === "tensorflow") {
    const native = await loadNative();
    if (!native.ok) {
      throw new BackendUnavailableError(
        `The tensorflow backend is not available: ${native.reason}. ${HOW_TO_GET.tensorflow}`,
      );
    }
    await tf.setBackend("tensorflow");
    choice = { name: "tensorflow", reason: `${source}, from ${native.pkg}` };
  } else if (wanted === "onednn") {
    const started = await startOneDnn();
    if (!started.ok) throw new BackendUnavailableError(`The onednn backend is not available: ${started.reason}`);
    choice = { name: "onednn", reason: `${source}; ${started.details}` };
  } else if (wanted === "webgpu") {
    const gpu = await realGpuAdapter();
    if (!gpu.ok) {
      throw new BackendUnavailableError(
        `The webgpu backend is not available: ${gpu.reason}. ${HOW_TO_GET.webgpu}`,
      );
    }
    await import("@tensorflow/tfjs-backend-webgpu");
    if (!(await tf.setBackend("webgpu"))) {
      throw new BackendUnavailableError(
        `The webgpu backend failed to start on ${gpu.description}`,
      );
    }
    choice = { name: "webgpu", reason: `${source}, on ${gpu.description}` };
  } else if (wanted === "wasm") {
    await startWasm();
    choice = { name: "wasm", reason: `${source}; ${wasmDetails()}` };
  } else if (wanted === "cpu") {
    await startCpu();
    choice = {
      name: "cpu",
      reason: `${source}; pure JavaScript, slow to train`,
    };
  } else {
    choice = await autoSelect(options.workload ?? "training");
  }
  current = choice;
  log(choice, wanted == null);
  return tf.getBackend();
}

function wasmDetails(): string {
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  const threads = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? getThreadsCount() : 1;
  return `XNNPACK${simd ? " with SIMD" : " without SIMD"}, ${threads} thread${
    threads > 1 ? "s" : ""
  }, Lumbar Lab training kernels${fusedKernelsEnabled() ? " (fused)" : " (fused off: LUMBAR_FUSED=0)"}`;
}

async function autoSelect(workload: "training" | "inference"): Promise<BackendChoice> {
  const native = await loadNative();
  if (native.ok) {
    await tf.setBackend("tensorflow");
    return { name: "tensorflow", reason: `fastest available: ${native.pkg}` };
  }
  const dnnl = await startOneDnn();
  if (dnnl.ok) return { name: "onednn", reason: `no tfjs-node (${native.reason}); ${dnnl.details}` };
  const gpu = await realGpuAdapter();
  if (gpu.ok && workload === "training") {
    await startWasm();
    return {
      name: "wasm",
      reason:
        `no native backend (${native.reason}; oneDNN 2.x not found: ${dnnl.tried}); GPU ${gpu.description} found, but tfjs' webgpu backend ` +
        `trains slower than wasm (measured 4.7x on an H100), so --backend webgpu to use it anyway; ${wasmDetails()}`,
    };
  }
  if (gpu.ok) {
    try {
      await import("@tensorflow/tfjs-backend-webgpu");
      if (await tf.setBackend("webgpu")) {
        return {
          name: "webgpu",
          reason: `no native backend (${native.reason}); GPU: ${gpu.description}`,
        };
      }
    } catch (e) {
      console.error(`[lumbar] webgpu failed to start: ${(e as Error).message}`);
    }
  }
  await startWasm();
  return {
    name: "wasm",
    reason: `no native backend (${native.reason}; oneDNN 2.x not found: ${dnnl.tried}); no real GPU (${
      gpu.ok ? "webgpu failed to start" : gpu.reason
    }); ${wasmDetails()}`,
  };
}

/**
 * Reads `--backend NAME` from command-line arguments.
 *
 * @param args Arguments, such as `Deno.args`.
 * @returns The backend name, or undefined when absent.
 * @throws {BackendUnavailableError} When the name is not a known backend.
 */
export function backendFromArgs(
  args: readonly string[],
): BackendName | undefined {
  const i = args.findIndex((a) => a === "--backend" || a.startsWith("--backend="));
  if (i < 0) return undefined;
  const v = args[i].includes("=") ? args[i].split("=")[1] : args[i + 1];
  if (v == null || !isBackendName(v)) {
    throw new BackendUnavailableError(
      `Unknown backend "${v ?? ""}" in --backend. Valid backends are: ${BACKENDS.join(", ")}`,
    );
  }
  return v;
}
