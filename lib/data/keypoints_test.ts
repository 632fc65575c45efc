import sharp from "sharp";
import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { bmpGray, dcmtk } from "../../tests/dicom_fixtures.ts";
import { HAVE_DCMTK, ignoreWithout } from "../../tests/external_tools.ts";
import { DatasetError } from "./dataset.ts";
import { keypointId, levelKind, normalizeLevel, readKeypoints } from "./keypoints.ts";

async function png(path: string, w = 16, h = 16): Promise<void> {
  await sharp(new Uint8Array(w * h), { raw: { width: w, height: h, channels: 1 } }).png().toFile(path);
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("normalizeLevel() and levelKind() read the usual spellings", () => {
  assertEquals(["l4/l5", "L4_L5", "L4 - L5", " l5-s1 "].map(normalizeLevel), ["L4-L5", "L4-L5", "L4-L5", "L5-S1"]);
  assertEquals(["L4-L5", "T12-L1", "L4", "S1", "sacrum", undefined].map(levelKind), [
    "disc",
    "disc",
    "vertebra",
    "vertebra",
    undefined,
    undefined,
  ]);
});

Deno.test("readKeypoints() reads a CSV: paths relative to it, levels normalised, patient ids, bad rows skipped", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/sub`);
    await Deno.writeTextFile(
      `${dir}/sub/points.csv`,
      "Image,X,Y,Label,Level,Patient_ID\r\n" +
        "a.png,10,12.5,bulge,l4/l5,P1\n" +
        "\n" + // blank lines do not shift the line numbers below
        `${dir}/b.png,3,4,protrusion,,\n` +
        "a.png,abc,4,bulge,L5-S1,P1\n" +
        ",1,1,bulge,L3,P2\n",
    );
    const { points, skipped, format } = await readKeypoints(`${dir}/sub/points.csv`);
    assertEquals(format, "csv");
    assertEquals(points, [
      { image: `${dir}/sub/a.png`, x: 10, y: 12.5, label: "bulge", level: "L4-L5", patientId: "P1" },
      { image: `${dir}/b.png`, x: 3, y: 4, label: "protrusion" },
    ]);
    assertEquals(skipped.map((s) => s.path), [`${dir}/sub/points.csv:5`, `${dir}/sub/points.csv:6`]);
    assert(skipped[0].reason.includes('x="abc"'), skipped[0].reason);
    assert(skipped[1].reason.includes("without image"), skipped[1].reason);
    assertEquals(keypointId(points[0]), `${dir}/sub/a.png#L4-L5@10,12.5`);
    assertEquals(keypointId(points[1]), `${dir}/b.png@3,4`);
  });
});

Deno.test("readKeypoints() names the file and line of a CSV without the needed columns or with a short row", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/p.csv`, "image,x,label\na.png,1,bulge\n");
    await assertRejects(() => readKeypoints(`${dir}/p.csv`), DatasetError, `${dir}/p.csv:1: `);
    await assertRejects(() => readKeypoints(`${dir}/p.csv`), DatasetError, "missing y");
    await Deno.writeTextFile(`${dir}/q.csv`, "image,x,y,label\na.png,1,2,bulge\n\na.png,1,2\n");
    await assertRejects(() => readKeypoints(`${dir}/q.csv`), DatasetError, `${dir}/q.csv:4: expected 4 fields`);
    await assertRejects(() => readKeypoints(`${dir}/none.csv`), DatasetError, "Cannot read annotations");
    await Deno.writeTextFile(`${dir}/bad.json`, '{"a": 1}');
    await assertRejects(() => readKeypoints(`${dir}/bad.json`), DatasetError, "not a Tianchi layout");
  });
});

/** A point of the numbered Tianchi layout. */
const pt = (identification: number, cls: number, x: number, y: number) => ({
  identification,
  class: cls,
  coord: [x, y],
});

Deno.test("readKeypoints() reads the numbered Tianchi layout, naming levels from the image whichever way it counts", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/images`);
    for (const id of ["001-000", "002-000", "003-000", "004-000", "006-000"]) {
      await png(`${dir}/images/${id}.png`, 40, 50);
    }
    // Made-up studies shaped like labels.json: even identifications are discs
    // (classes 2..6), odd ones vertebrae (0, 1).
    const studies = [
      // Counted from the bottom, as the README says.
      {
        id: "001-000",
        point: [pt(0, 4, 20, 40), pt(1, 1, 20, 32), pt(2, 3, 20, 24), pt(3, 0, 20, 16), pt(4, 6, 20, 8)],
      },
      // Counted from the top: the same anatomy.
      { id: "002-000", point: [pt(0, 2, 20, 8), pt(1, 0, 20, 16), pt(2, 5, 20, 24)] },
      // Disc and vertebra points do not alternate: levels unknown.
      { id: "003-000", point: [pt(0, 2, 20, 40), pt(2, 2, 20, 32), pt(1, 0, 20, 24)] },
      // A disc with a vertebra's class is skipped; the lowest point left is a vertebra, L5.
      { id: "004-000", point: [pt(0, 1, 20, 44), pt(1, 1, 20, 40), pt(2, 2, 20, 30)] },
      // No image.
      { id: "005-000", point: [pt(0, 2, 20, 40)] },
      { point: [] },
    ];
    await Deno.writeTextFile(`${dir}/labels.json`, JSON.stringify(studies));
    const { points, skipped, format, notes } = await readKeypoints(`${dir}/labels.json`);
    assertEquals(format, "tianchi");
    const short = points.map((p) => `${p.image.slice(dir.length + 8)} ${p.level} ${p.label} ${p.patientId}`);
    assertEquals(short, [
      "001-000.png L5-S1 protrusion 001",
      "001-000.png L5 degeneration 001",
      "001-000.png L4-L5 bulge 001",
      "001-000.png L4 normal 001",
      "001-000.png L3-L4 schmorl node 001",
      "002-000.png L5-S1 extrusion 002",
      "002-000.png L5 normal 002",
      "002-000.png L4-L5 normal 002",
      "004-000.png L5 degeneration 004",
      "004-000.png L4-L5 normal 004",
    ]);
    const reasons = skipped.map((s) => `${s.path.slice(dir.length + 1)}: ${s.reason}`);
    assertEquals(reasons.filter((r) => r.includes("003-000")).length, 3);
    assert(reasons.some((r) => r.includes("do not alternate")), reasons.join("\n"));
    assert(reasons.some((r) => r.includes("004-000.png@20,44: class 1 is not a disc (2..6)")), reasons.join("\n"));
    assert(reasons.some((r) => r.includes("labels.json#005-000: no image")), reasons.join("\n"));
    assert(reasons.some((r) => r.includes('no "id"')), reasons.join("\n"));
    assert(notes[0].includes("from the bottom in 2 studies, from the top in 1"), notes[0]);
  });
});

Deno.test({
  name: "readKeypoints() reads the competition's Tianchi layout, finding DICOM images by instance UID",
  ignore: ignoreWithout(HAVE_DCMTK, "dcmtk (apt-get install -y dcmtk)"),
  fn: async () => {
    await withDir(async (dir) => {
      await Deno.mkdir(`${dir}/study1`);
      await Deno.writeFile(`${dir}/a.bmp`, bmpGray(16, 16, () => 50));
      await dcmtk("img2dcm", "-q", "-i", "BMP", `${dir}/a.bmp`, `${dir}/study1/image5.dcm`);
      await dcmtk("dcmodify", "-nb", "-m", "(0008,0018)=1.2.3.4.5", `${dir}/study1/image5.dcm`);
      const point = (identification: string, tag: Record<string, string>, x: number, y: number) => ({
        coord: [x, y],
        tag: { identification, ...tag },
        zIndex: 5,
      });
      const studies = [{
        studyUid: "1.2.3",
        data: [{
          seriesUid: "1.2.3.4",
          instanceUid: "1.2.3.4.5",
          annotation: [{
            annotator: 1,
            data: {
              point: [
                point("L4-L5", { disc: "v3" }, 8, 9),
                point("L4", { vertebra: "v2" }, 8, 5),
                point("L5-S1", { disc: "v2,v5" }, 8, 12),
                point("L3-L4", { disc: "" }, 8, 2),
              ],
            },
          }],
        }],
      }, { studyUid: "9.9", data: [{ instanceUid: "9.9.9", annotation: [{ data: { point: [] } }] }] }];
      await Deno.writeTextFile(`${dir}/train.json`, JSON.stringify(studies));
      const { points, skipped } = await readKeypoints(`${dir}/train.json`);
      const image = `${dir}/study1/image5.dcm`;
      assertEquals(points, [
        { image, x: 8, y: 9, label: "protrusion", level: "L4-L5", patientId: "1.2.3" },
        { image, x: 8, y: 5, label: "degeneration", level: "L4", patientId: "1.2.3" },
        { image, x: 8, y: 12, label: "bulge,schmorl node", level: "L5-S1", patientId: "1.2.3" },
      ]);
      assertEquals(skipped.map((s) => s.reason), [
        "no disc code for level L3-L4",
        `no DICOM file under ${dir} has SOP Instance UID 9.9.9`,
      ]);
    });
  },
});
