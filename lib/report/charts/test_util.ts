/**
 * Helpers shared by the chart tests (not re-exported): a tiny XML
 * well-formedness checker and PNG pixel access.
 *
 * @module
 */
import sharp from "sharp";
import { AssertionError } from "../../../tests/assert.ts";

const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

function checkText(chunk: string, where: string): void {
  if (chunk.includes("<") || chunk.includes(">")) throw new AssertionError(`Raw < or > in ${where}: ${chunk}`);
  for (let i = chunk.indexOf("&"); i >= 0; i = chunk.indexOf("&", i + 1)) {
    if (!ENTITY.test(chunk.slice(i))) throw new AssertionError(`Bare & in ${where}: ${chunk.slice(i, i + 20)}`);
  }
}

/**
 * Throws unless `svg` is well-formed XML of the kind the charts write: one
 * `<svg>` root with the SVG namespace, balanced tags, quoted attributes,
 * no raw `<`, `>` or bare `&` in text or attribute values. (No comments,
 * CDATA or processing instructions are expected.)
 *
 * @param svg The document.
 * @returns The element names in document order.
 */
export function assertWellFormedSvg(svg: string): string[] {
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const stack: string[] = [], names: string[] = [];
  let i = 0, roots = 0;
  while (i < svg.length) {
    const lt = svg.indexOf("<", i);
    const textChunk = svg.slice(i, lt < 0 ? svg.length : lt);
    if (stack.length === 0 && textChunk.trim()) throw new AssertionError(`Text outside the root: ${textChunk.trim()}`);
    checkText(textChunk, "text");
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    if (!m) throw new AssertionError(`Malformed tag at ${lt}: ${svg.slice(lt, lt + 60)}`);
    const [, close, name, attrs, selfClose] = m;
    for (const a of attrs.matchAll(/="([^"]*)"/g)) checkText(a[1], `attribute of <${name}>`);
    if (close) {
      if (attrs || selfClose) throw new AssertionError(`Closing tag with attributes: ${m[0]}`);
      const open = stack.pop();
      if (open !== name) throw new AssertionError(`</${name}> closes <${open ?? "nothing"}>`);
    } else {
      if (stack.length === 0) {
        roots++;
        if (name !== "svg" || !attrs.includes('xmlns="http://www.w3.org/2000/svg"')) {
          throw new AssertionError(`Root must be <svg xmlns=...>, got <${name}${attrs}>`);
        }
      }
      names.push(name);
      if (!selfClose) stack.push(name);
    }
    i = tag.lastIndex;
  }
  if (stack.length) throw new AssertionError(`Unclosed tags: ${stack.join(", ")}`);
  if (roots !== 1) throw new AssertionError(`Expected one root element, got ${roots}`);
  return names;
}

/** Decoded RGBA pixels of a PNG. */
export interface Pixels {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes PNG bytes to RGBA pixels with sharp. */
export async function pngPixels(png: Uint8Array): Promise<Pixels> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** RGB at (x, y), rounded to the nearest pixel. */
export function pixelAt(p: Pixels, x: number, y: number): [number, number, number] {
  const i = (Math.round(y) * p.width + Math.round(x)) * 4;
  return [p.data[i], p.data[i + 1], p.data[i + 2]];
}

/** `"#rrggbb"` to RGB. */
export function hexRgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** Whether some pixel within `radius` of (x, y) is within `tol` of `rgb` on every channel. */
export function colourNear(p: Pixels, x: number, y: number, rgb: readonly number[], radius = 2, tol = 40): boolean {
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const c = pixelAt(p, x + dx, y + dy);
      if (c.every((v, k) => Math.abs(v - rgb[k]) <= tol)) return true;
    }
  }
  return false;
}

/** How many pixels in the rectangle are not near-white. */
export function inkCount(p: Pixels, x0 = 0, y0 = 0, x1 = p.width, y1 = p.height): number {
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(p.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(p.width, x1); x++) {
      const i = (y * p.width + x) * 4;
      if (p.data[i] < 200 || p.data[i + 1] < 200 || p.data[i + 2] < 200) n++;
    }
  }
  return n;
}

/**
 * Points of the first `<path>` whose stroke is `color` (M/L commands only,
 * as the charts write them).
 */
export function pathPoints(svg: string, color: string): [number, number][] {
  const m = svg.match(new RegExp(`<path d="([^"]+)" fill="none" stroke="${color}"`));
  if (!m) throw new AssertionError(`No path stroked ${color}`);
  return [...m[1].matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((q) => [Number(q[1]), Number(q[2])]);
}

/** Whether any font file is installed where fontconfig usually looks. */
export function fontsInstalled(): boolean {
  const walk = (dir: string, depth: number): boolean => {
    try {
      for (const e of Deno.readDirSync(dir)) {
        if (e.isFile && /\.(ttf|otf|ttc|pfb)$/i.test(e.name)) return true;
        if (e.isDirectory && depth < 4 && walk(`${dir}/${e.name}`, depth + 1)) return true;
      }
    } catch {
      // Missing or unreadable.
    }
    return false;
  };
  return ["/usr/share/fonts", "/usr/local/share/fonts"].some((d) => walk(d, 0));
}
