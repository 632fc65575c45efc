/**
 * The Grad-CAM faithfulness report (`metrics.json`'s `faithfulness`) as
 * HTML: a table row per method, and what the numbers rest on.
 *
 * @module
 */
import type { FaithfulnessReport, MethodFaithfulness } from "../explain/faithfulness_types.ts";
import { type Cell, esc, fixed, htmlTable } from "./report_html.ts";

const NAMES: Record<string, string> = { "gradcam": "Grad-CAM", "gradcam++": "Grad-CAM++" };

/**
 * Column titles of {@link faithfulnessRows}. Each score cell holds the method's score and, in brackets, a
 * random map's score on the same images.
 */
export const FAITHFULNESS_HEADER = [
  "method",
  "pointing game",
  "pointing ± tol.",
  "energy in mask",
  "deletion AUC ↓",
  "insertion AUC ↑",
  "sanity check",
  "ms / map",
] as const;

/** Numeric columns of {@link FAITHFULNESS_HEADER}. */
export const FAITHFULNESS_NUMERIC = [1, 2, 3, 4, 5, 7] as const;

function vs(v: unknown, random: unknown, better: "higher" | "lower"): Cell {
  const a = typeof v === "number" ? v : null, r = typeof random === "number" ? random : null;
  const beats = a != null && r != null && (better === "higher" ? a > r : a < r);
  return {
    html: `${fixed(a, 3)} <span class="ci">(${fixed(r, 3)})</span>`,
    className: a == null || r == null ? undefined : beats ? "good" : "bad",
  };
}

/**
 * One row per method: each score beside a random map's score on the same
 * images (cells marked `good` when the method beats random, `bad` when it
 * does not), the sanity check's verdict and the time per map.
 *
 * @param report The faithfulness report, of unknown shape (read defensively).
 * @returns Rows of {@link FAITHFULNESS_HEADER}'s cells; empty when it has no methods.
 */
export function faithfulnessRows(report: Record<string, unknown>): Cell[][] {
  const r = report as Partial<FaithfulnessReport>;
  const methods = Array.isArray(r.methods) ? r.methods as Partial<MethodFaithfulness>[] : [];
  const rdi = r.randomBaseline?.deletionInsertion;
  return methods.map((m) => {
    const loc = m.localisation ?? null;
    const di = m.deletionInsertion;
    const s = m.sanity;
    const sanity: Cell = s?.passed == null ? { html: `<span class="muted">not measured</span>` } : {
      html: `${s.passed ? "pass" : "FAIL"} <span class="ci">(r = ${fixed(s.final)})</span>`,
      className: s.passed ? "good" : "bad",
    };
    return [
      { html: esc(NAMES[String(m.method)] ?? String(m.method ?? "?")), className: "nowrap" },
      vs(loc?.pointing, loc?.random?.pointing, "higher"),
      vs(loc?.pointingTolerant, loc?.random?.pointingTolerant, "higher"),
      vs(loc?.energy, loc?.random?.energy, "higher"),
      vs(di?.deletionAuc, rdi?.deletionAuc, "lower"),
      vs(di?.insertionAuc, rdi?.insertionAuc, "higher"),
      sanity,
      fixed(m.msPerMap, 0),
    ];
  });
}

/**
 * What a faithfulness report's numbers rest on, as paragraphs: the layer
 * and map size, the images explained, the tolerance, each method's sanity
 * verdict, and the report's warnings.
 *
 * @param report The faithfulness report, of unknown shape (read defensively).
 * @returns HTML text.
 * @example
 * ```ts
 * const m = JSON.parse(await Deno.readTextFile("outputs/runs/cnn-quick/metrics.json"));
 * const html = faithfulnessTable(m.faithfulness) + faithfulnessNotes(m.faithfulness);
 * ```
 */
export function faithfulnessNotes(report: Record<string, unknown>): string {
  const r = report as Partial<FaithfulnessReport>;
  const parts: string[] = [];
  const fm = r.featureMap;
  const im = r.images;
  parts.push(
    `${esc(String(r.model ?? "?"))} at ${esc(String(r.size ?? "?"))} px, layer <code>${
      esc(String(r.layerName ?? "?"))
    }</code>${fm ? ` (${esc(String(fm.width))}×${esc(String(fm.height))} map)` : ""}; ${
      im
        ? `${esc(String(im.explained))} images explained, ${esc(String(im.correct))} correctly predicted, ${
          esc(String(im.abnormal))
        } with a lesion mask`
        : "images not recorded"
    }. Pointing game tolerance: ${
      fixed(r.tolerancePx, 1)
    } px. In brackets: what a random map scores on the same images.`,
  );
  const methods = Array.isArray(r.methods) ? r.methods as Partial<MethodFaithfulness>[] : [];
  for (const m of methods) {
    if (typeof m.sanity?.verdict === "string") {
      parts.push(`Sanity check, ${esc(NAMES[String(m.method)] ?? String(m.method))}: ${esc(m.sanity.verdict)}`);
    }
  }
  const warnings = Array.isArray(r.warnings) ? r.warnings.filter((w) => typeof w === "string") : [];
  const warn = warnings.length > 0
    ? `<ul class="warnings">${warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>`
    : "";
  return parts.map((p) => `<p class="note">${p}</p>`).join("\n") + warn;
}

/**
 * The faithfulness table of one run.
 *
 * @param report The faithfulness report, of unknown shape.
 * @returns HTML text; a short note when the report has no methods.
 */
export function faithfulnessTable(report: Record<string, unknown>): string {
  const rows = faithfulnessRows(report);
  if (rows.length === 0) return `<p class="muted">The faithfulness report lists no methods.</p>`;
  return htmlTable([...FAITHFULNESS_HEADER], rows, { numeric: [...FAITHFULNESS_NUMERIC], className: "metrics" });
}
