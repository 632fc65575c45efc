import { assertEquals, assertThrows } from "../../../tests/assert.ts";
import { displayPng } from "./display_png.ts";
import { svgToPng } from "./svg_to_png.ts";
import { lineChart } from "./line_chart.ts";

Deno.test("displayPng() gives base64 image/png that decodes to the same bytes", async () => {
  const png = await svgToPng(lineChart([{ name: "a", x: [0, 1], y: [0, 1] }], { width: 300, height: 200 }).svg);
  const d = displayPng(png);
  const bundle = d[Symbol.for("Jupyter.display") as keyof typeof d] as () => Record<string, string>;
  const b64 = bundle()["image/png"];
  assertEquals(b64, d["image/png"]);
  assertEquals(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), png);
  assertEquals(d["text/plain"], "PNG image 300 x 200");
});

Deno.test("displayPng() rejects bytes that are not a PNG", () => {
  assertThrows(() => displayPng(new Uint8Array([0xff, 0xd8, 0xff])), TypeError, "PNG");
});
