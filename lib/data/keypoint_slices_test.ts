import sharp from "sharp";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../tests/assert.ts";
import { pointingGame } from "../explain/pointing_game.ts";
import { DatasetError } from "./dataset.ts";
import { loadKeypointSlices } from "./keypoint_slices.ts";
import type { KeypointDataSpec } from "./keypoint_source.ts";

async function png(path: string, w: number, h: number, value: number): Promise<void> {
  await sharp(new Uint8Array(w * h).fill(value), { raw: { width: w, height: h, channels: 1 } }).png().toFile(path);
}

/** Slices: a.png with a herniated disc, b.png with a bulge, c.png with no usable point, d.png normal. */
async function withSlices(fn: (dir: string, spec: KeypointDataSpec) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await png(`${dir}/a.png`, 40, 30, 50);
    await png(`${dir}/b.png`, 40, 30, 150);
    await png(`${dir}/c.png`, 40, 30, 150);
    await png(`${dir}/d.png`, 40, 30, 150);
    await Deno.writeTextFile(
      `${dir}/points.csv`,
      [
        "image,x,y,label,level,patient_id",
        "a.png,12,9,bulge,L4-L5,P1",
        "a.png,30,20,protrusion,L5-S1,P1",
        "a.png,12,4,degeneration,L4,P1",
        "b.png,20,15,bulge,L5-S1,P2",
        "c.png,99,99,protrusion,L5-S1,P3",
        "d.png,20,15,normal,L5-S1,P4",
      ].join("\n"),
    );
    await fn(dir, {
      kind: "keypoints",
      annotations: `${dir}/points.csv`,
      classMap: { normal: "Normal", bulge: "Bulge", protrusion: "Herniated disk" },
      levels: "discs",
      mode: "slices",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadKeypointSlices() labels a slice positive when any disc has a positive class", async () => {
  await withSlices(async (dir, spec) => {
    const data = await loadKeypointSlices(spec, 8);
    assertEquals(data.classes, ["No herniated disk", "Herniated disk"]);
    assertEquals(data.items, [
      { id: `${dir}/a.png`, label: 1, patientId: "P1", positives: 1 },
      { id: `${dir}/b.png`, label: 0, patientId: "P2", positives: 0 },
      { id: `${dir}/d.png`, label: 0, patientId: "P4", positives: 0 },
    ]);
    assertEquals(data.skipped.map((s) => s.reason), [
      "point (99, 99) is outside the image (40x30)",
      "no usable point on the slice",
    ]);
    const img = await data.gray(0);
    assertEquals(img.length, 64);
    assertAlmostEquals(img[0], 50 / 255, 1e-6);
  });
});

Deno.test("loadKeypointSlices() gives each slice's points scaled to the served size, and a mask of the positive ones", async () => {
  await withSlices(async (_dir, spec) => {
    const data = await loadKeypointSlices(spec, 8);
    const points = data.points(0);
    assertEquals(points.map((p) => [p.level, p.className, p.positive]), [
      ["L4-L5", "Bulge", false],
      ["L5-S1", "Herniated disk", true],
    ]);
    // 40x30 -> 8x8, pixel centres aligned: (30 + 0.5) * 8 / 40 - 0.5, (20 + 0.5) * 8 / 30 - 0.5.
    assertAlmostEquals(points[1].x, 5.6, 1e-9);
    assertAlmostEquals(points[1].y, 20.5 * 8 / 30 - 0.5, 1e-9);
    assertEquals([points[1].sourceX, points[1].sourceY], [30, 20]);
    const mask = await data.mask(0);
    assert(mask != null);
    assertEquals([...mask.keys()].filter((i) => mask[i] === 1), [5 * 8 + 6]);
    assertEquals(await data.mask(1), undefined, "a negative slice has no mask");
    // A Grad-CAM peak one pixel off the herniated disc is a hit at a tolerance of 1.
    const cam = new Float32Array(64);
    cam[5 * 8 + 5] = 1;
    assertEquals(pointingGame(cam, mask, 8), false);
    assertEquals(pointingGame(cam, mask, 8, { tolerance: 1 }), true);
  });
});

Deno.test("loadKeypointSlices() takes other positive classes and names an unknown one", async () => {
  await withSlices(async (_dir, spec) => {
    const data = await loadKeypointSlices({ ...spec, positive: ["Bulge", "Herniated disk"] }, 8);
    assertEquals(data.classes, ["No bulge or Herniated disk", "Bulge or Herniated disk"]);
    await assertRejects(
      () => loadKeypointSlices({ ...spec, positive: ["Herniated disc"] }, 8),
      DatasetError,
      'Positive class "Herniated disc" not among the classes of',
    );
    assertEquals(data.items.map((i) => i.label), [1, 1, 0]);
    await assertRejects(
      () => loadKeypointSlices({ ...spec, positive: ["Bulge", "Herniated disk", "Normal"] }, 8),
      DatasetError,
      "at least two classes",
    );
  });
});
