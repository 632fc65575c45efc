/**
 * Confusion matrix as an annotated heatmap.
 *
 * @module
 */
import { line, niceAxis, px, sizeOption, slantLabels, svgDocument, text, textWidth } from "./svg_plot.ts";
import { BLUES, bluesAt, escapePlotly, plotlyAxis, plotlyLayout } from "./style.ts";
import type { Chart, ChartSizeOptions, PlotlyAnnotation, PlotlyFigure } from "./types.ts";

/** Options of {@link confusionMatrixHeatmap}. */
export interface ConfusionMatrixHeatmapOptions extends ChartSizeOptions {
  /**
   * `"true"` (as scikit-learn's `normalize="true"`): colour each cell by its
   * share of the true class's row and write that percentage first;
   * `"none"`: colour by count and write the count first. Both write the
   * other figure below it. Default `"none"`.
   */
  normalize?: "true" | "none";
  title?: string;
}

const NORMALIZE = ["true", "none"] as const;

/**
 * Rows divided by their sums; an empty row stays all 0.
 *
 * @param matrix Counts.
 * @returns Shares in [0, 1].
 */
function rowShares(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => sum > 0 ? v / sum : 0);
  });
}

function percent(share: number, rowSum: number): string {
  if (rowSum === 0) return "–";
  const p = share * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/**
 * A confusion matrix heatmap on a blue scale: rows are true classes (first
 * on top), columns predicted classes, each cell annotated with its count and
 * its row percentage (which one comes first follows `normalize`), with
 * axis titles "true" and "predicted" and a colour bar. SVG size: 600 x 560.
 *
 * @param matrix `n x n` non-negative counts, `matrix[true][predicted]`
 *   (as `confusionMatrix` of lib/metrics returns).
 * @param labels `n` distinct class names, in index order.
 * @param options Normalisation, title, size.
 * @returns Both forms of the chart; the Plotly heatmap's `z` holds the
 *   coloured values (row shares or counts), its `text` the annotations.
 * @throws {RangeError} When the matrix is not square, does not match
 *   `labels`, holds a negative or non-finite count, labels repeat, or
 *   `normalize` is unknown.
 * @example
 * ```ts
 * const chart = confusionMatrixHeatmap([[8, 2], [1, 9]], ["healthy", "herniated"], { normalize: "true" });
 * chart.plotly.data[0]; // heatmap with z [[0.8, 0.2], [0.1, 0.9]]
 * ```
 */
export function confusionMatrixHeatmap(
  matrix: readonly (readonly number[])[],
  labels: readonly string[],
  options: ConfusionMatrixHeatmapOptions = {},
): Chart {
  const normalize = options.normalize ?? "none";
  if (!NORMALIZE.includes(normalize)) {
    throw new RangeError(`Invalid normalize. Valid values are: ${NORMALIZE.join(", ")}. Received: ${normalize}`);
  }
  const n = labels.length;
  if (n === 0) throw new RangeError("confusionMatrixHeatmap() needs at least one class");
  if (matrix.length !== n || matrix.some((r) => r.length !== n)) {
    throw new RangeError(
      `matrix must be ${n} x ${n} to match labels, got ${matrix.length} rows of [${matrix.map((r) => r.length)}]`,
    );
  }
  const bad = matrix.flat().find((v) => !(Number.isFinite(v) && v >= 0));
  if (bad !== undefined) throw new RangeError(`Counts must be finite and >= 0, got ${bad}`);
  if (new Set(labels).size !== n) throw new RangeError(`Labels must be distinct, got [${labels.join(", ")}]`);

  const counts = matrix.map((r) => Array.from(r));
  const shares = rowShares(counts);
  const sums = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const z = normalize === "true" ? shares : counts;
  const zmax = normalize === "true" ? 1 : Math.max(1, ...counts.flat());
  const cellText = counts.map((row, i) =>
    row.map((c, j) => {
      const pct = percent(shares[i][j], sums[i]), count = String(c);
      return normalize === "true" ? [pct, `(${count})`] : [count, pct];
    })
  );
  const ink = (v: number) => v / zmax > 0.55 ? "white" : "#222";
  const title = options.title ?? (normalize === "true" ? "Confusion matrix (row-normalised)" : "Confusion matrix");
  const width = sizeOption(options.width, 600, "width"), height = sizeOption(options.height, 560, "height");

  const esc = labels.map(escapePlotly);
  const annotations: PlotlyAnnotation[] = counts.flatMap((row, i) =>
    row.map((_, j) => ({
      text: `${cellText[i][j][0]}<br>${cellText[i][j][1]}`,
      x: esc[j],
      y: esc[i],
      xref: "x",
      yref: "y",
      showarrow: false,
      font: { color: ink(z[i][j]), size: n > 6 ? 10 : 13 },
    }))
  );
  const plotly: PlotlyFigure = {
    data: [{
      type: "heatmap",
      x: esc,
      y: esc,
      z,
      zmin: 0,
      zmax,
      colorscale: BLUES,
      text: cellText.map((r) => r.map((t) => `${t[0]} ${t[1]}`)),
      hovertemplate: "true %{y}<br>predicted %{x}<br>%{text}<extra></extra>",
      xgap: 1,
      ygap: 1,
      colorbar: { title: { text: normalize === "true" ? "row share" : "count" } },
    }],
    layout: plotlyLayout(title, height, {
      xaxis: plotlyAxis("predicted", { type: "category", showgrid: false, constrain: "domain" }),
      yaxis: plotlyAxis("true", {
        type: "category",
        autorange: "reversed",
        showgrid: false,
        scaleanchor: "x",
        constrain: "domain",
      }),
      annotations,
    }),
  };

  // Static SVG: row labels left, column labels below, colour bar right.
  const top = title ? 52 : 20;
  const labelWidth = Math.max(...labels.map((l) => textWidth(l, 12)));
  const left = labelWidth + 48, right = 78;
  const guess = Math.min((width - left - right) / n, (height - top - 70) / n);
  const slant = slantLabels(labels, guess, 12);
  const bottom = slant ? labelWidth * Math.sin(35 * Math.PI / 180) + 48 : 62;
  const cell = Math.max(4, Math.min((width - left - right) / n, (height - top - bottom) / n));
  const gx = left, gy = top, side = cell * n;
  const fs = Math.max(8, Math.min(14, Math.round(cell / 5)));
  const two = cell >= 3.2 * fs;
  const body: string[] = [];
  counts.forEach((row, i) =>
    row.forEach((_, j) => {
      const x = gx + j * cell, y = gy + i * cell, v = z[i][j];
      body.push(
        `<rect x="${px(x)}" y="${px(y)}" width="${px(cell)}" height="${px(cell)}" fill="${
          bluesAt(v / zmax)
        }" stroke="white"/>`,
      );
      const [first, second] = cellText[i][j];
      const fill = ink(v), cx = x + cell / 2, cy = y + cell / 2;
      if (two) {
        body.push(text(cx, cy - fs * 0.55, first, { size: fs, anchor: "middle", middle: true, fill, weight: "bold" }));
        body.push(text(cx, cy + fs * 0.65, second, { size: fs - 2, anchor: "middle", middle: true, fill }));
      } else {
        body.push(text(cx, cy, first, { size: fs, anchor: "middle", middle: true, fill }));
      }
    })
  );
  body.push(`<rect x="${px(gx)}" y="${px(gy)}" width="${px(side)}" height="${px(side)}" fill="none" stroke="#444"/>`);
  labels.forEach((l, i) => {
    body.push(text(gx - 8, gy + (i + 0.5) * cell, l, { size: 12, anchor: "end", middle: true }));
    const cx = gx + (i + 0.5) * cell;
    body.push(
      slant
        ? text(cx, gy + side + 10, l, { size: 12, anchor: "end", rotate: -35, middle: true })
        : text(cx, gy + side + 18, l, { size: 12, anchor: "middle" }),
    );
  });
  body.push(text(gx + side / 2, gy + side + bottom - 14, "predicted", { size: 13, anchor: "middle", weight: "bold" }));
  body.push(
    text(gx - labelWidth - 24, gy + side / 2, "true", { size: 13, anchor: "middle", rotate: -90, weight: "bold" }),
  );
  // Colour bar: stacked slices (no gradient ids, so inline copies never clash).
  const bx = gx + side + 18, steps = 48;
  for (let k = 0; k < steps; k++) {
    const y = gy + side - (k + 1) * side / steps;
    body.push(
      `<rect x="${px(bx)}" y="${px(y)}" width="14" height="${px(side / steps + 0.5)}" fill="${
        bluesAt((k + 0.5) / steps)
      }"/>`,
    );
  }
  body.push(`<rect x="${px(bx)}" y="${px(gy)}" width="14" height="${px(side)}" fill="none" stroke="#444"/>`);
  const scale = niceAxis([0, zmax], { clamp: [0, zmax], integer: normalize === "none" });
  for (const t of scale.ticks) {
    const y = gy + side - t / zmax * side;
    const label = normalize === "true" ? `${Math.round(t * 100)}%` : scale.format(t);
    body.push(line(bx + 14, y, bx + 18, y, "#444"), text(bx + 21, y, label, { size: 11, middle: true }));
  }
  return { plotly, svg: svgDocument(width, height, body.join("\n"), title) };
}
