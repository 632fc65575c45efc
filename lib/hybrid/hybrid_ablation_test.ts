import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { createRng } from "../random.ts";
import { ablationChart, ablationCsv, featureRows, formatAblationTable, hybridAblation } from "./hybrid_ablation.ts";

/** Two feature blocks: "cnn" carries the class, "handcrafted" is noise. */
function split(perClass: number, seed: number) {
  const rng = createRng(seed);
  const labels = Array.from({ length: 2 * perClass }, (_, i) => i % 2);
  return {
    labels,
    ids: labels.map((_, i) => `s${seed}:${i}`),
    cnn: labels.map((c) => [2 * c + 0.3 * rng.normal(), rng.normal()]),
    handcrafted: labels.map(() => [rng.normal(), rng.normal(), rng.normal()]),
  };
}

Deno.test("featureRows() joins CNN then handcrafted columns and names what is missing", () => {
  const s = { cnn: [[1, 2]], handcrafted: [[3]], labels: [0] };
  assertEquals(featureRows(s, "both"), [[1, 2, 3]]);
  assertEquals(featureRows(s, "handcrafted"), [[3]]);
  assertThrows(
    () => featureRows({ labels: [0], cnn: [[1]] }, "both"),
    RangeError,
    "handcrafted features were not computed",
  );
});

Deno.test("hybridAblation() compares the three feature sets with and without PCA on the test split", () => {
  const train = split(12, 1), val = split(4, 2), test = split(6, 3);
  const variants = hybridAblation(train, val, test, ["a", "b"], { pca: 0.9, Cs: [1], gammaFactors: [1], folds: 3 });
  const rows = variants.map((v) => v.row);
  assertEquals(rows.map((r) => [r.features, r.pca]), [
    ["cnn", null],
    ["cnn", 0.9],
    ["handcrafted", null],
    ["handcrafted", 0.9],
    ["both", null],
    ["both", 0.9],
  ]);
  assertEquals(rows.map((r) => r.nFeatures), [2, 2, 3, 3, 5, 5]);
  const cnn = rows[0], noise = rows[2];
  assert(cnn.accuracy > noise.accuracy, `the informative block wins: ${cnn.accuracy} vs ${noise.accuracy}`);
  for (const r of rows) {
    assert(r.accuracyCi[0] <= r.accuracy && r.accuracy <= r.accuracyCi[1], `${r.name} CI`);
    assertEquals(variants[0].test.n, 12);
  }
  const csv = ablationCsv(rows).trim().split("\n");
  assertEquals(csv.length, 7);
  assert(csv[0].startsWith("variant,features,pca,n_features"), csv[0]);
  assert(formatAblationTable(rows).includes("CNN + handcrafted, PCA 0.9"), "table names the variants");
  assert(ablationChart(rows).svg.includes("macro-F1"), "chart");
});
