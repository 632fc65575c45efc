/**
 * Recycles the large float32 arrays the `onednn` kernels write.
 *
 * A fresh 8 MB array costs more than the work done in it: the kernel's
 * first touch of each new page faults (measured: a ReLU over 2M values took
 * 0.35 ms into a warm array, 1.4-2.4 ms into a new one). Training makes and
 * frees the same shapes every step, so freed outputs are kept by length and
 * handed to the next kernel that needs that length.
 *
 * Only arrays this pool made are recycled, and only once tfjs drops their
 * last reference. What could still see a recycled array is guarded where
 * the backend hands data out: reads return copies, and a fallback kernel's
 * output that shares a pooled buffer (tfjs' cpu Slice returns views) is
 * copied out of it.
 *
 * @module
 */

/** Arrays below this many values are left to the garbage collector. */
const MIN_POOLED_LENGTH = 1 << 14;

/** Free arrays kept by length, within a byte budget. */
export class BufferPool {
  #free = new Map<number, Float32Array[]>();
  #owned = new WeakSet<ArrayBuffer>();
  #bytes = 0;
  #capacityBytes: number;

  /** @param capacityBytes The most bytes kept free at once. */
  constructor(capacityBytes: number) {
    this.#capacityBytes = capacityBytes;
  }

  /**
   * An array of `length` values; a recycled one holds old values, so the
   * caller writes every element (or asks for `zeroed`).
   */
  take(length: number, zeroed = false): Float32Array {
    if (length < MIN_POOLED_LENGTH) return new Float32Array(length);
    const list = this.#free.get(length);
    const recycled = list?.pop();
    if (recycled != null) {
      this.#bytes -= recycled.byteLength;
      if (zeroed) recycled.fill(0);
      return recycled;
    }
    const fresh = new Float32Array(length);
    this.#owned.add(fresh.buffer);
    return fresh;
  }

  /** Whether `a` lies in an array this pool made. */
  owns(a: ArrayBufferView): boolean {
    return this.#owned.has(a.buffer as ArrayBuffer);
  }

  /** Takes back an array nothing refers to any more; arrays it did not make are ignored. */
  give(a: Float32Array): void {
    if (!this.owns(a) || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
    if (this.#bytes + a.byteLength > this.#capacityBytes) return;
    let list = this.#free.get(a.length);
    if (list == null) this.#free.set(a.length, list = []);
    list.push(a);
    this.#bytes += a.byteLength;
  }

  /** Bytes held free now. */
  get freeBytes(): number {
    return this.#bytes;
  }

  /** Drops every free array (to the garbage collector). */
  clear(): void {
    this.#free.clear();
    this.#bytes = 0;
  }
}

/**
 * Bytes the `onednn` backend's pool keeps free: a quarter of the machine's
 * memory (6 GiB on 24). It only ever holds arrays that were live at once
 * before; 1 GiB overflowed during DenseNet121's backward pass at 224x224
 * (batch 8), and the fresh arrays cost 250 ms of a 1.8 s step.
 */
function poolCapacity(): number {
  try {
    return Math.floor(Deno.systemMemoryInfo().total / 4);
  } catch {
    return 2 ** 31; // no --allow-sys: 2 GiB
  }
}

/** The pool of the `onednn` backend. */
export const bufferPool = new BufferPool(poolCapacity());
