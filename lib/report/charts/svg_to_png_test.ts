import { assert, assertEquals, assertRejects } from "../../../tests/assert.ts";
import { svgToPng } from "./svg_to_png.ts";
import { fontsInstalled, inkCount, pngPixels } from "./test_util.ts";
import { svgDocument, text } from "./svg_plot.ts";

Deno.test("svgToPng() keeps the SVG's pixel size at 72 DPI and scales with density", async () => {
  const svg = svgDocument(120, 80, `<rect x="10" y="10" width="20" height="20" fill="#000"/>`);
  const png = await svgToPng(svg);
  assertEquals(Array.from(png.slice(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
  const p = await pngPixels(png);
  assertEquals([p.width, p.height], [120, 80]);
  assertEquals(inkCount(p), 400);
  const big = await pngPixels(await svgToPng(svg, { density: 144 }));
  assertEquals([big.width, big.height], [240, 160]);
  await assertRejects(() => svgToPng(svg, { density: 0 }), RangeError, "density");
});

Deno.test({
  name: "svgToPng() draws sans-serif text where fontconfig has a font",
  ignore: !fontsInstalled(),
  fn: async () => {
    const p = await pngPixels(await svgToPng(svgDocument(200, 60, text(10, 40, "Lumbar 123", { size: 24 }))));
    const ink = inkCount(p);
    assert(ink > 200, `text pixels drawn (${ink})`);
  },
});

Deno.test("svgToPng() rejects malformed SVG", async () => {
  await assertRejects(() => svgToPng("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>"));
});
