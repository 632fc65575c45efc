import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../tests/assert.ts";
import { DatasetError } from "./dataset.ts";
import { loadKeypointCrops } from "./keypoint_crops.ts";
import type { KeypointDataSpec } from "./keypoint_source.ts";

/** Writes a gray PNG of `w x h` filled with `fill`, with 255 at each dot. */
async function png(path: string, w: number, h: number, fill: number, dots: [number, number][] = []): Promise<void> {
  const px = new Uint8Array(w * h).fill(fill);
  for (const [x, y] of dots) px[y * w + x] = 255;
  await sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toFile(path);
}

const MAP = {
  bulge: "Bulge",
  protrusion: "Herniated disk",
  extrusion: "Herniated disk",
  "vertebra:degeneration": "Degenerated vertebra",
};

/**
 * A folder with `points.csv` over three images: a.png (dark, dots at its
 * points), b.png (bright all over), c.png (not an image).
 */
async function fixture(): Promise<string> {
  const dir = await Deno.makeTempDir();
  await png(`${dir}/a.png`, 40, 30, 0, [[12, 9], [30, 20], [12, 4]]);
  await png(`${dir}/b.png`, 40, 30, 200);
  await Deno.writeTextFile(`${dir}/c.png`, "not a png");
  await Deno.writeTextFile(
    `${dir}/points.csv`,
    [
      "image,x,y,label,level,patient_id",
      "a.png,12,9,bulge,L4-L5,P1",
      "a.png,30,20,protrusion,L5-S1,P1",
      "a.png,12,4,degeneration,L4,P1",
      "b.png,1,1,extrusion,L4-L5,",
      "b.png,50,5,bulge,L5-S1,P2",
      "b.png,5,5,schmorl node,L3-L4,P2",
      "c.png,5,5,bulge,L4-L5,P3",
    ].join("\n"),
  );
  return dir;
}

async function withFixture(fn: (dir: string, spec: KeypointDataSpec) => Promise<void>): Promise<void> {
  const dir = await fixture();
  try {
    await fn(dir, { kind: "keypoints", annotations: `${dir}/points.csv`, classMap: MAP });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function argmax(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

Deno.test("loadKeypointCrops() cuts exact crops: the dot at a point lands at the crop's centre, before and after resizing", async () => {
  await withFixture(async (dir, spec) => {
    const exact = await loadKeypointCrops({ ...spec, crop: { pixels: 9 } }, 9);
    const i = exact.items.findIndex((it) => it.id === `${dir}/a.png#L4-L5@12,9`);
    const crop = await exact.gray(i);
    assertEquals(argmax(crop), 4 * 9 + 4);
    assertEquals(crop[4 * 9 + 4], 1);
    assertEquals(crop.reduce((a, b) => a + b, 0), 1, "only the point's own dot inside");
    // 9 -> 3: area mean of 3x3 blocks; the dot's block is the centre one.
    const small = await loadKeypointCrops({ ...spec, crop: { pixels: 9 } }, 3);
    const c = await small.gray(i);
    assertEquals(argmax(c), 4);
    assertAlmostEquals(c[4], 1 / 9, 1e-6);
  });
});

Deno.test("loadKeypointCrops() pads crops that leave the image: zeros by default, or the edge", async () => {
  await withFixture(async (dir, spec) => {
    const id = `${dir}/b.png#L4-L5@1,1`;
    const zero = await loadKeypointCrops({ ...spec, crop: { pixels: 9 } }, 9);
    const crop = await zero.gray(zero.items.findIndex((it) => it.id === id));
    // Rows and columns -3..-1 lie outside: the top three rows and left three columns are black.
    for (let r = 0; r < 9; r++) {
      for (let c = 0; c < 9; c++) {
        assertAlmostEquals(crop[r * 9 + c], r < 3 || c < 3 ? 0 : 200 / 255, 1e-6, `pixel ${r},${c}`);
      }
    }
    const edge = await loadKeypointCrops({ ...spec, crop: { pixels: 9, padding: "edge" } }, 9);
    const e = await edge.gray(edge.items.findIndex((it) => it.id === id));
    assert(e.every((v) => Math.abs(v - 200 / 255) < 1e-6), "edge padding repeats the border");
  });
});

Deno.test("loadKeypointCrops() sizes crops as a fraction of the image height or in pixels", async () => {
  await withFixture(async (_dir, spec) => {
    // a.png is 30 high: 0.3 of it is 9 pixels, the same crops as { pixels: 9 }.
    const byFraction = await loadKeypointCrops({ ...spec, crop: { fraction: 0.3 } }, 9);
    const byPixels = await loadKeypointCrops({ ...spec, crop: { pixels: 9 } }, 9);
    assertEquals(Array.from(await byFraction.gray(0)), Array.from(await byPixels.gray(0)));
    // 0.5 of 30 = 15 pixels, shrunk to 9: the dot is averaged with its neighbours.
    const wider = await loadKeypointCrops({ ...spec, crop: { fraction: 0.5 } }, 9);
    const w = await wider.gray(0);
    assertEquals(w[4 * 9 + 4], Math.max(...w), "the dot is still at the centre");
    assert(w[4 * 9 + 4] < 1, `a 15-pixel crop is shrunk: ${w[4 * 9 + 4]}`);
    assert(byFraction.hash !== wider.hash, "the crop size is part of the hash");
    assertEquals(byFraction.hash, (await loadKeypointCrops({ ...spec, crop: { fraction: 0.3 } }, 9)).hash);
  });
});

Deno.test("loadKeypointCrops() merges classes, keeps patient ids, and skips bad points with reasons", async () => {
  await withFixture(async (dir, spec) => {
    const data = await loadKeypointCrops(spec, 8);
    assertEquals(data.classes, ["Bulge", "Herniated disk", "Degenerated vertebra"]);
    assertEquals(data.items.map((i) => [i.id.slice(dir.length + 1), data.classes[i.label], i.patientId]), [
      ["a.png#L4-L5@12,9", "Bulge", "P1"],
      ["a.png#L5-S1@30,20", "Herniated disk", "P1"],
      ["a.png#L4@12,4", "Degenerated vertebra", "P1"],
      ["b.png#L4-L5@1,1", "Herniated disk", `${dir}/b.png`], // no patient id: the slice stands for one
    ]);
    assertEquals(data.items[1].rawLabel, "protrusion");
    const reasons = Object.fromEntries(data.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason]));
    assertEquals(reasons["b.png#L5-S1@50,5"], "point (50, 5) is outside the image (40x30)");
    assertEquals(reasons["b.png#L3-L4@5,5"], 'label "schmorl node" (disc) is not in the class map');
    assert(reasons["c.png#L4-L5@5,5"]?.startsWith("unreadable image"), reasons["c.png#L4-L5@5,5"]);
    assertEquals(data.skipped.length, 3);
    assertEquals(await data.mask(0), undefined);
    await initBackend("cpu");
    const before = tf.memory().numTensors;
    const x = await data.source([0, 3], 3).images([0, 1]);
    assertEquals(x.shape, [2, 8, 8, 3]);
    x.dispose();
    assertEquals(data.source([0, 3]).labels, [0, 1]);
    assertEquals(tf.memory().numTensors, before);
  });
});

Deno.test("loadKeypointCrops() filters levels: discs, vertebrae, or a list", async () => {
  await withFixture(async (dir, spec) => {
    const ids = async (
      levels: KeypointDataSpec["levels"],
    ) => (await loadKeypointCrops({ ...spec, levels }, 4).catch((e) => e as Error));
    const discs = await ids("discs");
    assert(!(discs instanceof Error));
    assertEquals(discs.items.map((i) => i.level), ["L4-L5", "L5-S1", "L4-L5"]);
    assertEquals(discs.classes, ["Bulge", "Herniated disk"]);
    const list = await ids(["l5/s1", "L4"]);
    assert(!(list instanceof Error));
    assertEquals(list.items.map((i) => i.id.slice(dir.length + 1)), ["a.png#L5-S1@30,20", "a.png#L4@12,4"]);
    const vertebrae = await ids("vertebrae");
    assert(vertebrae instanceof DatasetError && vertebrae.message.includes("at least two classes"), `${vertebrae}`);
  });
});

Deno.test("loadKeypointCrops() uses the Tianchi class map by default and rejects bad specs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/images`);
    await png(`${dir}/images/001-000.jpg`.replace(".jpg", ".png"), 30, 60, 100);
    const pt = (identification: number, cls: number, y: number) => ({ identification, class: cls, coord: [15, y] });
    // Bottom to top: L5-S1 extrusion, L5, L4-L5 bulge, L4, L3-L4 normal, L3, L2-L3 Schmorl's node.
    const points = [pt(0, 5, 50), pt(1, 1, 44), pt(2, 3, 38), pt(3, 0, 32), pt(4, 2, 26), pt(5, 1, 20), pt(6, 6, 14)];
    await Deno.writeTextFile(`${dir}/labels.json`, JSON.stringify([{ id: "001-000", point: points }]));
    const data = await loadKeypointCrops({ kind: "keypoints", annotations: `${dir}/labels.json`, levels: "discs" }, 8);
    assertEquals(data.classes, ["Normal", "Bulge", "Herniated disk"]);
    assertEquals(data.items.map((i) => `${i.level} ${data.classes[i.label]} ${i.patientId}`), [
      "L5-S1 Herniated disk 001",
      "L4-L5 Bulge 001",
      "L3-L4 Normal 001",
    ]);
    assertEquals(data.skipped.map((s) => s.reason), ['label "schmorl node" (disc) is not in the class map']);
    const all = await loadKeypointCrops({ kind: "keypoints", annotations: `${dir}/labels.json` }, 8);
    assertEquals(all.classes, ["Normal", "Bulge", "Herniated disk", "Normal vertebra", "Degenerated vertebra"]);
    const bad = { kind: "keypoints", annotations: `${dir}/labels.json` } as const;
    await assertRejects(
      () => loadKeypointCrops({ ...bad, crop: { fraction: 0.2, pixels: 9 } }, 8),
      DatasetError,
      "not both",
    );
    await assertRejects(
      () => loadKeypointCrops({ ...bad, levels: "disks" as "discs" }, 8),
      DatasetError,
      "Valid values",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
