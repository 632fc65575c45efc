/**
 * `deno task bench`: training throughput per model on the chosen backend,
 * against the tfjs `cpu` backend (small CNN) and, with `--peer`, PyTorch on
 * the same machine. Writes `outputs/bench/train-<time>.json` and `latest.json`.
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendName, BACKENDS, currentBackend, initBackend } from "../lib/backend.ts";
import { measureTrainThroughput, type ThroughputResult } from "../lib/bench/throughput.ts";
import { type PeerResult, runPeer } from "../lib/bench/peer.ts";
import { benchWasmKernels, type KernelTiming } from "../lib/bench/kernels.ts";
import { type KernelShare, profileTrainStep } from "../lib/bench/profile.ts";
import { formatTable, intOption, runMain, startTask, UsageError, writeFileAtomic } from "../lib/cli.ts";
import { listModels } from "../lib/models/mod.ts";
import { formatGradCamTimings, type GradCamTiming, timeGradCam } from "../lib/bench/gradcam_timing.ts";

const USAGE = `Usage: deno task bench [options]

  --models a,b     models to time (default: all: ${listModels().join(",")})
  --size N[,N]     input side(s) (default 224; e.g. 128,224)
  --batch N        images per step (default 8)
  --steps N        timed steps after one warm-up (default 3)
  --cpu-size N     input side for the wasm-vs-cpu comparison of the small CNN (default 64)
  --no-cpu         skip the cpu comparison
  --peer           also run the PyTorch peer (needs python3-torch) and report ratios
  --kernels        also time the wasm training kernels against the forward conv and the built-ins
  --in-process     time all models in this process, on the first of --backends (default: a process each)
  --timeout S      seconds before a model's process is stopped and reported as timed out (default 600)
  --gradcam        also time one Grad-CAM per model (mean of 2 after a warm-up) at each --size, in this process
  --profile        also list the slowest kernels of one training step per model (at the last size)
  --backends a,b   time each model on each of these backends, one process each (default: the chosen
                   backend, and wasm beside it when that is onednn)
  --out DIR        output folder (default outputs/bench)
  --backend NAME   tensorflow | onednn | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(USAGE, {
  models: { type: "string" },
  size: { type: "string" },
  batch: { type: "string" },
  steps: { type: "string" },
  "cpu-size": { type: "string" },
  "no-cpu": { type: "boolean" },
  peer: { type: "boolean" },
  kernels: { type: "boolean" },
  profile: { type: "boolean" },
  gradcam: { type: "boolean" },
  "in-process": { type: "boolean" },
  timeout: { type: "string" },
  backends: { type: "string" },
  out: { type: "string" },
});

await runMain(async () => {
  const sizes = String(args.size ?? "224").split(",").map((v) => intOption("size", v, 224));
  const batchSize = intOption("batch", args.batch, 8);
  const steps = intOption("steps", args.steps, 3);
  const cpuSize = intOption("cpu-size", args["cpu-size"], 64);
  const timeoutS = intOption("timeout", args.timeout, 600);
  const models = args.models ? String(args.models).split(",") : listModels();
  const unknown = models.filter((m) => !listModels().includes(m));
  if (unknown.length > 0) {
    throw new UsageError(`unknown model(s) ${unknown.join(", ")}. Valid models are: ${listModels().join(", ")}`);
  }
  const backend = currentBackend()!.name;
  const backends = args.backends
    ? String(args.backends).split(",")
    : backend === "onednn"
    ? ["onednn", "wasm"]
    : [backend];
  const unknownBackends = backends.filter((b) => !(BACKENDS as readonly string[]).includes(b));
  if (unknownBackends.length > 0) {
    throw new UsageError(
      `unknown backend(s) ${unknownBackends.join(", ")}. Valid backends are: ${BACKENDS.join(", ")}`,
    );
  }

  const results: ThroughputResult[] = [];
  const peer: PeerResult[] = [];
  const perProcess = (models.length > 1 || sizes.length > 1 || backends.length > 1) && !args["in-process"];
  if (perProcess) {
    // One process per model, size and backend: the wasm heap never shrinks, and a model
    // that exhausts it (VGG16's top did) breaks everything after it in the process.
    for (const name of models) {
      for (const size of sizes) {
        for (const childBackend of backends) {
          const dir = await Deno.makeTempDir();
          // A model near wasm's 4 GiB can stall rather than fail (VGG16 with its full top at 224x224).
          const timer = new AbortController();
          const timeout = setTimeout(() => timer.abort(), timeoutS * 1000);
          try {
            const child = await new Deno.Command(Deno.execPath(), {
              args: [
                "run",
                "-A",
                new URL(import.meta.url).pathname,
                "--models",
                name,
                "--size",
                String(size),
                "--batch",
                String(batchSize),
                "--steps",
                String(steps),
                "--no-cpu",
                "--out",
                dir,
                "--backend",
                childBackend,
                "--backends",
                childBackend,
              ],
              stdout: "null",
              stderr: "inherit",
              signal: timer.signal,
            }).output();
            const where = `${name} at ${size}x${size} on ${childBackend}`;
            if (timer.signal.aborted) {
              console.error(`[bench] ${where}: stopped after ${timeoutS} s (--timeout)`);
            } else if (!child.success) {
              console.error(`[bench] ${where}: its process failed (exit ${child.code})`);
            } else results.push(...JSON.parse(await Deno.readTextFile(`${dir}/latest.json`)).results);
          } finally {
            clearTimeout(timeout);
            await Deno.remove(dir, { recursive: true });
          }
        }
        // The peer right after each model, so both see the same machine load.
        if (args.peer) peer.push(...await runPeer([name], size, batchSize));
      }
    }
  } else {
    if (backends.length > 1 || backends[0] !== backend) await initBackend(backends[0] as BackendName);
    for (const size of sizes) {
      for (const name of models) {
        console.error(`[bench] ${name} ${size}x${size} batch ${batchSize} on ${backends[0]}...`);
        try {
          results.push(await measureTrainThroughput(name, { size, batchSize, steps }));
        } catch (e) {
          // One model that cannot run at this size must not lose the others' figures.
          console.error(`[bench] ${name} at ${size}x${size} skipped: ${(e as Error).message}`);
        }
      }
    }
  }

  let cpuComparison: {
    chosen: ThroughputResult;
    cpu: ThroughputResult;
    ratio: number;
  } | undefined;
  if (!args["no-cpu"] && backend !== "cpu") {
    console.error(
      `[bench] cnn ${cpuSize}x${cpuSize} batch ${batchSize}: ${backend} vs cpu (cpu is slow: about a minute)...`,
    );
    const chosen = await measureTrainThroughput("cnn", {
      size: cpuSize,
      batchSize,
      steps,
    });
    await initBackend("cpu");
    const cpu = await measureTrainThroughput("cnn", {
      size: cpuSize,
      batchSize,
      steps: 1,
    });
    await initBackend(backend);
    cpuComparison = {
      chosen,
      cpu,
      ratio: chosen.imagesPerSecond / cpu.imagesPerSecond,
    };
  }

  let kernels: KernelTiming[] = [];
  if (args.kernels) {
    if (backend !== "wasm") {
      console.error(`[bench] --kernels times the wasm kernels: skipped on ${backend}`);
    } else {
      console.error("[bench] timing wasm training kernels...");
      kernels = benchWasmKernels();
    }
  }

  const gradcam: GradCamTiming[] = [];
  if (args.gradcam) {
    for (const size of sizes) {
      for (const name of models) {
        console.error(`[bench] Grad-CAM of ${name} at ${size}x${size} on ${backend}...`);
        try {
          gradcam.push(await timeGradCam(name, { size, runs: 2 }));
        } catch (e) {
          console.error(`[bench] Grad-CAM of ${name} at ${size}x${size} skipped: ${(e as Error).message}`);
        }
      }
    }
  }

  if (args.peer && !perProcess) { for (const size of sizes) peer.push(...await runPeer(models, size, batchSize)); }
  if (args.peer && peer.length === 0) {
    console.error(
      "[bench] no peer figures: install python3-torch and python3-torchvision (apt-get)",
    );
  }

  const fmt = (v: number) => v >= 10 ? v.toFixed(1) : v.toFixed(2);
  const rows = results.map((r) => {
    const p = peer.find((q) => q.model === r.model && q.size === r.size);
    return [
      r.model,
      r.backend,
      `${r.size}`,
      r.microBatchSize < r.batchSize ? `${r.batchSize} (${r.microBatchSize}/pass)` : `${r.batchSize}`,
      (r.params / 1e6).toFixed(2) + "M",
      fmt(r.imagesPerSecond),
      p ? fmt(p.imagesPerSecond) : "-",
      p ? (r.imagesPerSecond / p.imagesPerSecond).toFixed(2) + "x" : "-",
      `${r.tensorsLeaked}`,
    ];
  });
  console.log(
    formatTable(
      [
        "model",
        "backend",
        "size",
        "batch",
        "params",
        "img/s",
        "torch img/s",
        "vs torch",
        "leaked",
      ],
      rows,
    ),
  );
  if (cpuComparison) {
    const { chosen, cpu, ratio } = cpuComparison;
    console.log(
      `\ncnn at ${cpuSize}x${cpuSize}, batch ${batchSize}: ${chosen.backend} ${fmt(chosen.imagesPerSecond)} img/s, ` +
        `cpu ${fmt(cpu.imagesPerSecond)} img/s: ${ratio.toFixed(0)}x (target: at least 50x)`,
    );
  }

  if (kernels.length > 0) {
    const ms = (v?: number) => (v == null || Number.isNaN(v) ? "-" : v.toFixed(1));
    console.log(
      "\n" + formatTable(
        ["kernel", "layer", "forward ms", "ours ms", "built-in ms", "built-in/ours"],
        kernels.map((k) => [
          k.kernel,
          k.layer,
          ms(k.forwardMs),
          ms(k.oursMs),
          ms(k.builtinMs),
          k.builtinMs == null ? "(missing)" : (k.builtinMs / k.oursMs).toFixed(1) + "x",
        ]),
      ),
    );
  }

  if (gradcam.length > 0) console.log("\n" + formatGradCamTimings(gradcam));

  const profiles: { model: string; size: number; stepMs: number; top: KernelShare[] }[] = [];
  if (args.profile) {
    const size = sizes[sizes.length - 1];
    for (const name of models) {
      try {
        const p = await profileTrainStep(name, size, batchSize);
        profiles.push({ model: name, size, stepMs: p.stepMs, top: p.kernels.slice(0, 6) });
        console.log(
          `\n${name} ${size}x${size}: one step ${p.stepMs.toFixed(0)} ms; slowest kernels: ` +
            p.kernels.slice(0, 6).map((k) => `${k.kernel} ${k.ms.toFixed(0)} ms (${k.calls})`).join(", "),
        );
      } catch (e) {
        console.error(`[bench] profile of ${name} skipped: ${(e as Error).message}`);
      }
    }
  }

  const report = {
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    tfjs: tf.version.tfjs,
    backend: currentBackend(),
    backends,
    hardwareConcurrency: navigator.hardwareConcurrency,
    results,
    cpuComparison,
    peer,
    kernels,
    profiles,
    gradcam,
  };
  const outDir = String(args.out ?? "outputs/bench");
  const stamp = report.date.replace(/[:.]/g, "-");
  await writeFileAtomic(
    `${outDir}/train-${stamp}.json`,
    JSON.stringify(report, null, 2),
  );
  await writeFileAtomic(`${outDir}/latest.json`, JSON.stringify(report, null, 2));
  console.error(`[bench] wrote ${outDir}/train-${stamp}.json`);
});
