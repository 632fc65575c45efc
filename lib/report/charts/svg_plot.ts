/**
 * Small SVG drawing kit behind the static charts (internal, not re-exported):
 * nice axis ticks, projection, axes with tick labels and titles, lines,
 * legends and the document frame. Output uses no ids, gradients or CSS, so
 * several charts can sit inline in one HTML page and librsvg draws them as a
 * browser would.
 *
 * @module
 */
import { escapeXml } from "./escape_xml.ts";
import { FONT } from "./style.ts";

/** A rectangle in pixels (the plotting area of a panel). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A numeric axis: its range, tick positions and how ticks are written. */
export interface Axis {
  min: number;
  max: number;
  ticks: number[];
  log: boolean;
  /** Tick label of a value. */
  format: (v: number) => string;
  title?: string;
}

/** Options of {@link niceAxis}. */
export interface NiceAxisOptions {
  /** Axis title. */
  title?: string;
  /** Extend the range to 0. */
  includeZero?: boolean;
  /** Never go beyond these bounds (e.g. [0, 1] for accuracy). */
  clamp?: [number, number];
  /** Ticks on integers only (epochs). */
  integer?: boolean;
  /** Logarithmic axis (all values must be > 0, else linear). */
  log?: boolean;
  /** About how many ticks. Default 5. */
  count?: number;
}

/** Rounds pixel coordinates to 0.01 px, to keep the SVG short. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Average glyph advance of sans-serif text, as a fraction of the font size. */
const CHAR_WIDTH = 0.6;

/** Rough rendered width of `text` at `size` px. */
export function textWidth(text: string, size: number): number {
  return text.length * size * CHAR_WIDTH;
}

function decimalsOf(step: number): number {
  let d = 0;
  while (d < 12 && Math.abs(step * 10 ** d - Math.round(step * 10 ** d)) > 1e-9 * 10 ** d) d++;
  return d;
}

/**
 * Formats tick values that are multiples of `step`: fixed decimals, or
 * exponent notation for very small or very large steps.
 */
export function tickFormatter(step: number, maxAbs: number): (v: number) => string {
  if (step > 0 && (step < 1e-3 || maxAbs >= 1e6)) {
    return (v) => v === 0 ? "0" : Number(v.toPrecision(3)).toExponential();
  }
  const d = decimalsOf(step);
  return (v) => {
    const s = v.toFixed(d);
    return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
  };
}

/**
 * An axis whose range is rounded out to "nice" ticks (1, 2 or 5 times a
 * power of ten) around all finite `values`.
 *
 * @param values Data along the axis; non-finite values are ignored.
 * @param options See {@link NiceAxisOptions}.
 * @returns The axis.
 */
export function niceAxis(values: readonly number[], options: NiceAxisOptions = {}): Axis {
  const finite = values.filter((v) => Number.isFinite(v));
  if (options.log && finite.length > 0 && finite.every((v) => v > 0)) return logAxis(finite, options.title);
  let lo = finite.length ? Math.min(...finite) : 0, hi = finite.length ? Math.max(...finite) : 1;
  if (options.includeZero) lo = Math.min(lo, 0), hi = Math.max(hi, 0);
  if (hi - lo < 1e-12) {
    const pad = Math.abs(hi) > 1e-12 ? Math.abs(hi) * 0.1 : 1;
    lo -= pad, hi += pad;
  }
  const count = options.count ?? 5;
  const rough = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(rough)), norm = rough / mag;
  let step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  if (options.integer) step = Math.max(1, Math.round(step));
  let min = Math.floor(lo / step + 1e-9) * step, max = Math.ceil(hi / step - 1e-9) * step;
  if (options.clamp) min = Math.max(min, options.clamp[0]), max = Math.min(max, options.clamp[1]);
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) {
    ticks.push(Number((i * step).toFixed(12)));
  }
  return {
    min,
    max,
    ticks,
    log: false,
    format: tickFormatter(step, Math.max(Math.abs(min), Math.abs(max))),
    title: options.title,
  };
}

function logAxis(values: number[], title?: string): Axis {
  const lo = Math.floor(Math.log10(Math.min(...values)) + 1e-9);
  let hi = Math.ceil(Math.log10(Math.max(...values)) - 1e-9);
  if (hi <= lo) hi = lo + 1;
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    for (const m of hi - lo <= 2 ? [1, 2, 5] : [1]) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v <= 10 ** hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return {
    min: 10 ** lo,
    max: 10 ** hi,
    ticks,
    log: true,
    format: (v) => v >= 1e-2 && v < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(0),
    title,
  };
}

/** An axis with a fixed range and ticks (e.g. ROC's 0..1). */
export function fixedAxis(min: number, max: number, step: number, title?: string): Axis {
  const ticks: number[] = [];
  for (let v = min; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toFixed(12)));
  return { min, max, ticks, log: false, format: tickFormatter(step, Math.max(Math.abs(min), Math.abs(max))), title };
}

/**
 * Maps `v` on `axis` to a pixel between `from` (at `axis.min`) and `to`.
 */
export function project(axis: Axis, v: number, from: number, to: number): number {
  const t = axis.log
    ? (Math.log10(v) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min))
    : (v - axis.min) / (axis.max - axis.min);
  return from + t * (to - from);
}

/** Horizontal pixel of `v` in `box`. */
export function projectX(axis: Axis, v: number, box: Box): number {
  return project(axis, v, box.x, box.x + box.width);
}

/** Vertical pixel of `v` in `box` (up is larger). */
export function projectY(axis: Axis, v: number, box: Box): number {
  return project(axis, v, box.y + box.height, box.y);
}

/** Options of {@link text}. */
export interface TextOptions {
  size?: number;
  anchor?: "start" | "middle" | "end";
  weight?: "normal" | "bold";
  fill?: string;
  /** Degrees, around the anchor point. */
  rotate?: number;
  /** Centre the text vertically on `y` instead of sitting on it. */
  middle?: boolean;
}

/** A `<text>` element with escaped content. */
export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const size = options.size ?? 12;
  const yy = options.middle ? y + size * 0.35 : y;
  const attrs = [
    `x="${px(x)}"`,
    `y="${px(yy)}"`,
    `font-size="${size}"`,
    options.anchor && options.anchor !== "start" ? `text-anchor="${options.anchor}"` : "",
    options.weight === "bold" ? `font-weight="bold"` : "",
    `fill="${options.fill ?? "#222"}"`,
    options.rotate ? `transform="rotate(${options.rotate} ${px(x)} ${px(y)})"` : "",
  ].filter(Boolean).join(" ");
  return `<text ${attrs}>${escapeXml(content)}</text>`;
}

/** A straight line. */
export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1, dash?: string): string {
  return `<line x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}" stroke="${stroke}" stroke-width="${width}"${
    dash ? ` stroke-dasharray="${dash}"` : ""
  }/>`;
}

/** Options of {@link axes}. */
export interface AxesOptions {
  /** Vertical grid lines at the x ticks. Default true. */
  xGrid?: boolean;
  /** Category labels instead of numeric x tick labels: tick `i` gets `xLabels[i]`. */
  xLabels?: readonly string[];
}

/** Whether category labels need to be slanted to fit under their slots. */
export function slantLabels(labels: readonly string[], slot: number, size = 12): boolean {
  return labels.some((l) => textWidth(l, size) > slot - 4);
}

/**
 * Grid, axis lines, ticks, tick labels and axis titles of one panel.
 *
 * @param box Plotting area.
 * @param x Horizontal axis.
 * @param y Vertical axis.
 * @param options See {@link AxesOptions}.
 * @returns SVG elements.
 */
export function axes(box: Box, x: Axis, y: Axis, options: AxesOptions = {}): string {
  const out: string[] = [];
  const bottom = box.y + box.height, right = box.x + box.width;
  for (const t of y.ticks) {
    const py = projectY(y, t, box);
    out.push(line(box.x, py, right, py, "#e5e5e5"));
  }
  if (options.xGrid ?? true) {
    for (const t of x.ticks) {
      const pxx = projectX(x, t, box);
      out.push(line(pxx, box.y, pxx, bottom, "#e5e5e5"));
    }
  }
  out.push(line(box.x, box.y, box.x, bottom, "#444"), line(box.x, bottom, right, bottom, "#444"));
  let yLabelWidth = 0;
  for (const t of y.ticks) {
    const py = projectY(y, t, box), label = y.format(t);
    yLabelWidth = Math.max(yLabelWidth, textWidth(label, 11));
    out.push(
      line(box.x - 4, py, box.x, py, "#444"),
      text(box.x - 7, py, label, { size: 11, anchor: "end", middle: true }),
    );
  }
  const labels = options.xLabels;
  const slot = labels ? box.width / Math.max(1, labels.length) : 0;
  const slant = labels ? slantLabels(labels, slot, 11) : false;
  let xLabelDepth = 14;
  x.ticks.forEach((t, i) => {
    const pxx = projectX(x, t, box), label = labels ? labels[i] ?? "" : x.format(t);
    out.push(line(pxx, bottom, pxx, bottom + 4, "#444"));
    if (slant) {
      out.push(text(pxx, bottom + 10, label, { size: 11, anchor: "end", rotate: -35, middle: true }));
      xLabelDepth = Math.max(xLabelDepth, textWidth(label, 11) * Math.sin(35 * Math.PI / 180) + 14);
    } else {
      out.push(text(pxx, bottom + 17, label, { size: 11, anchor: "middle" }));
    }
  });
  if (x.title) {
    out.push(text(box.x + box.width / 2, bottom + xLabelDepth + 18, x.title, { size: 13, anchor: "middle" }));
  }
  if (y.title) {
    const yx = box.x - yLabelWidth - 18, yy = box.y + box.height / 2;
    out.push(text(yx, yy, y.title, { size: 13, anchor: "middle", rotate: -90 }));
  }
  return out.join("\n");
}

/**
 * A line through `points` in `box`; `null` or non-finite points break it.
 *
 * @returns A `<path>`, or `""` when fewer than one point is drawable.
 */
export function polyline(
  points: readonly (readonly [number, number] | null)[],
  x: Axis,
  y: Axis,
  box: Box,
  style: { color: string; width?: number; dash?: string },
): string {
  let d = "", pen = false;
  for (const p of points) {
    if (p == null || !Number.isFinite(p[0]) || !Number.isFinite(p[1]) || (x.log && p[0] <= 0) || (y.log && p[1] <= 0)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${px(projectX(x, p[0], box))} ${px(projectY(y, p[1], box))}`;
    pen = true;
  }
  if (!d) return "";
  return `<path d="${d}" fill="none" stroke="${style.color}" stroke-width="${
    style.width ?? 2
  }" stroke-linejoin="round"${style.dash ? ` stroke-dasharray="${style.dash}"` : ""}/>`;
}

/** Small circles at `points` (finite ones only). */
export function markers(
  points: readonly (readonly [number, number])[],
  x: Axis,
  y: Axis,
  box: Box,
  color: string,
  r = 3,
): string {
  return points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])).map((p) =>
    `<circle cx="${px(projectX(x, p[0], box))}" cy="${px(projectY(y, p[1], box))}" r="${r}" fill="${color}"/>`
  ).join("");
}

/** One legend entry: a line sample (optionally dashed) or a filled square. */
export interface LegendItem {
  label: string;
  color: string;
  dash?: string;
  square?: boolean;
}

function legendSample(x: number, y: number, item: LegendItem): string {
  return item.square
    ? `<rect x="${px(x + 6)}" y="${px(y - 6)}" width="12" height="12" fill="${item.color}"/>`
    : line(x, y, x + 24, y, item.color, 2, item.dash);
}

/** Width and height of a vertical {@link legend}. */
export function legendSize(items: readonly LegendItem[], size = 12): { width: number; height: number } {
  return { width: Math.max(0, ...items.map((i) => textWidth(i.label, size))) + 44, height: items.length * 20 + 8 };
}

/**
 * A boxed vertical legend with its top-left corner at (`x`, `y`).
 */
export function legend(items: readonly LegendItem[], x: number, y: number, size = 12): string {
  if (items.length === 0) return "";
  const { width, height } = legendSize(items, size);
  const out = [
    `<rect x="${px(x)}" y="${px(y)}" width="${
      px(width)
    }" height="${height}" fill="white" fill-opacity="0.9" stroke="#bbb"/>`,
  ];
  items.forEach((item, i) => {
    const cy = y + 14 + i * 20;
    out.push(legendSample(x + 8, cy, item), text(x + 38, cy, item.label, { size, middle: true }));
  });
  return out.join("\n");
}

/** A legend on one row, centred on `cx`, vertically centred on `y`. */
export function legendRow(items: readonly LegendItem[], cx: number, y: number, size = 12): string {
  const widths = items.map((i) => textWidth(i.label, size) + 48);
  let x = cx - widths.reduce((a, b) => a + b, 0) / 2;
  return items.map((item, i) => {
    const s = legendSample(x, y, item) + text(x + 30, y, item.label, { size, middle: true });
    x += widths[i];
    return s;
  }).join("\n");
}

/**
 * A standalone SVG document: white background, optional bold title on top,
 * generic sans-serif font.
 *
 * @param width Width in px.
 * @param height Height in px.
 * @param body Elements.
 * @param title Title, centred on top.
 * @returns The document, starting with `<svg`.
 */
export function svgDocument(width: number, height: number, body: string, title?: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    title ? text(width / 2, 28, title, { size: 17, anchor: "middle", weight: "bold" }) : "",
    body,
    `</svg>`,
  ].filter(Boolean).join("\n") + "\n";
}

/** Checks a chart size option: a positive finite number, else the default. */
export function sizeOption(value: number | undefined, fallback: number, name: string): number {
  if (value == null) return fallback;
  if (!(Number.isFinite(value) && value >= 100)) throw new RangeError(`${name} must be a number >= 100, got ${value}`);
  return Math.round(value);
}
