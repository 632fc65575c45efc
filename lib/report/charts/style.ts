/**
 * Look shared by the SVG and Plotly forms of every chart (internal, not
 * re-exported): palette, font, Plotly axis and layout defaults.
 *
 * @module
 */
import type { PlotlyAxis, PlotlyLayout } from "./types.ts";

/** Generic family: librsvg maps it through fontconfig, browsers to their default. */
export const FONT = "sans-serif";

/** Plotly's (and matplotlib's) default category colours. */
export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
] as const;

/** Colour of series `i`, cycling. */
export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length];
}

/** Plotly's "Blues" scale (ColorBrewer), light to dark. */
export const BLUES: [number, string][] = [
  [0, "rgb(247,251,255)"],
  [0.125, "rgb(222,235,247)"],
  [0.25, "rgb(198,219,239)"],
  [0.375, "rgb(158,202,225)"],
  [0.5, "rgb(107,174,214)"],
  [0.625, "rgb(66,146,198)"],
  [0.75, "rgb(33,113,181)"],
  [0.875, "rgb(8,81,156)"],
  [1, "rgb(8,48,107)"],
];

/**
 * Colour of `t` in [0, 1] on {@link BLUES}, linearly interpolated.
 *
 * @param t Position on the scale; clamped.
 * @returns An `rgb(r,g,b)` colour.
 */
export function bluesAt(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  let i = 0;
  while (i < BLUES.length - 2 && u > BLUES[i + 1][0]) i++;
  const [t0, c0] = BLUES[i], [t1, c1] = BLUES[i + 1];
  const a = rgb(c0), b = rgb(c1), f = (u - t0) / (t1 - t0);
  return `rgb(${a.map((v, k) => Math.round(v + (b[k] - v) * f)).join(",")})`;
}

function rgb(c: string): number[] {
  return c.slice(4, -1).split(",").map(Number);
}

/**
 * Escapes text that Plotly renders: Plotly reads `<...>` as its own markup
 * and decodes `&lt;`, `&gt;`, `&amp;`, so those three are escaped.
 */
export function escapePlotly(text: string): string {
  return text.replace(/[&<>]/g, (c) => c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;");
}

/** A Plotly axis in the house style, with an optional (escaped) title. */
export function plotlyAxis(title?: string, extra: PlotlyAxis = {}): PlotlyAxis {
  return {
    ...(title ? { title: { text: escapePlotly(title) } } : {}),
    showline: true,
    linecolor: "#444",
    ticks: "outside",
    ...(extra.showgrid === false ? {} : { gridcolor: "#e5e5e5" }),
    zeroline: false,
    automargin: true,
    ...extra,
  };
}

/** A Plotly layout in the house style, with an optional (escaped) title. */
export function plotlyLayout(title: string | undefined, height: number, extra: PlotlyLayout = {}): PlotlyLayout {
  return {
    ...(title ? { title: { text: escapePlotly(title) } } : {}),
    font: { family: FONT, size: 13 },
    height,
    margin: { t: title ? 60 : 30, r: 20, b: 60, l: 70 },
    plot_bgcolor: "white",
    paper_bgcolor: "white",
    ...extra,
  };
}

/** Plain-array copy for JSON: non-finite values become `null` (a gap in Plotly). */
export function jsonNumbers(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, (v) => Number.isFinite(v) ? v : null);
}
