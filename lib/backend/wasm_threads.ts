/**
 * Starts the multithreaded wasm backend (threaded-SIMD build, emscripten
 * pthreads) under Deno, where tfjs 4.22 would otherwise run on one thread.
 *
 * Deno exposes `process`, so tfjs takes its Node path and (a) turns threads
 * off (tensorflow/tfjs#3830), (b) hands `node:worker_threads` a blob: URL,
 * which it rejects, and (c) caps threads at half of `os.cpus()`, i.e. 1 on a
 * 2-core machine (the cause of #6081/#8513). During initialisation only, this
 * module captures the worker and main scripts tfjs builds, starts the workers
 * from source (`eval: true`: file-based workers under Deno sometimes exited
 * before running, hanging the start), and reports twice the cores. Every
 * patch is undone afterwards.
 *
 * Measured on 2 cores, idle: conv2d [8,56,56,64]x[3,3,64,64] 88-103 ms on one
 * thread, 50-56 ms on two; results bit-identical. It matches strings inside
 * the pinned tfjs-backend-wasm 4.22.0 node bundle: re-check on upgrade.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { Worker as NodeWorker } from "node:worker_threads";
import os from "node:os";

/** The bundle-scope names the emscripten main script refers to, recreated in each worker. */
const BUNDLE_PRELUDE =
  `var require$$0=require("fs"),require$$1=require("path"),require$$3=require("perf_hooks"),require$$4=require("os"),commonjsGlobal=globalThis;
var __values=function(o){var s=typeof Symbol==="function"&&Symbol.iterator,m=s&&o[s],i=0;if(m)return m.call(o);if(o&&typeof o.length==="number")return{next:function(){if(o&&i>=o.length)o=void 0;return{value:o&&o[i++],done:!o}}};throw new TypeError("not iterable")};
var __read=function(o,n){var m=typeof Symbol==="function"&&o[Symbol.iterator];if(!m)return o;var i=m.call(o),r,ar=[];while((n===void 0||n-->0)&&!(r=i.next()).done)ar.push(r.value);return ar};
var __spreadArray=function(to,from){return to.concat(Array.prototype.slice.call(from))};
`;

/** Raised when the threaded backend does not start in time. */
export class WasmThreadsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WasmThreadsError";
  }
}

/**
 * Starts tfjs' wasm backend with `threads` threads.
 *
 * @param threads Threads for XNNPACK (2 to 8).
 * @param timeoutMs Give up after this long. Default 30 s.
 * @returns Whether `tf.setBackend("wasm")` succeeded.
 * @throws {WasmThreadsError} When the workers do not start in time.
 */
export async function startThreadedWasm(threads: number, timeoutMs = 30_000): Promise<boolean> {
  const OrigBlob = globalThis.Blob, origCreateObjectURL = URL.createObjectURL, origCpus = os.cpus;
  const origWorker = Object.getOwnPropertyDescriptor(globalThis, "Worker");
  const workerTexts = new WeakMap<Blob, string>();
  const workerSources = new Map<string, string>();
  let mainScript: string | null = null;

  // 1. Keep the text of the two Blobs tfjs builds: the pthread worker and the emscripten main script.
  globalThis.Blob = class extends OrigBlob {
    constructor(parts?: BlobPart[], opts?: BlobPropertyBag) {
      super(parts, opts);
      const s = Array.isArray(parts) && parts.length === 1 ? parts[0] : null;
      if (typeof s !== "string") return;
      if (s.startsWith("var WasmBackendModuleThreadedSimd")) mainScript = s;
      else if (s.startsWith('"use strict";var Module={};')) workerTexts.set(this, s);
    }
  } as typeof Blob;

  // 2. Instead of a blob: URL, hand emscripten a token naming a self-contained worker source.
  URL.createObjectURL = (b: Blob) => {
    const workerSrc = b instanceof OrigBlob ? workerTexts.get(b) : undefined;
    if (workerSrc === undefined || mainScript === null) return origCreateObjectURL(b);
    const token = `tfjs-wasm-threaded-worker-${workerSources.size}.js`;
    workerSources.set(
      token,
      `var __filename=${JSON.stringify(token)},__tfjsMainSrc=${JSON.stringify(BUNDLE_PRELUDE + mainScript)};` +
        // Deno's worker global has getter-only properties (location, ...): define, don't assign.
        `var __defAll=(t,o)=>{for(const k of Object.keys(o)){try{Object.defineProperty(t,k,{value:o[k],writable:true,configurable:true})}catch{try{t[k]=o[k]}catch{}}}};\n` +
        workerSrc.replace("Object.assign(global,", "__defAll(global,")
          // The posted main-script Blob cannot be read synchronously: evaluate our copy.
          .replace(
            "var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)",
            "(0,eval)(__tfjsMainSrc)",
          ),
    );
    return token;
  };

  // 3. Emscripten does `global.Worker = worker_threads.Worker; new Worker(path)`.
  class EvalWorker extends NodeWorker {
    constructor(token: string) {
      super(workerSources.get(token)!, { eval: true });
    }
  }
  Object.defineProperty(globalThis, "Worker", { configurable: true, get: () => EvalWorker, set: () => {} });

  // 4. The thread cap is half of os.cpus(): report twice the cores while starting.
  (os as { cpus: typeof os.cpus }).cpus = () => {
    const c = origCpus();
    return [...c, ...c];
  };

  // 5. tfjs turns threads off whenever it believes it runs in Node.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  setThreadsCount(threads);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      tf.setBackend("wasm"),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new WasmThreadsError(
                `The multithreaded wasm backend did not start within ${timeoutMs / 1000} s. ` +
                  "Run with LUMBAR_WASM_THREADS=1 to use one thread",
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (origWorker) Object.defineProperty(globalThis, "Worker", origWorker);
    globalThis.Blob = OrigBlob;
    URL.createObjectURL = origCreateObjectURL;
    (os as { cpus: typeof os.cpus }).cpus = origCpus;
    // 6. Running pthread workers are ref'd and would keep Deno alive: unref them.
    const pthread = (tf.backend() as unknown as {
      wasm?: { PThread?: { unusedWorkers: NodeWorker[]; runningWorkers: NodeWorker[] } };
    })?.wasm?.PThread;
    if (pthread) { for (const w of [...pthread.unusedWorkers, ...pthread.runningWorkers]) w.unref?.(); }
  }
}
