/**
 * Tests of decodeDicom() against files written by Debian's dcmtk (img2dcm,
 * dump2dcm, dcmconv, dcmcjpeg, dcmcrle, dcmodify). Without dcmtk on the PATH
 * the dcmtk test fails and says how to install it.
 *
 * Tolerances: lossless paths are compared exactly up to float32 rounding
 * (1e-6); JPEG baseline (quality 90, dcmcjpeg's default) within 2/255 per
 * pixel and 1/255 on average of the source, and within 1/255 (IDCT rounding)
 * of the same file decompressed by dcmdjpeg (IJG libjpeg).
 */
import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "../../tests/assert.ts";
import { createRng } from "../random.ts";
import { decodeDicom, DicomError, type DicomImage, isDicom } from "./dicom.ts";
import { bmpGray, dcmtk } from "../../tests/dicom_fixtures.ts";
import { HAVE_DCMTK, ignoreWithout } from "../../tests/external_tools.ts";

const EXACT = 1e-6;

/** A 24-bit BMP, the input img2dcm turns into RGB. */
function bmpRgb(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Uint8Array {
  const rowSize = Math.ceil(width * 3 / 4) * 4;
  const out = new Uint8Array(54 + rowSize * height);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  v.setUint32(34, rowSize * height, true);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      out.set([b, g, r], 54 + (height - 1 - y) * rowSize + 3 * x);
    }
  }
  return out;
}

/** A dump2dcm text for 16-bit MONOCHROME2 pixels read from `rawFile`. */
function dump16(o: {
  width: number;
  height: number;
  frames: number;
  bitsStored: number;
  signed: boolean;
  rawFile: string;
}): string {
  return [
    "(0002,0010) UI =LittleEndianExplicit",
    "(0008,0016) UI =SecondaryCaptureImageStorage",
    "(0008,0018) UI [1.2.826.0.1.3680043.2.1125.1.42]",
    "(0008,0060) CS [MR]",
    "(0028,0002) US 1",
    "(0028,0004) CS [MONOCHROME2]",
    ...(o.frames > 1 ? [`(0028,0008) IS [${o.frames}]`] : []),
    `(0028,0010) US ${o.height}`,
    `(0028,0011) US ${o.width}`,
    "(0028,0100) US 16",
    `(0028,0101) US ${o.bitsStored}`,
    `(0028,0102) US ${o.bitsStored - 1}`,
    `(0028,0103) US ${o.signed ? 1 : 0}`,
    `(7fe0,0010) OW =${o.rawFile}`,
    "",
  ].join("\n");
}

function int16Raw(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setUint16(i * 2, x & 0xffff, true));
  return out;
}

/** Largest and mean absolute difference between decoded pixels and expectations. */
function errors(img: DicomImage, expected: (i: number) => number): { max: number; mean: number } {
  let max = 0, sum = 0;
  for (let i = 0; i < img.pixels.length; i++) {
    const d = Math.abs(img.pixels[i] - expected(i));
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / img.pixels.length };
}

function assertPixels(img: DicomImage, expected: (i: number) => number, tol: number, what: string): void {
  const { max } = errors(img, expected);
  assert(max <= tol, `${what}: largest pixel error ${max} > ${tol}`);
}

Deno.test({
  name: "decodeDicom() decodes files written by dcmtk",
  ignore: ignoreWithout(HAVE_DCMTK, "dcmtk (apt-get install dcmtk)"),
}, async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dicom_test_" });
  try {
    const at = (name: string) => `${dir}/${name}`;
    const read = (name: string) => Deno.readFileSync(at(name));
    const decode = (name: string, options?: Parameters<typeof decodeDicom>[2]) =>
      decodeDicom(read(name), at(name), options);

    // 8-bit gradient, 32 x 24, values 10..226.
    const W = 32, H = 24;
    const gray = (x: number, y: number) => 10 + 4 * x + 4 * y;
    const grayAt = (i: number) => gray(i % W, Math.floor(i / W));
    const minMax8 = (i: number) => (grayAt(i) - 10) / 216;
    await Deno.writeFile(at("gray.bmp"), bmpGray(W, H, gray));
    await dcmtk("img2dcm", "-q", "-i", "BMP", at("gray.bmp"), at("gray.dcm"));

    await t.step("explicit VR little endian 8-bit matches the source, min-max scaled", () => {
      const img = decode("gray.dcm");
      assertEquals([img.width, img.height, img.bitsAllocated, img.photometric], [W, H, 8, "MONOCHROME2"]);
      assertEquals(img.transferSyntax, "1.2.840.10008.1.2.1");
      assertEquals(img.range, { min: 10, max: 226 });
      assertEquals(img.window, undefined);
      assertPixels(img, minMax8, EXACT, "explicit little");
    });

    const lossless8: [string, string, string[]][] = [
      ["1.2.840.10008.1.2", "dcmconv", ["+ti"]],
      ["1.2.840.10008.1.2.2", "dcmconv", ["+tb"]],
      ["1.2.840.10008.1.2.1.99", "dcmconv", ["+td"]],
      ["1.2.840.10008.1.2.4.57", "dcmcjpeg", ["+el"]],
      ["1.2.840.10008.1.2.4.70", "dcmcjpeg", ["+e1"]],
      ["1.2.840.10008.1.2.5", "dcmcrle", []],
    ];
    for (const [ts, tool, args] of lossless8) {
      await t.step(`${ts} (${tool} ${args.join(" ")}) decodes 8-bit exactly`, async () => {
        await dcmtk(tool, ...args, at("gray.dcm"), at(`gray_${ts}.dcm`));
        const img = decode(`gray_${ts}.dcm`);
        assertEquals(img.transferSyntax, ts);
        assertEquals([img.width, img.height], [W, H]);
        assertPixels(img, minMax8, EXACT, ts);
      });
    }

    await t.step(
      "JPEG baseline (1.2.840.10008.1.2.4.50) stays within 2/255 of the source and 1/255 of libjpeg",
      async () => {
        // +sr: keep the 0..255 range (dcmcjpeg's default +sp stretches min..max to it).
        await dcmtk("dcmcjpeg", "+eb", "+sr", at("gray.dcm"), at("gray_50.dcm"));
        await dcmtk("dcmdjpeg", at("gray_50.dcm"), at("gray_50_libjpeg.dcm"));
        const voi = { center: 128, width: 256 }; // maps stored v to v / 255
        const img = decode("gray_50.dcm", { voi });
        assertEquals(img.transferSyntax, "1.2.840.10008.1.2.4.50");
        assertEquals(img.window, voi);
        const source = errors(img, (i) => grayAt(i) / 255);
        assertLess(source.max, 2 / 255, "largest error against the source");
        assertLess(source.mean, 1 / 255, "mean error against the source");
        const reference = decode("gray_50_libjpeg.dcm", { voi });
        assertEquals(reference.transferSyntax, "1.2.840.10008.1.2.1");
        assertLess(errors(img, (i) => reference.pixels[i]).max, 1 / 255 + EXACT, "largest error against dcmdjpeg");
      },
    );

    await t.step("MONOCHROME1 is inverted", async () => {
      await Deno.copyFile(at("gray.dcm"), at("mono1.dcm"));
      await dcmtk("dcmodify", "-nb", "-m", "(0028,0004)=MONOCHROME1", at("mono1.dcm"));
      const img = decode("mono1.dcm");
      assertEquals(img.photometric, "MONOCHROME1");
      assertPixels(img, (i) => 1 - minMax8(i), EXACT, "MONOCHROME1");
    });

    await t.step("Rescale Slope/Intercept then the first Window Center/Width map to [0,1]", async () => {
      await Deno.copyFile(at("gray.dcm"), at("window.dcm"));
      await dcmtk(
        "dcmodify",
        "-nb",
        ...["-i", "(0028,1053)=2", "-i", "(0028,1052)=-100"],
        ...["-i", "(0028,1050)=156\\300", "-i", "(0028,1051)=512\\100"],
        at("window.dcm"),
      );
      const img = decode("window.dcm");
      assertEquals(img.rescale, { slope: 2, intercept: -100 });
      assertEquals(img.window, { center: 156, width: 512 });
      assertEquals(img.range, { min: -80, max: 352 });
      // PS3.3 C.11.2.1.2 linear window: (x - (c - 0.5)) / (w - 1) + 0.5, clamped.
      const expected = (i: number) => Math.min(1, Math.max(0, (2 * grayAt(i) - 100 - 155.5) / 511 + 0.5));
      assertPixels(img, expected, EXACT, "windowed");
      const minMax = decode("window.dcm", { voi: "minmax" });
      assertEquals(minMax.window, undefined);
      assertPixels(minMax, minMax8, EXACT, "minmax ignores the window");
    });

    // 16-bit signed, values -1000..1159.
    const signed16 = Array.from({ length: W * H }, (_, i) => -1000 + 3 * i);
    const minMax16 = (i: number) => (signed16[i] + 1000) / (3 * (W * H - 1));
    await Deno.writeFile(at("s16.raw"), int16Raw(signed16));
    await Deno.writeTextFile(
      at("s16.dump"),
      dump16({ width: W, height: H, frames: 1, bitsStored: 16, signed: true, rawFile: at("s16.raw") }),
    );
    await dcmtk("dump2dcm", "-q", at("s16.dump"), at("s16.dcm"));

    for (const [ts, tool, args] of [["1.2.840.10008.1.2.1", "", []], ...lossless8] as [string, string, string[]][]) {
      await t.step(`16-bit signed ${ts} decodes exactly`, async () => {
        if (tool) await dcmtk(tool, ...args, at("s16.dcm"), at(`s16_${ts}.dcm`));
        const img = decode(tool ? `s16_${ts}.dcm` : "s16.dcm");
        assertEquals([img.transferSyntax, img.bitsAllocated, img.signed], [ts, 16, true]);
        assertEquals(img.range, { min: -1000, max: -1000 + 3 * (W * H - 1) });
        assertPixels(img, minMax16, EXACT, ts);
      });
    }

    await t.step("12-bit signed values ignore bits above High Bit and are sign-extended", async () => {
      const values = Array.from({ length: W * H }, (_, i) => -2048 + 5 * i);
      await Deno.writeFile(at("s12.raw"), int16Raw(values.map((v) => (v & 0x0fff) | 0xa000)));
      await Deno.writeTextFile(
        at("s12.dump"),
        dump16({ width: W, height: H, frames: 1, bitsStored: 12, signed: true, rawFile: at("s12.raw") }),
      );
      await dcmtk("dump2dcm", "-q", at("s12.dump"), at("s12.dcm"));
      const img = decode("s12.dcm");
      assertEquals(img.range, { min: -2048, max: -2048 + 5 * (W * H - 1) });
      assertPixels(img, (i) => (values[i] + 2048) / (5 * (W * H - 1)), EXACT, "12-bit");
    });

    await t.step("multi-frame files give the first frame by default and others on request", async () => {
      const frames = [0, 1, 2].map((f) => Array.from({ length: W * H }, (_, i) => f === 1 ? W * H - i : i + 100 * f));
      await Deno.writeFile(at("mf.raw"), int16Raw(frames.flat()));
      await Deno.writeTextFile(
        at("mf.dump"),
        dump16({ width: W, height: H, frames: 3, bitsStored: 16, signed: false, rawFile: at("mf.raw") }),
      );
      await dcmtk("dump2dcm", "-q", at("mf.dump"), at("mf.dcm"));
      await dcmtk("dcmcjpeg", at("mf.dcm"), at("mf_70.dcm"));
      await dcmtk("dcmcrle", at("mf.dcm"), at("mf_rle.dcm"));
      for (const name of ["mf.dcm", "mf_70.dcm", "mf_rle.dcm"]) {
        const first = decode(name);
        assertEquals([first.numberOfFrames, first.frame], [3, 0], name);
        assertEquals(first.range, { min: 0, max: W * H - 1 }, name);
        const second = decode(name, { frame: 1 });
        assertEquals(second.range, { min: 1, max: W * H }, name);
        assertAlmostEquals(second.pixels[0], 1, EXACT, name);
        assertEquals(decode(name, { frame: 2 }).range, { min: 200, max: W * H + 199 }, name);
        assertThrows(() => decode(name, { frame: 3 }), DicomError, "Frame 3 requested but the file holds 3");
      }
    });

    await t.step("RGB is reduced to luminance", async () => {
      const rgb = (x: number, y: number): [number, number, number] => [8 * x, 10 * y, 255 - 8 * x];
      await Deno.writeFile(at("rgb.bmp"), bmpRgb(W, H, rgb));
      await dcmtk("img2dcm", "-q", "-i", "BMP", at("rgb.bmp"), at("rgb.dcm"));
      const img = decode("rgb.dcm");
      assertEquals([img.photometric, img.samplesPerPixel], ["RGB", 3]);
      const lum = (i: number) => {
        const [r, g, b] = rgb(i % W, Math.floor(i / W));
        return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      };
      assertPixels(img, lum, EXACT, "RGB");
    });

    await t.step("a file without Pixel Data throws DicomError naming the file", async () => {
      await Deno.copyFile(at("gray.dcm"), at("nopixels.dcm"));
      await dcmtk("dcmodify", "-nb", "-e", "(7fe0,0010)", at("nopixels.dcm"));
      const e = assertThrows(() => decode("nopixels.dcm"), DicomError, "No Pixel Data (7FE0,0010)");
      assert(e.message.includes(at("nopixels.dcm")), "message names the file");
      assertEquals(e.name, "DicomError");
    });

    await t.step("an unsupported transfer syntax (JPEG 2000) throws DicomError naming it", () => {
      // dcmtk in Debian writes no JPEG 2000, so relabel a JPEG lossless file (same UID length).
      const bytes = read("gray_1.2.840.10008.1.2.4.70.dcm");
      const text = new TextDecoder("latin1").decode(bytes);
      const at70 = text.indexOf("1.2.840.10008.1.2.4.70");
      assert(at70 > 0, "transfer syntax found in the meta header");
      bytes.set(new TextEncoder().encode("1.2.840.10008.1.2.4.90"), at70);
      assertThrows(
        () => decodeDicom(bytes, "j2k.dcm"),
        DicomError,
        "Unsupported transfer syntax 1.2.840.10008.1.2.4.90 (JPEG 2000 lossless)",
      );
    });

    await t.step("truncated files throw DicomError", () => {
      for (const name of ["gray.dcm", "s16.dcm", "gray_1.2.840.10008.1.2.4.70.dcm", "gray_50.dcm", "mf_rle.dcm"]) {
        const bytes = read(name);
        for (const keep of [bytes.length - 1, bytes.length - 40, Math.floor(bytes.length / 2), 300, 140, 100]) {
          assertThrows(() => decodeDicom(bytes.slice(0, keep), name), DicomError, `Cannot decode DICOM file ${name}:`);
        }
      }
      assertThrows(() => decode("gray.bmp"), DicomError, `No "DICM" marker`);
    });

    await t.step("corrupt bytes give an image in [0,1] or a DicomError, never another error", () => {
      const rng = createRng(7);
      let decoded = 0, rejected = 0;
      const names = [
        "gray.dcm",
        "s16.dcm",
        "gray_1.2.840.10008.1.2.2.dcm",
        "gray_1.2.840.10008.1.2.5.dcm",
        "s16_1.2.840.10008.1.2.4.70.dcm",
        "gray_50.dcm",
      ];
      for (const name of names) {
        const clean = read(name);
        for (let trial = 0; trial < 100; trial++) {
          const bytes = clean.slice();
          for (let k = rng.int(1, 4); k > 0; k--) bytes[rng.int(132, bytes.length - 1)] = rng.int(0, 255);
          try {
            const img = decodeDicom(bytes, name);
            assert(img.pixels.every((v) => v >= 0 && v <= 1), `${name} trial ${trial}: pixels in [0,1]`);
            decoded++;
          } catch (e) {
            assert(e instanceof DicomError, `${name} trial ${trial}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
            rejected++;
          }
        }
      }
      assert(decoded > 0 && rejected > 0, `both outcomes seen (decoded ${decoded}, rejected ${rejected})`);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decodeDicom() rejects bytes that are not DICOM", () => {
  assertThrows(() => decodeDicom(new Uint8Array(10), "tiny.dcm"), DicomError, "tiny.dcm: Too short to be DICOM");
  const png = new Uint8Array(400);
  png.set([0x89, 0x50, 0x4e, 0x47]);
  assertThrows(() => decodeDicom(png, "scan.png"), DicomError, `No "DICM" marker at byte 128`);
  const header = new Uint8Array(200);
  header.set([0x44, 0x49, 0x43, 0x4d], 128);
  const e = assertThrows(() => decodeDicom(header, "empty.dcm"), DicomError, "Cannot decode DICOM file empty.dcm:");
  assertEquals((e as DicomError).path, "empty.dcm");
});

Deno.test("isDicom() checks for DICM at byte 128", () => {
  const bytes = new Uint8Array(132);
  assertEquals(isDicom(bytes), false);
  bytes.set([0x44, 0x49, 0x43, 0x4d], 128);
  assertEquals(isDicom(bytes), true);
  assertEquals(isDicom(bytes.subarray(0, 131)), false);
});
