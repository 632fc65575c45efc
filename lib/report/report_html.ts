/**
 * Small HTML builders for the study report: escaped text, tables, values of
 * unknown shape, metrics with intervals, embedded images.
 *
 * Every function returns HTML text in which caller-supplied strings are
 * escaped; only arguments named `html` are inserted as they are.
 *
 * @module
 */
import { escapeXml } from "./charts/escape_xml.ts";

/** Escapes text for HTML content and quoted attribute values. */
export const esc: (text: string) => string = escapeXml;

/** A cell of {@link htmlTable}: text (escaped), or trusted HTML. */
export type Cell = string | number | null | undefined | { html: string; className?: string };

/** Options of {@link htmlTable}. */
export interface HtmlTableOptions {
  /** Class of the `<table>`. */
  className?: string;
  /** Caption above the table (escaped). */
  caption?: string;
  /** Indices of columns whose cells are right-aligned numbers. */
  numeric?: readonly number[];
}

function cellHtml(c: Cell, tag: "td" | "th", numeric: boolean): string {
  const cls = [numeric ? "num" : "", typeof c === "object" && c != null ? c.className ?? "" : ""]
    .filter(Boolean).join(" ");
  const attr = cls ? ` class="${esc(cls)}"` : "";
  const body = c == null ? "" : typeof c === "object" ? c.html : esc(String(c));
  return `<${tag}${attr}>${body}</${tag}>`;
}

/**
 * A table with one header row.
 *
 * @param header Column titles.
 * @param rows Cells, row by row.
 * @param options Class, caption, numeric columns.
 * @returns HTML text.
 * @example
 * ```ts
 * htmlTable(["class", "n"], [["a<b", 3]], { numeric: [1] });
 * // <table><thead><tr><th>class</th><th class="num">n</th></tr></thead><tbody><tr><td>a&lt;b</td>...
 * ```
 */
export function htmlTable(header: readonly Cell[], rows: readonly (readonly Cell[])[], options: HtmlTableOptions = {}) {
  const numeric = new Set(options.numeric ?? []);
  const cls = options.className ? ` class="${esc(options.className)}"` : "";
  const caption = options.caption ? `<caption>${esc(options.caption)}</caption>` : "";
  const head = `<tr>${header.map((h, i) => cellHtml(h, "th", numeric.has(i))).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => cellHtml(c, "td", numeric.has(i))).join("")}</tr>`).join("\n");
  return `<div class="table-wrap"><table${cls}>${caption}<thead>${head}</thead><tbody>\n${body}\n</tbody></table></div>`;
}

const MAX_ITEMS = 40;
const MAX_DEPTH = 4;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v != null && typeof v === "object" && !Array.isArray(v);
}

function scalarHtml(v: unknown): string {
  if (v == null) return `<span class="muted">–</span>`;
  if (typeof v === "number") return esc(Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
  if (typeof v === "boolean") return v ? "yes" : "no";
  return esc(String(v));
}

/**
 * Any JSON value as readable HTML: scalars as text, arrays of scalars as a
 * list, arrays of objects as a table (columns: the union of their keys),
 * objects as a key-value table. Long arrays are cut after 40 items, deep
 * nesting after 4 levels (shown as compact JSON).
 *
 * @param value A JSON value of unknown shape (a `config.json` section, a study summary).
 * @param depth Current depth (internal).
 * @returns HTML text.
 * @example
 * ```ts
 * valueHtml({ seed: 42, classes: ["a", "b"] }); // a two-row key-value table
 * ```
 */
export function valueHtml(value: unknown, depth = 0): string {
  if (!(value != null && typeof value === "object")) return scalarHtml(value);
  if (depth >= MAX_DEPTH) return `<code>${esc(JSON.stringify(value).slice(0, 400))}</code>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `<span class="muted">none</span>`;
    const shown = value.slice(0, MAX_ITEMS);
    const more = value.length > MAX_ITEMS ? ` <span class="muted">… ${value.length - MAX_ITEMS} more</span>` : "";
    if (shown.every(isRecord)) {
      const keys = [...new Set(shown.flatMap((o) => Object.keys(o)))];
      return htmlTable(keys, shown.map((o) => keys.map((k) => ({ html: valueHtml(o[k], depth + 1) }))), {
        className: "kv",
      }) + more;
    }
    if (shown.every((v) => !(v != null && typeof v === "object"))) {
      return shown.map(scalarHtml).join(", ") + more;
    }
    return `<ol>${shown.map((v) => `<li>${valueHtml(v, depth + 1)}</li>`).join("")}</ol>${more}`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return `<span class="muted">none</span>`;
  return keyValueTable(entries.map(([k, v]) => [k, { html: valueHtml(v, depth + 1) }]));
}

/**
 * A two-column table of names and values.
 *
 * @param rows `[name, value]` pairs; values as {@link Cell}s.
 * @returns HTML text.
 */
export function keyValueTable(rows: readonly (readonly [string, Cell])[]): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th>${cellHtml(v, "td", false)}</tr>`).join("\n");
  return `<div class="table-wrap"><table class="kv"><tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * A share as a percentage with one decimal, or "n/a".
 *
 * @param v A share in [0, 1].
 */
export function pct(v: number | null | undefined): string {
  return v != null && Number.isFinite(v) ? (100 * v).toFixed(1) : "n/a";
}

/**
 * A fixed-point number, or "n/a".
 *
 * @param v Any number.
 * @param digits Digits after the point. Default 2.
 */
export function fixed(v: number | null | undefined, digits = 2): string {
  return v != null && Number.isFinite(v) ? v.toFixed(digits) : "n/a";
}

/** A value with its interval, as compareRuns and bootstrapCi give them. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * A metric in % with its 95% interval underneath, as a table cell; "n/a"
 * when there is none, the estimate alone when the bounds are missing.
 *
 * @param m The metric.
 * @param best Mark the cell as the column's best.
 * @returns A {@link Cell}.
 */
export function ciCell(m: Interval | null | undefined, best = false): Cell {
  if (m == null || !Number.isFinite(m.estimate)) return { html: `<span class="muted">n/a</span>` };
  const bounds = Number.isFinite(m.low) && Number.isFinite(m.high)
    ? `<span class="ci">[${pct(m.low)}, ${pct(m.high)}]</span>`
    : `<span class="ci">no interval</span>`;
  return { html: `<span class="est">${pct(m.estimate)}</span> ${bounds}`, className: best ? "best" : undefined };
}

/**
 * Standard base64 of bytes (for `data:` URIs).
 *
 * @param bytes Any bytes.
 * @returns Base64 text with padding.
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Options of {@link imageHtml}. */
export interface ImageHtmlOptions {
  /** Alternative text and caption (escaped). */
  caption?: string;
  /** MIME type of `bytes`. Default `image/png`. */
  mime?: string;
  /** Pixel width, when known (for layout before decoding). */
  width?: number;
  height?: number;
}

/**
 * An image embedded as a `data:` URI, in a `<figure>` with a caption.
 *
 * @param bytes The encoded image.
 * @param options Caption, MIME type, size.
 * @returns HTML text.
 */
export function imageHtml(bytes: Uint8Array, options: ImageHtmlOptions = {}): string {
  const mime = options.mime ?? "image/png";
  const alt = options.caption ?? "";
  const size = options.width && options.height ? ` width="${options.width}" height="${options.height}"` : "";
  const cap = options.caption ? `<figcaption>${esc(options.caption)}</figcaption>` : "";
  return `<figure class="img"><img alt="${esc(alt)}"${size} src="data:${esc(mime)};base64,${
    encodeBase64(bytes)
  }">${cap}</figure>`;
}
