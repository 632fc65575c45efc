/**
 * Rich display of PNG bytes in Jupyter with the Deno kernel.
 *
 * @module
 */
import { type Displayable, displayable } from "./display_figure.ts";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Base64 of bytes, in chunks (spreading megabytes into one call overflows the stack). */
function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * A Jupyter display of a PNG image: `image/png` as plain base64 (no
 * `data:` prefix, as Jupyter expects) and a `text/plain` line with its size.
 * Show it as a cell's last value or with `await Deno.jupyter.display(...)`.
 *
 * @param png PNG bytes (e.g. from `svgToPng`).
 * @returns The displayable bundle.
 * @throws {TypeError} When the bytes are not a PNG.
 * @example
 * ```ts
 * import { lineChart } from "./line_chart.ts";
 * import { svgToPng } from "./svg_to_png.ts";
 * // In a notebook cell:
 * const chart = lineChart([{ name: "a", x: [0, 1], y: [0, 1] }]);
 * await Deno.jupyter.display(displayPng(await svgToPng(chart.svg)));
 * ```
 */
export function displayPng(png: Uint8Array): Displayable {
  if (png.length < 24 || SIGNATURE.some((b, i) => png[i] !== b)) {
    throw new TypeError("displayPng() expects PNG bytes (they must start with the PNG signature)");
  }
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return displayable({
    "image/png": base64(png),
    "text/plain": `PNG image ${view.getUint32(16)} x ${view.getUint32(20)}`,
  });
}
