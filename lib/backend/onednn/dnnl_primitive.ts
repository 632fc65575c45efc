/**
 * oneDNN primitives over JavaScript arrays: an engine and stream, memory
 * descriptors, and {@link DnnlPrimitive}, which executes one primitive on
 * typed arrays (no copies where the primitive takes the caller's layout;
 * a cached reorder where it prefers its own, as it does for conv weights).
 *
 * Primitives are built once per shape and kept ({@link primitiveCache}):
 * creating one costs about a millisecond, running a small one microseconds.
 *
 * @module
 */
import { type DnnlLibrary, type DnnlSymbols, openDnnl } from "./dnnl_library.ts";

/** Values from oneDNN 2.6's `dnnl_types.h` (checked with a C program against the installed headers). */
export const DNNL = {
  f32: 3,
  tag: { any: 1, a: 2, ab: 3, ba: 22, abc: 4, acb: 17, abcd: 5, abcde: 7, nhwc: 20, hwio: 30, hwigo: 33 },
  prop: { forwardTraining: 64, forwardInference: 96, backward: 128, backwardData: 160, backwardWeights: 192 },
  alg: {
    convolutionDirect: 1,
    eltwiseRelu: 31,
    eltwiseClip: 255,
    binaryAdd: 131056,
    binaryMul: 131057,
    binaryMax: 131058,
    binaryMin: 131059,
    binaryDiv: 131060,
    binarySub: 131061,
    poolingMax: 511,
    poolingAvgIncludePadding: 767,
    poolingAvgExcludePadding: 1023,
  },
  flags: { useGlobalStats: 1, fuseNormRelu: 4, useScale: 8, useShift: 16 },
  query: {
    implInfoStr: 8,
    srcMd: 129,
    diffSrcMd: 130,
    weightsMd: 131,
    diffWeightsMd: 132,
    dstMd: 133,
    diffDstMd: 134,
    workspaceMd: 135,
  },
  arg: {
    src: 1,
    src1: 2,
    dst: 17,
    weights: 33,
    bias: 41,
    mean: 49,
    variance: 50,
    scale: 51,
    shift: 52,
    workspace: 64,
    diffSrc: 129,
    diffDst: 145,
    diffWeights: 161,
    diffBias: 169,
    diffScale: 255,
    diffShift: 256,
  },
  sizeofMemoryDesc: 696,
  /** Larger than every op descriptor of 2.6 (the convolution's, 5976 bytes, is the largest). */
  opDescBytes: 8192,
} as const;

/** The engine and stream every primitive runs on. */
export interface DnnlContext {
  lib: DnnlLibrary;
  dnnl: DnnlSymbols;
  engine: Deno.PointerValue;
  stream: Deno.PointerValue;
}

let context: DnnlContext | undefined;

/** Raised when a oneDNN call returns an error status. */
export class DnnlError extends Error {
  /** @param message The call and its status. */
  constructor(message: string) {
    super(message);
    this.name = "DnnlError";
  }
}

const STATUS: Record<number, string> = {
  1: "out of memory",
  2: "invalid arguments",
  3: "unimplemented",
  4: "iterator ends",
  5: "runtime error",
  6: "not required",
};

/** Throws a {@link DnnlError} naming `what` when `status` is not success. */
export function check(status: number, what: string): void {
  if (status !== 0) throw new DnnlError(`oneDNN ${what} failed: ${STATUS[status] ?? `status ${status}`}`);
}

/**
 * An op descriptor filled by `init` (a `dnnl_*_desc_init` call given the
 * buffer), checked: a failure names the call.
 */
export function opDesc(what: string, init: (desc: Uint8Array) => number): Uint8Array {
  const desc = new Uint8Array(DNNL.opDescBytes);
  check(init(desc), what);
  return desc;
}

/** Reads the pointer an out-parameter call wrote. */
function outPointer(cell: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(cell[0]);
}

/** The oneDNN engine and stream, created on first use. */
export function dnnlContext(): DnnlContext {
  if (context != null) return context;
  const lib = openDnnl();
  const dnnl = lib.symbols;
  const cell = new BigUint64Array(1);
  check(dnnl.dnnl_engine_create(cell, 1, 0n), "engine_create");
  const engine = outPointer(cell);
  check(dnnl.dnnl_stream_create(cell, engine, 1), "stream_create");
  context = { lib, dnnl, engine, stream: outPointer(cell) };
  return context;
}

/**
 * A memory descriptor: f32, logical dims (N, C, H, W order for activations),
 * physical layout by `tag`.
 */
export function memoryDesc(dims: readonly number[], tag: number): Uint8Array {
  const { dnnl } = dnnlContext();
  const md = new Uint8Array(DNNL.sizeofMemoryDesc);
  check(dnnl.dnnl_memory_desc_init_by_tag(md, dims.length, dims64(dims), DNNL.f32, tag), "memory_desc_init_by_tag");
  return md;
}

/** A block of `dims` at `offsets` inside a tensor of layout `parent`, as oneDNN's submemory. */
export function subMemoryDesc(parent: Uint8Array, dims: readonly number[], offsets: readonly number[]): Uint8Array {
  const { dnnl } = dnnlContext();
  const md = new Uint8Array(DNNL.sizeofMemoryDesc);
  check(dnnl.dnnl_memory_desc_init_submemory(md, parent, dims64(dims), dims64(offsets)), "memory_desc_init_submemory");
  return md;
}

/** Dims as the int64 array oneDNN takes. */
export function dims64(dims: readonly number[]): BigInt64Array {
  return BigInt64Array.from(dims, (d) => BigInt(d));
}

/** A typed array's address for the duration of one call. */
function addressOf(a: ArrayBufferView): Deno.PointerValue {
  return Deno.UnsafePointer.of(a as unknown as BufferSource);
}

/** One argument of a primitive: which one, and the layout the caller keeps it in. */
export interface DnnlArgSpec {
  /** `DNNL_ARG_*`. */
  arg: number;
  /** The `dnnl_query_*_md` that gives the primitive's own layout for it. Absent: the caller's layout is the one. */
  query?: number;
  /** Which of that query's memories (the bias is weights_md index 1). Default 0. */
  index?: number;
  /** The caller's layout. Absent: the caller uses the primitive's (a workspace, or a descriptor with no `any`). */
  user?: Uint8Array;
  /** Whether the primitive writes it. */
  output?: boolean;
}

interface BoundArg {
  spec: DnnlArgSpec;
  /** Memory the primitive reads or writes. */
  mem: Deno.PointerValue;
  /** Where the layouts differ: the caller's memory, a reorder and a buffer in the primitive's layout. */
  reorder?: { prim: Deno.PointerValue; userMem: Deno.PointerValue; buffer: Uint8Array };
}

/**
 * One oneDNN primitive, ready to run on typed arrays.
 *
 * Not thread-safe and not reentrant: each holds its scratch buffers.
 */
export class DnnlPrimitive {
  #ctx: DnnlContext;
  #pd: Deno.PointerValue;
  #prim: Deno.PointerValue;
  #args: BoundArg[];
  #execArgs: Uint8Array;
  #mems: Deno.PointerValue[];
  /** Which implementation oneDNN chose, as "brg:avx512_core". */
  readonly impl: string;

  /**
   * @param opDesc An op descriptor filled by a `dnnl_*_desc_init`, or the two layouts of a reorder (a copy
   *   between layouts, or between blocks of two tensors described as submemories).
   * @param args The arguments, each with the caller's layout.
   * @param options A post-op attribute and, for backward primitives, the forward one as a hint.
   */
  constructor(
    opDesc: Uint8Array | { from: Uint8Array; to: Uint8Array },
    args: readonly DnnlArgSpec[],
    options: { attr?: Deno.PointerValue; hint?: DnnlPrimitive } = {},
  ) {
    const ctx = dnnlContext();
    const { dnnl } = ctx;
    this.#ctx = ctx;
    const cell = new BigUint64Array(1);
    const hint = options.hint != null ? options.hint.#pd : null;
    check(
      opDesc instanceof Uint8Array
        ? dnnl.dnnl_primitive_desc_create(cell, opDesc, options.attr ?? null, ctx.engine, hint)
        : dnnl.dnnl_reorder_primitive_desc_create(
          cell,
          addressOf(opDesc.from),
          ctx.engine,
          addressOf(opDesc.to),
          ctx.engine,
          null,
        ),
      "primitive_desc_create",
    );
    this.#pd = outPointer(cell);
    check(dnnl.dnnl_primitive_create(cell, this.#pd), "primitive_create");
    this.#prim = outPointer(cell);
    const info = new BigUint64Array(1);
    this.impl = dnnl.dnnl_primitive_desc_query(this.#pd, DNNL.query.implInfoStr, 0, info) === 0
      ? new Deno.UnsafePointerView(Deno.UnsafePointer.create(info[0])!).getCString()
      : "unknown";
    this.#args = args.map((spec) => this.#bind(spec));
    this.#mems = this.#args.map((a) => a.mem);
    this.#execArgs = new Uint8Array(16 * this.#args.length);
    const view = new DataView(this.#execArgs.buffer);
    this.#args.forEach((a, i) => {
      view.setInt32(16 * i, a.spec.arg, true);
      view.setBigUint64(16 * i + 8, BigInt(Deno.UnsafePointer.value(a.mem)), true);
    });
  }

  /** Bytes of the primitive's own layout for a query, as a workspace needs. */
  bytesOf(query: number): number {
    const md = this.#ctx.dnnl.dnnl_primitive_desc_query_md(this.#pd, query, 0);
    return md == null ? 0 : Number(this.#ctx.dnnl.dnnl_memory_desc_get_size(md));
  }

  #memory(md: Deno.PointerValue | Uint8Array): Deno.PointerValue {
    const cell = new BigUint64Array(1);
    const mdPtr = md instanceof Uint8Array ? addressOf(md) : md;
    check(this.#ctx.dnnl.dnnl_memory_create(cell, mdPtr, this.#ctx.engine, null), "memory_create");
    return outPointer(cell);
  }

  #bind(spec: DnnlArgSpec): BoundArg {
    const { dnnl, engine } = this.#ctx;
    if (spec.query == null) {
      if (spec.user == null) throw new DnnlError(`oneDNN argument ${spec.arg} has neither a query nor a layout`);
      return { spec, mem: this.#memory(spec.user) };
    }
    const own = dnnl.dnnl_primitive_desc_query_md(this.#pd, spec.query, spec.index ?? 0);
    if (own == null) throw new DnnlError(`oneDNN primitive has no memory for query ${spec.query}`);
    if (spec.user == null || dnnl.dnnl_memory_desc_equal(own, addressOf(spec.user)) === 1) {
      return { spec, mem: this.#memory(own) };
    }
    const user = addressOf(spec.user);
    const [from, to] = spec.output ? [own, user] : [user, own];
    const cell = new BigUint64Array(1);
    check(
      dnnl.dnnl_reorder_primitive_desc_create(cell, from, engine, to, engine, null),
      "reorder_primitive_desc_create",
    );
    const rpd = outPointer(cell);
    check(dnnl.dnnl_primitive_create(cell, rpd), "primitive_create (reorder)");
    dnnl.dnnl_primitive_desc_destroy(rpd);
    const buffer = new Uint8Array(Number(dnnl.dnnl_memory_desc_get_size(own)));
    return { spec, mem: this.#memory(own), reorder: { prim: outPointer(cell), userMem: this.#memory(user), buffer } };
  }

  /**
   * Runs the primitive.
   *
   * @param arrays One typed array per argument, in the order of the specs, in the caller's layout.
   */
  execute(arrays: readonly ArrayBufferView[]): void {
    const { dnnl, stream } = this.#ctx;
    const reorderArgs = new Uint8Array(32);
    const rview = new DataView(reorderArgs.buffer);
    const runReorder = (r: NonNullable<BoundArg["reorder"]>, from: Deno.PointerValue, to: Deno.PointerValue) => {
      rview.setInt32(0, DNNL.arg.src, true);
      rview.setBigUint64(8, BigInt(Deno.UnsafePointer.value(from)), true);
      rview.setInt32(16, DNNL.arg.dst, true);
      rview.setBigUint64(24, BigInt(Deno.UnsafePointer.value(to)), true);
      check(dnnl.dnnl_primitive_execute(r.prim, stream, 2, reorderArgs), "reorder");
    };
    for (let i = 0; i < this.#args.length; i++) {
      const a = this.#args[i];
      if (a.reorder == null) {
        check(dnnl.dnnl_memory_set_data_handle(this.#mems[i], addressOf(arrays[i])), "memory_set_data_handle");
        continue;
      }
      check(dnnl.dnnl_memory_set_data_handle(a.reorder.userMem, addressOf(arrays[i])), "memory_set_data_handle");
      check(dnnl.dnnl_memory_set_data_handle(a.mem, addressOf(a.reorder.buffer)), "memory_set_data_handle");
      if (!a.spec.output) runReorder(a.reorder, a.reorder.userMem, a.mem);
    }
    check(dnnl.dnnl_primitive_execute(this.#prim, stream, this.#args.length, this.#execArgs), "primitive_execute");
    for (const a of this.#args) {
      if (a.reorder != null && a.spec.output) runReorder(a.reorder, a.mem, a.reorder.userMem);
    }
    check(dnnl.dnnl_stream_wait(stream), "stream_wait");
  }

  /** Frees the primitive, its memories and reorders. */
  dispose(): void {
    const { dnnl } = this.#ctx;
    for (const a of this.#args) {
      dnnl.dnnl_memory_destroy(a.mem);
      if (a.reorder != null) {
        dnnl.dnnl_primitive_destroy(a.reorder.prim);
        dnnl.dnnl_memory_destroy(a.reorder.userMem);
      }
    }
    this.#args = [];
    dnnl.dnnl_primitive_destroy(this.#prim);
    dnnl.dnnl_primitive_desc_destroy(this.#pd);
  }
}

/** At most this many primitives are kept; the least recently used go first. */
const CACHE_CAPACITY = 1024;
const cache = new Map<string, DnnlPrimitive>();

/**
 * The primitive for `key`, built by `make` the first time.
 *
 * @param key Everything the primitive depends on: kind, shapes, strides, padding, attributes.
 */
export function primitiveCache(key: string, make: () => DnnlPrimitive): DnnlPrimitive {
  let p = cache.get(key);
  if (p != null) {
    cache.delete(key);
    cache.set(key, p);
    return p;
  }
  p = make();
  cache.set(key, p);
  if (cache.size > CACHE_CAPACITY) {
    const [oldKey, old] = cache.entries().next().value!;
    cache.delete(oldKey);
    old.dispose();
  }
  return p;
}

/** How many primitives are cached (for tests of native memory). */
export function cachedPrimitives(): number {
  return cache.size;
}

/** Frees every cached primitive. */
export function clearPrimitiveCache(): void {
  for (const p of cache.values()) p.dispose();
  cache.clear();
}
