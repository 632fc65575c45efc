import sharp from "sharp";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../tests/assert.ts";
import { DatasetError, loadDataset, normalizeClassName, parseCsv } from "./dataset.ts";
import { decodeImage, ImageCache, ImageDecodeError } from "./preprocess.ts";
import { generatePhantom } from "./phantom.ts";
import { writePhantomDataset } from "./phantom_writer.ts";
import { bmpGray, dcmtk } from "../../tests/dicom_fixtures.ts";
import { HAVE_DCMTK, ignoreWithout } from "../../tests/external_tools.ts";

async function grayPng(path: string, w: number, h: number, value = 128): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  const px = new Uint8Array(w * h).fill(value);
  await sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toFile(path);
}

/** A messy class-folder data set with one of each kind of bad input the issue lists. */
async function messyFolder(): Promise<string> {
  const root = await Deno.makeTempDir();
  await grayPng(`${root}/Healthy/a.png`, 20, 20);
  await grayPng(`${root}/Healthy/sub/b.png`, 30, 16);
  await grayPng(`${root}/Healthy/scan 01 é.png`, 20, 20); // spaces and non-ASCII
  await grayPng(`${root}/Herniated_disk/c.png`, 20, 20);
  await grayPng(`${root}/herniated disc/d.png`, 20, 20); // same class, other spelling
  await Deno.mkdir(`${root}/Spondylosis`); // empty class folder
  await Deno.writeFile(`${root}/Healthy/zero.png`, new Uint8Array()); // zero bytes
  await Deno.writeTextFile(`${root}/Healthy/fake.png`, "not a png at all"); // text named .png
  await Deno.writeTextFile(`${root}/Healthy/notes.txt`, "hello"); // not an image
  await grayPng(`${root}/Healthy/tiny.png`, 1, 1); // 1x1
  const good = await Deno.readFile(`${root}/Healthy/a.png`);
  await Deno.writeFile(`${root}/Healthy/truncated.png`, good.slice(0, 40)); // header kept, data cut
  // 16-bit gray and RGBA PNGs.
  const ramp = new Uint16Array(16 * 16).map((_, i) => i * 200);
  await sharp(ramp, { raw: { width: 16, height: 16, channels: 1 } })
    .toColourspace("grey16").png().toFile(`${root}/Herniated_disk/sixteen.png`);
  const rgba = new Uint8Array(16 * 16 * 4).map((_, i) => (i % 4 === 3 ? 255 : 100));
  await sharp(rgba, { raw: { width: 16, height: 16, channels: 4 } }).png().toFile(`${root}/Herniated_disk/rgba.png`);
  return root;
}

Deno.test("normalizeClassName() merges spellings of the canonical classes and keeps unknown ones", () => {
  for (const n of ["Herniated_disk", "herniated disc", "Herniated Disc", "herniated-disk"]) {
    assertEquals(normalizeClassName(n), "Herniated disk");
  }
  assertEquals(normalizeClassName("NORMAL"), "Healthy");
  assertEquals(normalizeClassName(" spinal_stenosis "), "Spinal stenosis");
  assertEquals(normalizeClassName("Bulge"), "Bulge");
  assertEquals(normalizeClassName("protrusion", { protrusion: "Herniated disk" }), "Herniated disk");
});

Deno.test("parseCsv() handles quotes, commas and CRLF", () => {
  assertEquals(parseCsv('a,b\r\n"x, y","say ""hi"""\n\n1,2'), [["a", "b"], ["x, y", 'say "hi"'], ["1", "2"]]);
});

Deno.test("loadDataset() reads class folders, skips each bad file with its reason and keeps going", async () => {
  const root = await messyFolder();
  try {
    const { items, skipped, classes, source } = await loadDataset(root);
    assertEquals(source, "folders");
    assertEquals(classes, ["Healthy", "Herniated disk"]);
    const names = items.map((i) => i.path.slice(root.length + 1)).sort();
    assert(names.includes("Healthy/scan 01 é.png"), `odd names load: ${names}`);
    assert(names.includes("Herniated_disk/rgba.png") && names.includes("herniated disc/d.png"), `${names}`);
    const reason = (file: string) => skipped.find((s) => s.path.endsWith(file))?.reason ?? "(not skipped)";
    assert(reason("zero.png").includes("0 bytes"), reason("zero.png"));
    assert(reason("fake.png").includes("not a PNG"), reason("fake.png"));
    assert(reason("notes.txt").includes("not an image"), reason("notes.txt"));
    assert(reason("tiny.png").includes("1x1"), reason("tiny.png"));
    assert(reason("truncated.png").includes("unreadable image"), reason("truncated.png"));
    assert(reason("Spondylosis").includes("empty class folder"), reason("Spondylosis"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("decodeImage() scales to [0,1], keeps 16-bit precision, flattens alpha, and names bad files", async () => {
  const root = await messyFolder();
  try {
    const rgba = await decodeImage(`${root}/Herniated_disk/rgba.png`, { size: 8 });
    assertAlmostEquals(rgba[0], 100 / 255, 0.01, "RGBA gray value");
    const meta = await sharp(`${root}/Herniated_disk/sixteen.png`).metadata();
    assertEquals(meta.depth, "ushort", "the fixture is a 16-bit PNG");
    const sixteen = await decodeImage(`${root}/Herniated_disk/sixteen.png`, { size: 16 });
    assert(sixteen.every((v) => v >= 0 && v <= 1), "16-bit in [0,1]");
    assertAlmostEquals(sixteen[255], (255 * 200) / 65535, 1e-4, "16-bit ramp end keeps its precision");
    assertAlmostEquals(sixteen[1], 200 / 65535, 1e-4, "a step below 1/255 survives");
    await assertRejects(() => decodeImage(`${root}/Healthy/truncated.png`), ImageDecodeError, "truncated.png");
    await assertRejects(() => decodeImage(`${root}/Healthy/zero.png`), ImageDecodeError, "zero.png");
    const big = `${root}/big.png`;
    await sharp({ create: { width: 10000, height: 10000, channels: 3, background: { r: 60, g: 60, b: 60 } } })
      .png().toFile(big);
    const small = await decodeImage(big, { size: 32 });
    assertEquals(small.length, 32 * 32);
    assertAlmostEquals(small[0], 60 / 255, 0.01, "10000x10000 resized");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadDataset() reads the phantom's manifest with patients and masks", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writePhantomDataset(generatePhantom({ perClass: 3, size: 32, slicesPerPatient: 3 }), root);
    const { items, classes, source, skipped } = await loadDataset(root);
    assertEquals(source, "csv");
    assertEquals(skipped, []);
    assertEquals(classes.length, 4);
    assertEquals(items.length, 12);
    assert(items.every((i) => i.patientId != null && i.slice != null));
    assert(items.every((i) => (i.label === "Healthy") === (i.maskPath == null)), "masks on abnormal images only");
    const img = await decodeImage(items[0].path, { size: 32 });
    assert(img.some((v) => v > 0.5) && img.some((v) => v < 0.1), "decoded phantom has contrast");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadDataset() refuses empty and single-class data sets with a clear error", async () => {
  const root = await Deno.makeTempDir();
  try {
    await assertRejects(() => loadDataset(root), DatasetError, "No usable images");
    await grayPng(`${root}/Healthy/a.png`, 20, 20);
    await assertRejects(() => loadDataset(root), DatasetError, "Only one class");
    await Deno.writeTextFile(`${root}/manifest.csv`, "file,class\na.png,Healthy\n");
    await assertRejects(() => loadDataset(root), DatasetError, '"path" and "label"');
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ImageCache decodes each file once and serves later reads from disk or memory", async () => {
  const root = await Deno.makeTempDir();
  try {
    await grayPng(`${root}/x.png`, 20, 20, 200);
    const cache = new ImageCache({ size: 8, dir: `${root}/cache`, maxMemoryBytes: 0 });
    const a = await cache.get(`${root}/x.png`);
    const b = await cache.get(`${root}/x.png`);
    assertEquals(cache.decodes, 1, "second read from the disk cache");
    assertEquals(Array.from(b), Array.from(a));
    const fresh = new ImageCache({ size: 8, dir: `${root}/cache` });
    await fresh.get(`${root}/x.png`);
    assertEquals(fresh.decodes, 0, "a new cache object reuses the files");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "loadDataset() reads DICOM from class folders and skips one without pixel data",
  ignore: ignoreWithout(HAVE_DCMTK, "dcmtk (apt-get install dcmtk)"),
}, async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/Healthy`);
    await Deno.mkdir(`${root}/Spondylosis`);
    const bmp = `${root}/src.bmp`;
    await Deno.writeFile(bmp, bmpGray(16, 16, (x, y) => x * 8 + y));
    await dcmtk("img2dcm", "-i", "BMP", "-k", "PatientID=P7", bmp, `${root}/Healthy/one.dcm`);
    await dcmtk("img2dcm", "-i", "BMP", bmp, `${root}/Spondylosis/two.dcm`);
    await dcmtk("img2dcm", "-i", "BMP", bmp, `${root}/Spondylosis/nopixels.dcm`);
    await dcmtk("dcmodify", "-nb", "-ea", "(7fe0,0010)", `${root}/Spondylosis/nopixels.dcm`);
    const { items, skipped, classes } = await loadDataset(root);
    assertEquals(classes, ["Healthy", "Spondylosis"]);
    assertEquals(items.length, 2);
    const reason = skipped.find((s) => s.path.endsWith("nopixels.dcm"))?.reason ?? "(not skipped)";
    assert(/pixel data/i.test(reason), reason);
    // Patient ID (0010,0020) keeps a patient's slices in one split; a file without one has none.
    assertEquals(items.map((i) => [i.path.split("/").pop(), i.patientId]), [["one.dcm", "P7"], ["two.dcm", undefined]]);
    const img = await decodeImage(items[0].path, { size: 16 });
    assert(img.some((v) => v > 0.5) && img.some((v) => v < 0.1), "decoded DICOM spans the window");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
