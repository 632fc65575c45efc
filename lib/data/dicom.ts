/**
 * Decoding of one DICOM (Part 10) file into a grayscale image in [0, 1].
 *
 * Libraries, chosen after measuring that they load and decode under Deno 2.9.6
 * with `nodeModulesDir: "auto"`:
 * - `dicom-parser` (Cornerstone's parser, maintained, no dependencies) reads the
 *   data set in every uncompressed transfer syntax, including big endian and
 *   deflated, and splits encapsulated pixel data into frames. It does not
 *   decompress pixels.
 * - `jpeg-js` (pure JS, no dependencies) decodes 8-bit JPEG baseline/extended.
 * - `jpeg-lossless-decoder-js` (pure JS, the decoder daikon and Cornerstone use)
 *   decodes JPEG lossless process 14, selection value 1 or any.
 * - RLE Lossless is decoded here (PackBits, a few lines).
 *
 * daikon bundles all of this plus JPEG 2000, but pulls an unpinned dependency
 * (`fflate: "*"`) and a large OpenJPEG build; dcmjs-imaging needs a WebAssembly
 * codec module to be located and initialised asynchronously. The three small
 * pure-JS packages keep `decodeDicom` synchronous and the dependency tree small.
 *
 * Supported transfer syntaxes: implicit VR little endian (1.2.840.10008.1.2),
 * explicit VR little endian (.1.2.1), deflated explicit VR little endian
 * (.1.2.1.99), explicit VR big endian (.1.2.2), JPEG baseline and 8-bit extended
 * (.1.2.4.50, .1.2.4.51), JPEG lossless (.1.2.4.57, .1.2.4.70) and RLE lossless
 * (.1.2.5). JPEG-LS, JPEG 2000, HTJ2K and video syntaxes throw a
 * {@link DicomError} that names the transfer syntax.
 *
 * Pixel pipeline: stored values (bits stored, high bit and pixel representation
 * honoured, so signed data is sign-extended) -> Rescale Slope/Intercept ->
 * VOI window (the file's first Window Center/Width, LINEAR, LINEAR_EXACT or
 * SIGMOID per VOI LUT Function; or min-max when the file has no window) ->
 * MONOCHROME1 inverted so that bright is always high. Colour images (RGB,
 * YBR_FULL, and JPEG-coded YBR_FULL_422) are reduced to luminance
 * (0.299 R + 0.587 G + 0.114 B) and scaled by the largest stored value, with no
 * rescale or window. Multi-frame files: the first frame is decoded unless
 * `options.frame` asks for another. Float pixel data (7FE0,0008/0009), PALETTE
 * COLOR and 1-bit images are not supported.
 *
 * @module
 */
import dicomParserModule from "dicom-parser";
import { Decoder as LosslessDecoderClass } from "jpeg-lossless-decoder-js";
import { decode as decodeJpegBaseline } from "jpeg-js";
import { inflateRawSync } from "node:zlib";

/** A VOI window in rescaled (modality) units, as in Window Center (0028,1050) and Window Width (0028,1051). */
export interface DicomWindow {
  center: number;
  width: number;
}

/** Options of {@link decodeDicom}. */
export interface DicomDecodeOptions {
  /** 0-based frame of a multi-frame file. Default 0, the first frame. */
  frame?: number;
  /**
   * How rescaled values map to [0, 1]: `"auto"` uses the file's first window
   * when it has one, else min-max; `"minmax"` always scales the frame's minimum
   * to 0 and maximum to 1; a {@link DicomWindow} is applied as a linear window.
   * Ignored for colour images. Default `"auto"`.
   */
  voi?: "auto" | "minmax" | DicomWindow;
}

/** One decoded frame. */
export interface DicomImage {
  /** Columns (0028,0011). */
  width: number;
  /** Rows (0028,0010). */
  height: number;
  /** Row-major grayscale, `width * height` values in [0, 1], bright is high (MONOCHROME1 already inverted). */
  pixels: Float32Array;
  /** Photometric Interpretation (0028,0004) as stored, e.g. `"MONOCHROME2"`. */
  photometric: string;
  /** Transfer Syntax UID (0002,0010). */
  transferSyntax: string;
  /** Bits Allocated (0028,0100). */
  bitsAllocated: number;
  /** Bits Stored (0028,0101). */
  bitsStored: number;
  /** Pixel Representation (0028,0103) is 1: stored values are two's complement. */
  signed: boolean;
  /** Samples per Pixel (0028,0002): 1 for grayscale, 3 for colour. */
  samplesPerPixel: number;
  /** Number of Frames (0028,0008), 1 when absent. */
  numberOfFrames: number;
  /** The decoded frame, 0-based. */
  frame: number;
  /** Rescale Slope (0028,1053) and Intercept (0028,1052), 1 and 0 when absent. */
  rescale: { slope: number; intercept: number };
  /** Smallest and largest rescaled value of the frame (luminance for colour images). */
  range: { min: number; max: number };
  /** The window that was applied, in rescaled units; absent when min-max scaling was used. */
  window?: DicomWindow;
  /** Modality (0008,0060), when present. */
  modality?: string;
  /** Patient ID (0010,0020), when present: keeps a patient's slices in one split. */
  patientId?: string;
}

/** Raised when a file cannot be decoded; the message names the file and the reason. */
export class DicomError extends Error {
  /** The file, as given to {@link decodeDicom}. */
  readonly path: string;
  /** Why it could not be decoded. */
  readonly reason: string;

  /**
   * @param path The file, as given to {@link decodeDicom}.
   * @param reason Why it could not be decoded.
   * @param options Standard error options, e.g. the `cause`.
   */
  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`Cannot decode DICOM file ${path}: ${reason}`, options);
    this.name = "DicomError";
    this.path = path;
    this.reason = reason;
  }
}

// ---------------------------------------------------------------------------
// The parts of dicom-parser and jpeg-lossless-decoder-js we use, typed here:
// dicom-parser declares its byte arrays as `Uint8Array | Buffer` and its
// inflater hook as returning void, and jpeg-lossless-decoder-js 2.1.2 ships
// without the declaration file its package.json names (so it is untyped).

interface Fragment {
  offset: number;
  position: number;
  length: number;
}

interface DicomElement {
  tag: string;
  vr?: string;
  length: number;
  dataOffset: number;
  encapsulatedPixelData?: boolean;
  basicOffsetTable?: number[];
  fragments?: Fragment[];
}

interface DataSet {
  byteArray: Uint8Array;
  elements: Record<string, DicomElement | undefined>;
  uint16(tag: string, index?: number): number | undefined;
  string(tag: string, index?: number): string | undefined;
  floatString(tag: string, index?: number): number | undefined;
  intString(tag: string, index?: number): number | undefined;
}

interface DicomParser {
  parseDicom(
    bytes: Uint8Array,
    options?: { inflater?: (bytes: Uint8Array, position: number) => Uint8Array },
  ): DataSet;
  readEncapsulatedPixelDataFromFragments(
    dataSet: DataSet,
    element: DicomElement,
    startFragment: number,
    numFragments: number,
  ): Uint8Array;
  readEncapsulatedImageFrame(
    dataSet: DataSet,
    element: DicomElement,
    frame: number,
    basicOffsetTable?: number[],
  ): Uint8Array;
  createJPEGBasicOffsetTable(dataSet: DataSet, element: DicomElement): number[];
}

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array;
}

const parser = dicomParserModule as unknown as DicomParser;
const NewLosslessDecoder = LosslessDecoderClass as unknown as new () => LosslessDecoder;

// ---------------------------------------------------------------------------

const TS = {
  implicitLittle: "1.2.840.10008.1.2",
  explicitLittle: "1.2.840.10008.1.2.1",
  deflated: "1.2.840.10008.1.2.1.99",
  explicitBig: "1.2.840.10008.1.2.2",
  jpegBaseline: "1.2.840.10008.1.2.4.50",
  jpegExtended: "1.2.840.10008.1.2.4.51",
  jpegLossless: "1.2.840.10008.1.2.4.57",
  jpegLosslessSV1: "1.2.840.10008.1.2.4.70",
  rle: "1.2.840.10008.1.2.5",
} as const;

const UNSUPPORTED_TS: Record<string, string> = {
  "1.2.840.10008.1.2.4.80": "JPEG-LS lossless",
  "1.2.840.10008.1.2.4.81": "JPEG-LS near-lossless",
  "1.2.840.10008.1.2.4.90": "JPEG 2000 lossless",
  "1.2.840.10008.1.2.4.91": "JPEG 2000",
  "1.2.840.10008.1.2.4.92": "JPEG 2000 Part 2 multi-component lossless",
  "1.2.840.10008.1.2.4.93": "JPEG 2000 Part 2 multi-component",
  "1.2.840.10008.1.2.4.201": "HTJ2K lossless",
  "1.2.840.10008.1.2.4.202": "HTJ2K lossless RPCL",
  "1.2.840.10008.1.2.4.203": "HTJ2K",
  "1.2.840.10008.1.2.4.100": "MPEG2",
  "1.2.840.10008.1.2.4.102": "MPEG-4",
  "1.2.840.10008.1.2.4.103": "MPEG-4 BD",
  "1.2.840.10008.1.2.4.110": "MPEG-4 stereo",
  "1.2.840.10008.1.2.4.112": "HEVC",
  "1.2.840.10008.1.2.1.98": "encapsulated uncompressed",
};

const UNCOMPRESSED: readonly string[] = [TS.implicitLittle, TS.explicitLittle, TS.deflated, TS.explicitBig];

/**
 * Whether `bytes` start like a DICOM Part 10 file: a 128-byte preamble then "DICM".
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(132);
 * bytes.set([0x44, 0x49, 0x43, 0x4d], 128);
 * isDicom(bytes); // true
 * ```
 *
 * @param bytes The file's contents.
 * @returns True when "DICM" sits at byte 128.
 */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 &&
    bytes[131] === 0x4d;
}

/**
 * Decodes one frame of a DICOM file into grayscale values in [0, 1].
 *
 * Multi-frame files give their first frame unless `options.frame` says
 * otherwise. See the module doc for the transfer syntaxes and the pixel
 * pipeline.
 *
 * @example
 * ```ts
 * const path = "data/scan.dcm";
 * const img = decodeDicom(await Deno.readFile(path), path);
 * console.log(img.width, img.height, img.pixels[0]);
 * ```
 *
 * @param bytes The whole file.
 * @param path The file's name, used only in error messages.
 * @param options Frame and VOI choices.
 * @returns The decoded frame and the attributes that shaped it.
 * @throws {DicomError} When the bytes are not DICOM, are truncated or corrupt,
 *   hold no pixel data, or use an unsupported transfer syntax or layout.
 */
export function decodeDicom(bytes: Uint8Array, path: string, options: DicomDecodeOptions = {}): DicomImage {
  const fail = (reason: string, cause?: unknown): never => {
    throw new DicomError(path, reason, cause === undefined ? undefined : { cause });
  };
  if (!isDicom(bytes)) {
    fail(
      bytes.length < 132
        ? `Too short to be DICOM (${bytes.length} bytes)`
        : `No "DICM" marker at byte 128, not a DICOM Part 10 file`,
    );
  }

  let ds: DataSet;
  try {
    ds = parser.parseDicom(bytes, { inflater });
  } catch (e) {
    return fail(`Corrupt or truncated data set (${describe(e)})`, e);
  }

  try {
    return decodeDataSet(ds, options, fail);
  } catch (e) {
    if (e instanceof DicomError) throw e;
    return fail(`Corrupt pixel data (${describe(e)})`, e);
  }
}

type Fail = (reason: string, cause?: unknown) => never;

function decodeDataSet(ds: DataSet, options: DicomDecodeOptions, fail: Fail): DicomImage {
  const transferSyntax = cleanString(ds.string("x00020010")) ?? "";
  if (!transferSyntax) fail("Missing Transfer Syntax UID (0002,0010)");
  const pixelElement = ds.elements.x7fe00010;
  if (!pixelElement) {
    const other = ds.elements.x7fe00008 ? " (it has Float Pixel Data, which is not supported)" : "";
    fail(`No Pixel Data (7FE0,0010)${other}`);
  }
  const el = pixelElement as DicomElement;

  const height = requireUint16(ds, "x00280010", "Rows (0028,0010)", fail);
  const width = requireUint16(ds, "x00280011", "Columns (0028,0011)", fail);
  const bitsAllocated = requireUint16(ds, "x00280100", "Bits Allocated (0028,0100)", fail);
  const bitsStored = ds.uint16("x00280101") ?? bitsAllocated;
  const highBit = ds.uint16("x00280102") ?? bitsStored - 1;
  const signed = ds.uint16("x00280103") === 1;
  const samplesPerPixel = ds.uint16("x00280002") ?? 1;
  const planar = ds.uint16("x00280006") === 1;
  const photometric = (cleanString(ds.string("x00280004")) ?? "MONOCHROME2").toUpperCase();
  const numberOfFrames = Math.max(1, ds.intString("x00280008") ?? 1);
  const frame = options.frame ?? 0;

  if (width === 0 || height === 0) fail(`Empty image (${width} x ${height})`);
  if (![8, 16, 32].includes(bitsAllocated)) fail(`Bits Allocated ${bitsAllocated} is not supported (8, 16 or 32)`);
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    fail(`Inconsistent Bits Stored ${bitsStored} / High Bit ${highBit} for Bits Allocated ${bitsAllocated}`);
  }
  const monochrome = photometric === "MONOCHROME1" || photometric === "MONOCHROME2";
  const colour = ["RGB", "YBR_FULL", "YBR_FULL_422"].includes(photometric);
  if (!monochrome && !colour) fail(`Photometric Interpretation ${photometric} is not supported`);
  if (samplesPerPixel !== (monochrome ? 1 : 3)) {
    fail(`Samples per Pixel ${samplesPerPixel} does not fit Photometric Interpretation ${photometric}`);
  }
  if (!Number.isInteger(frame) || frame < 0 || frame >= numberOfFrames) {
    fail(`Frame ${frame} requested but the file holds ${numberOfFrames}`);
  }

  const n = width * height;
  let samples: Float64Array; // planar: sample s of pixel i at s * n + i
  let effectivePhotometric = photometric;
  if (UNCOMPRESSED.includes(transferSyntax)) {
    if (el.encapsulatedPixelData) fail(`Encapsulated Pixel Data in uncompressed transfer syntax ${transferSyntax}`);
    if (photometric === "YBR_FULL_422") fail("Uncompressed YBR_FULL_422 is not supported");
    const frameBytes = n * samplesPerPixel * bitsAllocated / 8;
    const start = frame * frameBytes;
    const available = Math.min(el.length, ds.byteArray.length - el.dataOffset);
    if (start + frameBytes > available) {
      fail(
        `Pixel data is truncated: frame ${frame} of ${width} x ${height} x ${samplesPerPixel} at ${bitsAllocated} ` +
          `bits needs bytes ${start}..${start + frameBytes} but ${Math.max(0, available)} are present`,
      );
    }
    samples = readSamples(ds.byteArray.subarray(el.dataOffset + start, el.dataOffset + start + frameBytes), {
      n,
      samplesPerPixel,
      bitsAllocated,
      bitsStored,
      highBit,
      signed,
      planar,
      bigEndian: transferSyntax === TS.explicitBig,
      swapWordBytes: transferSyntax === TS.explicitBig && bitsAllocated === 8 && el.vr !== "OB",
    });
  } else {
    const codec = UNSUPPORTED_TS[transferSyntax];
    if (codec) fail(`Unsupported transfer syntax ${transferSyntax} (${codec})`);
    const known = [TS.jpegBaseline, TS.jpegExtended, TS.jpegLossless, TS.jpegLosslessSV1, TS.rle] as string[];
    if (!known.includes(transferSyntax)) fail(`Unsupported transfer syntax ${transferSyntax}`);
    if (!el.encapsulatedPixelData || !el.fragments?.length) {
      fail(`Pixel Data is not encapsulated as transfer syntax ${transferSyntax} requires`);
    }
    for (const f of el.fragments!) {
      if (f.position + f.length > ds.byteArray.length) fail("Pixel data is truncated: a fragment runs past the end");
    }
    const data = encapsulatedFrame(ds, el, frame, numberOfFrames, transferSyntax, fail);
    const layout = { n, samplesPerPixel, bitsAllocated, bitsStored, highBit, signed, planar: false };
    if (transferSyntax === TS.jpegBaseline || transferSyntax === TS.jpegExtended) {
      if (bitsStored > 8) fail(`JPEG with ${bitsStored} bits per sample is not supported, only 8`);
      const out = decodeJpegBaseline(data, {
        useTArray: true,
        formatAsRGBA: false,
        maxResolutionInMP: 512,
        maxMemoryUsageInMB: 2048,
      });
      checkSize(out.width, out.height, width, height, fail);
      // jpeg-js always gives interleaved RGB (R = G = B for one component), converting YCbCr to RGB.
      if (out.data.length !== n * 3) fail(`JPEG decoded to ${out.data.length} bytes, expected ${n * 3}`);
      if (colour) effectivePhotometric = "RGB";
      const rgb = out.data;
      samples = readSamples(colour ? rgb : rgb.filter((_, k) => k % 3 === 0), { ...layout, bitsAllocated: 8 });
    } else if (transferSyntax === TS.rle) {
      samples = readSamples(decodeRle(data, n, samplesPerPixel, bitsAllocated / 8, fail), { ...layout, planar: true });
    } else {
      const bytesPerSample = bitsAllocated === 8 ? 1 : 2;
      if (bitsAllocated > 16) fail(`JPEG lossless with Bits Allocated ${bitsAllocated} is not supported`);
      const out = new NewLosslessDecoder().decode(
        data.buffer as ArrayBuffer,
        data.byteOffset,
        data.length,
        bytesPerSample,
      );
      if (out.length !== n * samplesPerPixel) {
        fail(`JPEG lossless frame holds ${out.length} samples, expected ${n * samplesPerPixel}`);
      }
      samples = readSamples(
        new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
        { ...layout, bitsAllocated: bytesPerSample * 8, bigEndian: !hostIsLittleEndian() },
      );
    }
  }

  const slope = ds.floatString("x00281053") ?? 1;
  const intercept = ds.floatString("x00281052") ?? 0;
  const pixels = new Float32Array(n);
  const base = {
    width,
    height,
    pixels,
    photometric,
    transferSyntax,
    bitsAllocated,
    bitsStored,
    signed,
    samplesPerPixel,
    numberOfFrames,
    frame,
    rescale: { slope, intercept },
    modality: cleanString(ds.string("x00080060")),
    patientId: cleanString(ds.string("x00100020")),
  };

  if (colour) {
    const lum = luminance(samples, n, effectivePhotometric);
    const full = 2 ** bitsStored - 1;
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = lum[i];
      if (v < min) min = v;
      if (v > max) max = v;
      pixels[i] = clamp01(v / full);
    }
    return { ...base, range: { min, max } };
  }

  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = samples[i] * slope + intercept;
    samples[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const voi = options.voi ?? "auto";
  let window: DicomWindow | undefined;
  let fn = "LINEAR";
  if (typeof voi === "object") {
    window = { center: voi.center, width: voi.width };
  } else if (voi === "auto") {
    const center = ds.floatString("x00281050", 0);
    const w = ds.floatString("x00281051", 0);
    if (center !== undefined && w !== undefined && Number.isFinite(center) && Number.isFinite(w) && w > 0) {
      window = { center, width: w };
      fn = (cleanString(ds.string("x00281056")) ?? "LINEAR").toUpperCase();
    }
  }
  if (window && !(window.width > 0)) fail(`Window width must be > 0, got ${window.width}`);
  const map = window ? voiFunction(window, fn) : minMaxFunction(min, max);
  const invert = photometric === "MONOCHROME1";
  for (let i = 0; i < n; i++) {
    const v = clamp01(map(samples[i]));
    pixels[i] = invert ? 1 - v : v;
  }
  return window ? { ...base, range: { min, max }, window } : { ...base, range: { min, max } };
}

interface SampleLayout {
  n: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  planar: boolean;
  bigEndian?: boolean;
  swapWordBytes?: boolean;
}

/** Reads stored values into a planar Float64Array, masking to Bits Stored and sign-extending. */
function readSamples(bytes: Uint8Array, l: SampleLayout): Float64Array {
  const total = l.n * l.samplesPerPixel;
  const out = new Float64Array(total);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = !l.bigEndian;
  const shift = l.highBit + 1 - l.bitsStored;
  const range = 2 ** l.bitsStored;
  const half = range / 2;
  for (let k = 0; k < total; k++) {
    let raw: number;
    if (l.bitsAllocated === 8) raw = bytes[l.swapWordBytes ? k ^ 1 : k];
    else if (l.bitsAllocated === 16) raw = view.getUint16(k * 2, little);
    else raw = view.getUint32(k * 4, little);
    let v = Math.floor(raw / 2 ** shift) % range;
    if (l.signed && v >= half) v -= range;
    // Interleaved k = i * spp + s goes to s * n + i.
    const dst = l.planar || l.samplesPerPixel === 1
      ? k
      : (k % l.samplesPerPixel) * l.n + Math.floor(k / l.samplesPerPixel);
    out[dst] = v;
  }
  return out;
}

/** The compressed bytes of one frame. */
function encapsulatedFrame(
  ds: DataSet,
  el: DicomElement,
  frame: number,
  numberOfFrames: number,
  transferSyntax: string,
  fail: Fail,
): Uint8Array {
  const fragments = el.fragments ?? [];
  if (numberOfFrames === 1) return parser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
  if (el.basicOffsetTable?.length) return parser.readEncapsulatedImageFrame(ds, el, frame);
  if (fragments.length === numberOfFrames) return parser.readEncapsulatedPixelDataFromFragments(ds, el, frame, 1);
  if (transferSyntax === TS.rle) {
    return fail(`RLE data has ${fragments.length} fragments for ${numberOfFrames} frames and no offset table`);
  }
  return parser.readEncapsulatedImageFrame(ds, el, frame, parser.createJPEGBasicOffsetTable(ds, el));
}

/** RLE Lossless (PS3.5 Annex G) to planar little-endian samples. */
function decodeRle(data: Uint8Array, n: number, spp: number, bytesPerSample: number, fail: Fail): Uint8Array {
  if (data.length < 64) fail(`RLE frame is ${data.length} bytes, shorter than its 64-byte header`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== spp * bytesPerSample) fail(`RLE frame has ${segments} segments, expected ${spp * bytesPerSample}`);
  const out = new Uint8Array(n * spp * bytesPerSample);
  for (let seg = 0; seg < segments; seg++) {
    const start = view.getUint32(4 + seg * 4, true);
    const end = seg + 1 < segments ? view.getUint32(8 + seg * 4, true) : data.length;
    if (start < 64 || end > data.length || end < start) fail(`RLE segment ${seg} has a bad offset`);
    const sample = Math.floor(seg / bytesPerSample);
    const byte = bytesPerSample - 1 - (seg % bytesPerSample); // segments go most significant byte first
    const stride = bytesPerSample;
    let o = 0, p = start;
    const put = (b: number) => {
      if (o < n) out[(sample * n + o) * stride + byte] = b;
      o++;
    };
    while (p < end && o < n) {
      const h = data[p++];
      if (h < 128) {
        for (let i = 0; i <= h && p < end; i++) put(data[p++]);
      } else if (h > 128) {
        const b = data[p++];
        for (let i = 0; i < 257 - h; i++) put(b);
      }
    }
    if (o < n) fail(`RLE segment ${seg} decodes to ${o} bytes, expected ${n}`);
  }
  return out;
}

function luminance(samples: Float64Array, n: number, photometric: string): Float64Array {
  if (photometric !== "RGB") return samples.subarray(0, n); // YBR: Y is the first sample
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.299 * samples[i] + 0.587 * samples[n + i] + 0.114 * samples[2 * n + i];
  return out;
}

/** The VOI LUT functions of PS3.3 C.11.2.1.2, as maps to [0, 1]. */
function voiFunction({ center: c, width: w }: DicomWindow, fn: string): (x: number) => number {
  if (fn === "SIGMOID") return (x) => 1 / (1 + Math.exp(-4 * (x - c) / w));
  if (fn === "LINEAR_EXACT") return (x) => (x - c) / w + 0.5;
  if (w <= 1) return (x) => (x > c - 0.5 ? 1 : 0);
  return (x) => (x - (c - 0.5)) / (w - 1) + 0.5;
}

function minMaxFunction(min: number, max: number): (x: number) => number {
  const span = max - min;
  return span > 0 ? (x) => (x - min) / span : () => 0;
}

function checkSize(w: number, h: number, width: number, height: number, fail: Fail): void {
  if (w !== width || h !== height) fail(`JPEG frame is ${w} x ${h} but Columns x Rows say ${width} x ${height}`);
}

function requireUint16(ds: DataSet, tag: string, name: string, fail: Fail): number {
  const v = ds.uint16(tag);
  return v === undefined ? fail(`Missing ${name}`) : v;
}

function cleanString(s: string | undefined): string | undefined {
  const t = s?.replace(/\0/g, "").trim();
  return t ? t : undefined;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function hostIsLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** dicom-parser's inflater hook for the deflated transfer syntax: header bytes, then the inflated data set. */
function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position));
  const out = new Uint8Array(position + inflated.length);
  out.set(bytes.subarray(0, position), 0);
  out.set(inflated, position);
  return out;
}

/** dicom-parser throws strings and `{exception, dataSet}` objects as well as Errors. */
function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "string") return e;
  if (e && typeof e === "object" && "exception" in e) return String((e as { exception: unknown }).exception);
  return String(e);
}
