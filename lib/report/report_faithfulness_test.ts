import { assert, assertEquals } from "../../tests/assert.ts";
import { FAITHFULNESS_HEADER, faithfulnessNotes, faithfulnessRows, faithfulnessTable } from "./report_faithfulness.ts";
import { fakeFaithfulness } from "./report_test_fixtures.ts";

Deno.test("faithfulnessRows() puts each score beside random's and marks whether it beats it", () => {
  const rows = faithfulnessRows(fakeFaithfulness("cnn"));
  assertEquals(rows.length, 2);
  assertEquals(rows[0].length, FAITHFULNESS_HEADER.length);
  assertEquals(rows[0][1], { html: `0.500 <span class="ci">(0.100)</span>`, className: "good" });
  assertEquals(rows[1][1], { html: `0.050 <span class="ci">(0.100)</span>`, className: "bad" });
  // Deletion: lower is better (0.35 against random 0.5).
  assertEquals((rows[0][4] as { className?: string }).className, "good");
  assertEquals((rows[1][6] as { html: string }).html, `FAIL <span class="ci">(r = 0.90)</span>`);
  assertEquals(rows[0][7], "12");
});

Deno.test("faithfulnessRows() reads partial reports: no localisation, no sanity, no methods", () => {
  const r = fakeFaithfulness("cnn");
  const m = (r.methods as Record<string, unknown>[])[0];
  const rows = faithfulnessRows({ ...r, methods: [{ ...m, localisation: null, sanity: { passed: null } }] });
  assertEquals(rows[0][1], { html: `n/a <span class="ci">(n/a)</span>`, className: undefined });
  assert((rows[0][6] as { html: string }).html.includes("not measured"));
  assertEquals(faithfulnessRows({}), []);
  assert(faithfulnessTable({}).includes("lists no methods"));
});

Deno.test("faithfulnessNotes() says what the numbers rest on, escaped, with the warnings", () => {
  const html = faithfulnessNotes(fakeFaithfulness("c<n>n"));
  assert(html.includes("c&lt;n&gt;n at 32 px, layer <code>block4_relu</code> (4×4 map); 8 images explained"), html);
  assert(html.includes("Sanity check, Grad-CAM++: FAIL: the maps &lt;stay&gt; the same"), html);
  assert(html.includes(`<ul class="warnings"><li>Only 6 abnormal images`), html);
  assert(faithfulnessNotes({}).includes("images not recorded"));
});
