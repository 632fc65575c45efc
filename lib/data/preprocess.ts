/**
 * Decoding images to model input: grayscale, resized, scaled to [0,1], with
 * a disk cache so epochs never decode twice and a memory bound so data sets
 * larger than memory stream from the cache.
 *
 * @module
 */
import sharp from "sharp";
import { writeFileAtomic } from "../cli.ts";
import { hasDicomPreamble } from "./dataset.ts";
import { decodeDicom } from "./dicom.ts";

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Output side: images are resized to `size x size` (stretched, as Keras does). Default 224. */
  size?: number;
}

/** Raised when an image cannot be decoded; the message names the file. */
export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageDecodeError";
  }
}

/**
 * Area-weighted resize of a grayscale image (bilinear when enlarging).
 *
 * @returns `size * size` values.
 */
export function resizeGray(src: Float32Array, width: number, height: number, size: number): Float32Array {
  const out = new Float32Array(size * size);
  const sx = width / size, sy = height / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (sx <= 1 && sy <= 1) {
        // Enlarging: bilinear.
        const fx = Math.min(width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
        const fy = Math.min(height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
        const x0 = Math.floor(fx), y0 = Math.floor(fy);
        const x1 = Math.min(width - 1, x0 + 1), y1 = Math.min(height - 1, y0 + 1);
        const ax = fx - x0, ay = fy - y0;
        out[y * size + x] = (1 - ay) * ((1 - ax) * src[y0 * width + x0] + ax * src[y0 * width + x1]) +
          ay * ((1 - ax) * src[y1 * width + x0] + ax * src[y1 * width + x1]);
      } else {
        // Shrinking: mean of the source pixels the output pixel covers.
        const xa = Math.floor(x * sx), xb = Math.max(xa + 1, Math.floor((x + 1) * sx));
        const ya = Math.floor(y * sy), yb = Math.max(ya + 1, Math.floor((y + 1) * sy));
        let sum = 0;
        for (let yy = ya; yy < Math.min(yb, height); yy++) {
          for (let xx = xa; xx < Math.min(xb, width); xx++) sum += src[yy * width + xx];
        }
        out[y * size + x] = sum / ((Math.min(yb, height) - ya) * (Math.min(xb, width) - xa));
      }
    }
  }
  return out;
}

/**
 * Decodes an image file to a grayscale `size x size` Float32Array in [0,1].
 *
 * PNG, JPEG, BMP, TIFF via sharp: colour and alpha are flattened to gray
 * (alpha over black), 16-bit images keep their precision (scaled by 65535).
 * DICOM via the registered decoder (windowed to [0,1]), resized here.
 *
 * @throws {ImageDecodeError} Naming the file and the reason.
 */
export async function decodeImage(path: string, options: DecodeOptions = {}): Promise<Float32Array> {
  const { size = 224 } = options;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new ImageDecodeError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  if (bytes.length === 0) throw new ImageDecodeError(`Cannot decode ${path}: empty file (0 bytes)`);
  if (hasDicomPreamble(bytes) || path.toLowerCase().endsWith(".dcm")) {
    try {
      const img = decodeDicom(bytes, path);
      return resizeGray(img.pixels, img.width, img.height, size);
    } catch (e) {
      throw new ImageDecodeError(
        (e as Error).message.includes(path) ? (e as Error).message : `${path}: ${(e as Error).message}`,
      );
    }
  }
  try {
    const meta = await sharp(bytes).metadata();
    const sixteen = meta.depth === "ushort" || meta.depth === "short";
    let pipeline = sharp(bytes, { failOn: "error" });
    if (meta.hasAlpha) pipeline = pipeline.flatten({ background: "#000000" });
    // greyscale() alone goes through 8-bit sRGB; grey16 keeps 16-bit data.
    pipeline = sixteen ? pipeline.toColourspace("grey16") : pipeline.greyscale();
    const { data } = await pipeline
      .resize(size, size, { fit: "fill", kernel: "lanczos3" })
      .raw({ depth: sixteen ? "ushort" : "uchar" })
      .toBuffer({ resolveWithObject: true });
    const scale = sixteen ? 65535 : 255;
    const values = sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : data;
    const out = new Float32Array(size * size);
    for (let i = 0; i < out.length; i++) out[i] = values[i] / scale;
    return out;
  } catch (e) {
    throw new ImageDecodeError(`Cannot decode ${path}: ${(e as Error).message}`);
  }
}

/** Options of {@link ImageCache}. */
export interface ImageCacheOptions {
  /** Output side. Default 224. */
  size?: number;
  /** Folder for decoded images (`.f32` files); none keeps them in memory only. */
  dir?: string;
  /** Most bytes kept in memory; older images are dropped (and re-read from `dir`). Default 1 GiB. */
  maxMemoryBytes?: number;
}

async function cacheKey(path: string, size: number): Promise<string> {
  const stat = await Deno.stat(path);
  const text = `${path}|${stat.size}|${stat.mtime?.getTime() ?? 0}|${size}|v1`;
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(hash.slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Decoded images, kept in memory up to a bound and on disk without one, so
 * a later epoch (or run) reads floats instead of decoding again. Keys include
 * the file's size and modification time: an edited file is decoded anew.
 */
export class ImageCache {
  readonly size: number;
  readonly dir?: string;
  readonly maxMemoryBytes: number;
  #memory = new Map<string, Float32Array>();
  #bytes = 0;
  /** Decodes done (cache misses), for tests and progress. */
  decodes = 0;

  constructor(options: ImageCacheOptions = {}) {
    this.size = options.size ?? 224;
    this.dir = options.dir;
    this.maxMemoryBytes = options.maxMemoryBytes ?? 1 << 30;
  }

  /**
   * The decoded image of `path`.
   *
   * @throws {ImageDecodeError} When the file cannot be decoded.
   */
  async get(path: string): Promise<Float32Array> {
    const hit = this.#memory.get(path);
    if (hit) {
      // Refresh its place in the LRU order.
      this.#memory.delete(path);
      this.#memory.set(path, hit);
      return hit;
    }
    let values: Float32Array | undefined;
    const file = this.dir ? `${this.dir}/${await cacheKey(path, this.size)}.f32` : undefined;
    if (file) {
      try {
        const bytes = await Deno.readFile(file);
        if (bytes.byteLength === this.size * this.size * 4) {
          values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
        }
      } catch {
        // not cached yet
      }
    }
    if (values == null) {
      values = await decodeImage(path, { size: this.size });
      this.decodes++;
      if (file) await writeFileAtomic(file, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
    this.#remember(path, values);
    return values;
  }

  #remember(path: string, values: Float32Array): void {
    this.#memory.set(path, values);
    this.#bytes += values.byteLength;
    for (const [key, v] of this.#memory) {
      if (this.#bytes <= this.maxMemoryBytes) break;
      this.#memory.delete(key);
      this.#bytes -= v.byteLength;
    }
  }
}
