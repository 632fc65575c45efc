/**
 * Finds and opens oneDNN (Intel's deep-learning primitives, the library
 * PyTorch's CPU convolutions run on) through `Deno.dlopen`.
 *
 * Where: `LUMBAR_DNNL_PATH`, else `libdnnl.so.2` (Debian 12's `libdnnl2`,
 * v2.6), else Homebrew's `libdnnl.dylib`. The C API of version 3 dropped the
 * `*_desc_init` functions this backend is written against, so a v3 library
 * is opened only to name its version in the refusal.
 *
 * Threads: oneDNN's Debian build runs on OpenMP, which reads
 * `OMP_NUM_THREADS` once, when it loads. It is set here to the cores unless
 * the user set it, and pinned so that every run splits work (and so sums
 * floating-point partial results) the same way.
 *
 * @module
 */

/** The C functions this backend calls, with their FFI signatures. */
const SYMBOLS = {
  dnnl_version: { parameters: [], result: "pointer" },
  dnnl_get_effective_cpu_isa: { parameters: [], result: "i32" },
  dnnl_engine_create: { parameters: ["buffer", "i32", "usize"], result: "i32" },
  dnnl_stream_create: { parameters: ["buffer", "pointer", "u32"], result: "i32" },
  dnnl_stream_wait: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_desc_init_by_tag: { parameters: ["buffer", "i32", "buffer", "i32", "i32"], result: "i32" },
  dnnl_memory_desc_init_submemory: { parameters: ["buffer", "buffer", "buffer", "buffer"], result: "i32" },
  dnnl_memory_desc_equal: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_memory_desc_get_size: { parameters: ["pointer"], result: "usize" },
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_data_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_pooling_v2_forward_desc_init: {
    parameters: ["buffer", "i32", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_pooling_v2_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_batch_normalization_forward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_batch_normalization_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_eltwise_forward_desc_init: { parameters: ["buffer", "i32", "i32", "buffer", "f32", "f32"], result: "i32" },
  dnnl_eltwise_backward_desc_init: { parameters: ["buffer", "i32", "buffer", "buffer", "f32", "f32"], result: "i32" },
  dnnl_binary_desc_init: { parameters: ["buffer", "i32", "buffer", "buffer", "buffer"], result: "i32" },
  dnnl_primitive_attr_create: { parameters: ["buffer"], result: "i32" },
  dnnl_primitive_attr_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_attr_set_post_ops: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_post_ops_create: { parameters: ["buffer"], result: "i32" },
  dnnl_post_ops_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_post_ops_append_eltwise: { parameters: ["pointer", "f32", "i32", "f32", "f32"], result: "i32" },
  dnnl_primitive_desc_create: { parameters: ["buffer", "buffer", "pointer", "pointer", "pointer"], result: "i32" },
  dnnl_primitive_desc_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_desc_query_md: { parameters: ["pointer", "i32", "i32"], result: "pointer" },
  dnnl_primitive_desc_query: { parameters: ["pointer", "i32", "i32", "buffer"], result: "i32" },
  dnnl_reorder_primitive_desc_create: {
    parameters: ["buffer", "pointer", "pointer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_create: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_primitive_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_execute: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  dnnl_memory_create: { parameters: ["buffer", "pointer", "pointer", "pointer"], result: "i32" },
  dnnl_memory_set_data_handle: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_memory_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_sgemm: {
    parameters: ["i8", "i8", "i64", "i64", "i64", "f32", "pointer", "i64", "pointer", "i64", "f32", "pointer", "i64"],
    result: "i32",
  },
} as const;

/** The opened library's functions. */
export type DnnlSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** Raised when oneDNN cannot be found or is a version this backend does not speak. */
export class OneDnnUnavailableError extends Error {
  /** What was tried, without the install hint. */
  readonly tried: string;
  /**
   * @param tried What was tried and why each failed.
   */
  constructor(tried: string) {
    super(`oneDNN 2.x was not found (${tried}). ${ONEDNN_INSTALL_HINT}`);
    this.name = "OneDnnUnavailableError";
    this.tried = tried;
  }
}

/** The install line for each system, for messages. */
export const ONEDNN_INSTALL_HINT =
  "Install oneDNN 2.x: `deno task setup:native` (Debian/Ubuntu: `apt-get install libdnnl2`; " +
  "elsewhere build oneDNN v2.7 from source and set LUMBAR_DNNL_PATH to its libdnnl.so). See README, Backends";

/** CPU instruction sets oneDNN reports (`dnnl_cpu_isa_t`), by value. */
const ISA_NAMES: Record<number, string> = {
  0x0: "all",
  0x1: "sse41",
  0x3: "avx",
  0x7: "avx2",
  0x407: "avx2_vnni",
  0xf: "avx512_mic",
  0x1f: "avx512_mic_4ops",
  0x27: "avx512_core",
  0x67: "avx512_core_vnni",
  0xe7: "avx512_core_bf16",
  0x3e7: "avx512_core_amx",
};

/** An opened oneDNN with what it says about itself. */
export interface DnnlLibrary {
  symbols: DnnlSymbols;
  /** The file it was opened from. */
  path: string;
  /** `dnnl_version()`, as "2.6.3". */
  version: string;
  /** The instruction set its kernels use, as "avx512_core". */
  isa: string;
  /** OpenMP threads it runs on. */
  threads: number;
}

/** Candidate files, in the order tried. */
export function dnnlCandidates(): string[] {
  const fromEnv = envOr("LUMBAR_DNNL_PATH", "");
  if (fromEnv !== "") return [fromEnv];
  if (Deno.build.os === "darwin") {
    return ["/opt/homebrew/lib/libdnnl.2.dylib", "/usr/local/lib/libdnnl.2.dylib", "libdnnl.2.dylib", "libdnnl.dylib"];
  }
  return ["libdnnl.so.2", "libdnnl.so"];
}

function envOr(name: string, fallback: string): string {
  try {
    return Deno.env.get(name) ?? fallback;
  } catch {
    return fallback;
  }
}

/** Reads `dnnl_version()`'s struct {int major, minor, patch; ...}. */
function readVersion(ptr: Deno.PointerValue): string {
  if (ptr == null) return "unknown";
  const view = new Deno.UnsafePointerView(ptr);
  return `${view.getInt32(0)}.${view.getInt32(4)}.${view.getInt32(8)}`;
}

let opened: DnnlLibrary | undefined;
let failure: string | undefined;

/** Threads oneDNN should use: `OMP_NUM_THREADS`, else one per core. */
function pinThreads(): number {
  const set = Number(envOr("OMP_NUM_THREADS", ""));
  if (Number.isInteger(set) && set > 0) return set;
  const cores = Math.max(1, navigator.hardwareConcurrency ?? 1);
  try {
    Deno.env.set("OMP_NUM_THREADS", String(cores));
  } catch {
    // no env permission: OpenMP takes its own default, one thread per core
  }
  return cores;
}

/**
 * Opens oneDNN once and returns it.
 *
 * @returns The library, with its path, version, ISA and threads.
 * @throws {OneDnnUnavailableError} When no candidate opens, or the one found is not version 2.
 * @example
 * ```ts
 * const lib = openDnnl();
 * console.log(lib.version); // "2.6.3" on Debian 12
 * ```
 */
export function openDnnl(): DnnlLibrary {
  if (opened != null) return opened;
  if (failure != null) throw new OneDnnUnavailableError(failure);
  const tried: string[] = [];
  const threads = pinThreads();
  for (const path of dnnlCandidates()) {
    let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
    try {
      lib = Deno.dlopen(path, SYMBOLS);
    } catch (e) {
      tried.push(`${path}: ${firstLine((e as Error).message)}`);
      continue;
    }
    const version = readVersion(lib.symbols.dnnl_version());
    if (!version.startsWith("2.")) {
      lib.close();
      tried.push(`${path}: version ${version}, and this backend speaks the oneDNN 2.x C API`);
      continue;
    }
    const isa = ISA_NAMES[lib.symbols.dnnl_get_effective_cpu_isa()] ?? "unknown";
    opened = { symbols: lib.symbols, path, version, isa, threads };
    return opened;
  }
  const v3 = findVersion3();
  if (v3 != null) tried.push(v3);
  failure = tried.join("; ");
  throw new OneDnnUnavailableError(failure);
}

/** Names a v3 library if one is installed, so the refusal can say what was found. */
function findVersion3(): string | undefined {
  const names = Deno.build.os === "darwin" ? ["libdnnl.3.dylib"] : ["libdnnl.so.3"];
  for (const path of names) {
    try {
      const lib = Deno.dlopen(path, { dnnl_version: SYMBOLS.dnnl_version });
      const version = readVersion(lib.symbols.dnnl_version());
      lib.close();
      return `${path}: version ${version} found, whose C API (v3) this backend does not speak yet`;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** Whether oneDNN 2.x can be opened here (without throwing). */
export function dnnlAvailable(): boolean {
  try {
    openDnnl();
    return true;
  } catch {
    return false;
  }
}

/** The first line of a dlopen error, without Deno's repeated "Could not open library: " prefixes. */
function firstLine(s: string): string {
  return s.split("\n")[0].replace(/^(Could not open library: )+/, "");
}
