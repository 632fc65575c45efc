/**
 * Small helpers for the Jupyter notebooks (Deno kernel): pick settings by
 * profile, show outputs reliably, show tables and preformatted text, turn
 * tensors and evaluations into what the charts and image grids take.
 * Everything here also runs under `deno test` and `deno run`, where
 * `Deno.jupyter` does not exist.
 *
 * @example
 * ```ts
 * import { byProfile, displayTable, show } from "./notebook.ts";
 * const PROFILE = Deno.env.get("LUMBAR_NOTEBOOK_PROFILE") ?? "small";
 * const S = byProfile(PROFILE, { small: { epochs: 2 }, full: { epochs: 12 } });
 * await show(displayTable(["setting", "value"], [["epochs", S.epochs]]));
 * ```
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { bootstrapCi, type BootstrapCiOptions } from "../metrics/bootstrap_ci.ts";
import type { Evaluation } from "../train/evaluate.ts";
import { JUPYTER_DISPLAY } from "./charts/display_figure.ts";
import { barChartWithCi, type BarWithCi } from "./charts/bar_chart_with_ci.ts";
import type { RocCurve } from "./charts/roc_curves.ts";
import type { Chart, ChartSizeOptions } from "./charts/types.ts";
import { captionedGridPng, grayPng } from "./captioned_grid.ts";
import type { GalleryTile } from "../explain/gallery_png.ts";
import { resizeBilinear } from "../explain/resize_bilinear.ts";
import type { GrayImage } from "./png.ts";

/** The notebook profiles: `small` (what the tests run) and `full`. */
export const NOTEBOOK_PROFILES = ["small", "full"] as const;
/** One of {@link NOTEBOOK_PROFILES}. */
export type NotebookProfile = typeof NOTEBOOK_PROFILES[number];

/** The MIME types these helpers produce. */
export interface TextBundle {
  "text/html": string;
  "text/markdown"?: string;
  "text/plain": string;
}

/** A bundle that the Deno kernel displays as a cell's last value or with `Deno.jupyter.display(x)`. */
export type DisplayableText = TextBundle & { [JUPYTER_DISPLAY](): TextBundle };

function displayable(bundle: TextBundle): DisplayableText {
  return Object.assign({ ...bundle }, { [JUPYTER_DISPLAY]: () => ({ ...bundle }) });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** Options of {@link show}. */
export interface ShowOptions {
  /** Milliseconds to yield to the kernel after the output is sent. Default 100. */
  settleMs?: number;
}

interface JupyterDisplay {
  display(value: unknown, options?: { raw?: boolean }): Promise<void>;
}

/** `Deno.jupyter`, or undefined outside the kernel (where Deno 2.9.6's getter throws). */
function jupyterApi(): JupyterDisplay | undefined {
  try {
    return (Deno as unknown as { jupyter?: JupyterDisplay }).jupyter;
  } catch {
    return undefined;
  }
}

/**
 * Shows a value in the notebook: `await Deno.jupyter.display(value)`, then a
 * short pause. The pause matters: the Deno kernel (2.9.6) sends outputs on
 * its IOPub socket from the same thread as the notebook's code, and outputs
 * sent while a large one (a PNG) is still being written were lost, or came
 * after the cell had finished, when the next cell's work started at once
 * (measured with nbconvert: one output in three runs of notebook 02 lost;
 * none in 22 runs with the pause). A cell's last value is sent the same way,
 * without being awaited at all, so end cells with `await show(...)`.
 *
 * Outside the kernel (`deno run`, `deno test`) it prints the value's
 * `text/plain` form instead.
 *
 * @param value A displayable bundle (`displayFigure`, `displayPng`,
 *   `displayTable`, ...) or any value the kernel can show.
 * @param options The pause.
 * @example
 * ```ts
 * await show(displayText("accuracy 81.2%"));
 * ```
 */
export async function show(value: unknown, options: ShowOptions = {}): Promise<void> {
  const { settleMs = 100 } = options;
  const jupyter = jupyterApi();
  if (jupyter == null) {
    const bundle = value != null && typeof value === "object" && JUPYTER_DISPLAY in value
      ? (value as { [JUPYTER_DISPLAY](): Record<string, unknown> })[JUPYTER_DISPLAY]()
      : undefined;
    console.log(bundle?.["text/plain"] ?? value);
    return;
  }
  await jupyter.display(value);
  if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
}

/**
 * The settings of a notebook profile.
 *
 * @param profile The profile's name, usually from `LUMBAR_NOTEBOOK_PROFILE`.
 * @param choices The settings of each profile.
 * @returns The chosen settings (the object itself, not a copy).
 * @throws {RangeError} For an unknown profile, listing the valid ones.
 * @example
 * ```ts
 * byProfile("small", { small: 2, full: 12 }); // 2
 * ```
 */
export function byProfile<T>(profile: string, choices: Record<NotebookProfile, T>): T {
  if (!(NOTEBOOK_PROFILES as readonly string[]).includes(profile)) {
    throw new RangeError(
      `Unknown notebook profile "${profile}". Valid profiles are: ${NOTEBOOK_PROFILES.join(", ")}`,
    );
  }
  return choices[profile as NotebookProfile];
}

/**
 * A table for a notebook: HTML (rendered everywhere, HTML exports included),
 * Markdown and aligned plain text.
 *
 * @param header Column titles.
 * @param rows Cells; numbers are shown as they print.
 * @returns A displayable bundle.
 * @example
 * ```ts
 * displayTable(["class", "images"], [["Healthy", 12], ["Spondylosis", 12]]);
 * ```
 */
export function displayTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): DisplayableText {
  const cells = rows.map((r) => r.map(String));
  const html = `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${
    cells.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("")
  }</tbody></table>`;
  const md = (r: readonly string[]) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  const markdown = [md(header), md(header.map(() => "---")), ...cells.map(md)].join("\n");
  const widths = header.map((h, k) => Math.max(h.length, ...cells.map((r) => (r[k] ?? "").length)));
  const line = (r: readonly string[]) => r.map((c, k) => c.padEnd(widths[k])).join("  ").trimEnd();
  const plain = [line(header), ...cells.map(line)].join("\n");
  return displayable({ "text/html": html, "text/markdown": markdown, "text/plain": plain });
}

/**
 * Preformatted text (a report, a log) shown as such, not as a quoted string.
 *
 * @param text Lines joined by newlines.
 * @returns A displayable bundle.
 * @example
 * ```ts
 * displayText("accuracy 81.2%\nmacro-F1 80.9%");
 * ```
 */
export function displayText(text: string): DisplayableText {
  return displayable({ "text/html": `<pre>${escapeHtml(text)}</pre>`, "text/plain": text });
}

/**
 * The images of a batch as grayscale images (the first channel), for
 * `grayGridPng`.
 *
 * @param batch `[n, size, size, c]`, values in [0, 1]; stays the caller's.
 * @returns One image per batch item.
 * @throws {RangeError} For a batch whose images are not square.
 * @example
 * ```ts
 * const rows = [await tensorToGrayImages(augment.apply(batch, 1))];
 * ```
 */
export async function tensorToGrayImages(batch: tf.Tensor4D): Promise<GrayImage[]> {
  const [n, h, w, c] = batch.shape;
  if (h !== w) throw new RangeError(`tensorToGrayImages() needs square images. Received: ${h}x${w}`);
  const data = await batch.data();
  const px = h * w;
  return Array.from({ length: n }, (_, i) => {
    const image = new Float32Array(px);
    for (let p = 0; p < px; p++) image[p] = data[(i * px + p) * c];
    return { image, size: h };
  });
}

/**
 * The one-vs-rest ROC curves of an evaluation, as `rocCurves` takes them.
 *
 * @param evaluation From `evaluateProbabilities` (or a run's `test`).
 * @returns One curve per class, in class order.
 * @example
 * ```ts
 * const chart = rocCurves(evaluationRocCurves(result.test!), { title: "ROC, test split" });
 * ```
 */
export function evaluationRocCurves(evaluation: Evaluation): RocCurve[] {
  return evaluation.classes.map((c) => ({
    label: c,
    fpr: evaluation.roc.perClass[c].curve.fpr,
    tpr: evaluation.roc.perClass[c].curve.tpr,
    auc: evaluation.roc.perClass[c].auc,
  }));
}

/**
 * A share with its interval as a table cell: `70.8% [50.0, 87.5]`.
 *
 * @param ci An estimate and its bounds, all in [0, 1] (a `BootstrapCi`, a `compareRuns` cell).
 * @param digits Decimals of the percentages. Default 1.
 * @returns The cell; a missing bound shows as `?`.
 * @example
 * ```ts
 * percentCi({ estimate: 0.708, low: 0.5, high: 0.875 }); // "70.8% [50.0, 87.5]"
 * ```
 */
export function percentCi(ci: { estimate: number; low: number; high: number }, digits = 1): string {
  const pct = (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(digits) : "?");
  return `${pct(ci.estimate)}% [${pct(ci.low)}, ${pct(ci.high)}]`;
}

/**
 * One bar of `barChartWithCi` from an estimate and its interval (a
 * `BootstrapCi`, or a `compareRuns` cell). A percentile interval can miss
 * its own estimate by a rounding error, and a missing bound is NaN: the bar
 * is widened to hold the estimate, so the chart never rejects it.
 *
 * @param name The bar's name.
 * @param ci The estimate and its bounds.
 * @returns The bar.
 * @throws {RangeError} When the estimate is not finite.
 * @example
 * ```ts
 * ciBar("patient-level split", evaluation.ci.accuracy);
 * ```
 */
export function ciBar(name: string, ci: { estimate: number; low: number; high: number }): BarWithCi {
  const { estimate } = ci;
  if (!Number.isFinite(estimate)) {
    throw new RangeError(`ciBar() needs a finite estimate for "${name}". Received: ${estimate}`);
  }
  const low = Number.isFinite(ci.low) ? Math.min(ci.low, estimate) : estimate;
  const high = Number.isFinite(ci.high) ? Math.max(ci.high, estimate) : estimate;
  return { name, value: estimate, low, high };
}

/**
 * The mean of some values with a percentile bootstrap interval, as one bar
 * of `barChartWithCi`. Non-finite values (e.g. NaN scores) are left out.
 *
 * @param name The bar's name.
 * @param values Per-item scores (booleans count as 0 and 1).
 * @param options Resamples, confidence, seed (see `bootstrapCi`).
 * @returns The bar.
 * @throws {RangeError} When no value is finite.
 * @example
 * ```ts
 * meanWithCi("pointing game", [true, false, true]); // { name, value: 0.667, low, high }
 * ```
 */
export function meanWithCi(
  name: string,
  values: readonly (number | boolean)[],
  options: BootstrapCiOptions = {},
): BarWithCi {
  const finite = values.map(Number).filter(Number.isFinite);
  if (finite.length === 0) throw new RangeError(`meanWithCi() needs at least one finite value for "${name}"`);
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return ciBar(name, bootstrapCi(finite, finite, (t) => mean(t), options));
}

/** Options of {@link countsBarChart}. */
export interface CountsBarChartOptions extends ChartSizeOptions {
  title?: string;
  /** Default `"images"`. */
  yTitle?: string;
}

/**
 * A bar chart of counts (class counts, images per patient), one bar per key
 * in order, the count written above each bar.
 *
 * @param counts Count per name.
 * @param options Titles and size.
 * @returns Both forms of the chart, for `displayFigure`.
 * @example
 * ```ts
 * const chart = countsBarChart({ Healthy: 12, Spondylosis: 9 }, { title: "Images per class" });
 * ```
 */
export function countsBarChart(counts: Record<string, number>, options: CountsBarChartOptions = {}): Chart {
  const { yTitle = "images", ...rest } = options;
  const rows = Object.entries(counts).map(([name, n]) => ({ name, value: n, low: n, high: n }));
  const chart = barChartWithCi(rows, { ...rest, yTitle, digits: 0 });
  // No interval to draw or hover over: the bars and their counts only.
  const trace = chart.plotly.data[0];
  if (trace.type === "bar") {
    delete trace.error_y;
    delete trace.customdata;
    trace.hovertemplate = "%{x}: %{y}<extra></extra>";
  }
  return chart;
}

/** One row of {@link captionedRowsPng}. */
export interface CaptionedRow {
  /** Written under every image of the row. */
  caption: string;
  images: readonly GrayImage[];
}

/** Options of {@link captionedRowsPng}. */
export interface CaptionedRowsOptions {
  /** A second caption line per column (e.g. the class of each column). */
  columnCaptions?: readonly string[];
  /** Tile side in pixels. Default 128. */
  tileSize?: number;
  title?: string;
}

/**
 * Grayscale images in captioned rows, as one PNG: each tile shows its row's
 * caption and, when given, its column's.
 *
 * @param rows The rows, e.g. one per transform or per seed; rows shorter than the longest leave gaps.
 * @param options Column captions, tile size, title.
 * @returns PNG bytes, for `displayPng`.
 * @throws {RangeError} When there is no image.
 * @example
 * ```ts
 * const png = await captionedRowsPng([{ caption: "original", images: await tensorToGrayImages(batch) }]);
 * ```
 */
export async function captionedRowsPng(
  rows: readonly CaptionedRow[],
  options: CaptionedRowsOptions = {},
): Promise<Uint8Array> {
  const { columnCaptions, tileSize = 128, title } = options;
  const columns = Math.max(0, ...rows.map((r) => r.images.length));
  if (columns === 0) throw new RangeError("captionedRowsPng() needs at least one image");
  const blank = await grayPng(new Float32Array(1), 1);
  const tiles = [];
  for (const row of rows) {
    for (let c = 0; c < columns; c++) {
      const im = row.images[c];
      tiles.push({
        png: im ? await grayPng(im.image, im.size) : blank,
        caption: im ? [row.caption, ...(columnCaptions?.[c] != null ? [columnCaptions[c]] : [])] : [],
      });
    }
  }
  return await captionedGridPng(tiles, { columns, tileSize, title });
}

/**
 * Gallery tiles enlarged for the screen: each image and heatmap resized
 * bilinearly to `side x side`, so that small inputs (64 px) show at a
 * readable size and captions fit under them. For display only: score the
 * maps at the model's size.
 *
 * @param rows Rows of tiles, as `galleryPng` takes them.
 * @param side Width and height of every enlarged tile.
 * @returns New rows; the input is left as it is.
 * @throws {RangeError} For a side that is not a positive integer.
 * @example
 * ```ts
 * const png = await galleryPng(enlargeGallery([[{ image, heatmap: cam.heatmap, caption: "Grad-CAM" }]], 192));
 * ```
 */
export function enlargeGallery(rows: readonly (readonly GalleryTile[])[], side: number): GalleryTile[][] {
  if (!(Number.isInteger(side) && side > 0)) throw new RangeError(`side must be a positive integer. Received: ${side}`);
  return rows.map((row) =>
    row.map((t) => {
      const { width, height } = t.image;
      return {
        ...t,
        image: { width: side, height: side, data: resizeBilinear(t.image.data, width, height, side, side) },
        heatmap: resizeBilinear(t.heatmap, width, height, side, side),
      };
    })
  );
}
