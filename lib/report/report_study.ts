/**
 * The report's data section: the caller's study summary, and what the runs
 * recorded of their data and split, with leakage warnings.
 *
 * @module
 */
import { type Cell, esc, htmlTable, keyValueTable, valueHtml } from "./report_html.ts";
import { isRecord, type ReportRun } from "./report_run.ts";

/**
 * A summary of the study's data, as the caller has it (e.g. the demo). Every
 * field is optional; fields not named here are shown too, as a table.
 */
export interface StudySummary {
  /** A few sentences on the data (escaped, shown first). */
  description?: string;
  /** Images per class and split: `counts[class][split]` (rows, then columns), or `counts[class]`. */
  counts?: Record<string, Record<string, number> | number>;
  /** Leakage and split warnings, shown highlighted. */
  warnings?: string[];
  /** Seed of the data and split. */
  seed?: number;
  [key: string]: unknown;
}

function warningList(warnings: readonly string[]): string {
  if (warnings.length === 0) return "";
  return `<ul class="warnings">${warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>`;
}

/**
 * A count table: rows are the outer keys, columns the inner keys, with totals.
 *
 * @param counts `counts[row][column]`, or `counts[row]` for one column.
 * @returns HTML text.
 */
export function countsTable(counts: Record<string, Record<string, number> | number>): string {
  const rows = Object.entries(counts);
  const flat = rows.every(([, v]) => typeof v === "number");
  if (flat) {
    const total = rows.reduce((a, [, v]) => a + (v as number), 0);
    return htmlTable(["", "images"], [...rows.map(([k, v]) => [k, v as number]), ["total", total]], {
      numeric: [1],
      className: "counts",
    });
  }
  const cols = [...new Set(rows.flatMap(([, v]) => (isRecord(v) ? Object.keys(v) : [])))];
  const value = (v: unknown, c: string) => (isRecord(v) && typeof v[c] === "number" ? v[c] as number : 0);
  const body: Cell[][] = rows.map(([k, v]) => [
    k,
    ...cols.map((c) => value(v, c)),
    cols.reduce((a, c) => a + value(v, c), 0),
  ]);
  const colTotals = cols.map((c) => rows.reduce((a, [, v]) => a + value(v, c), 0));
  body.push(["total", ...colTotals, colTotals.reduce((a, b) => a + b, 0)]);
  return htmlTable(["", ...cols, "total"], body, {
    numeric: cols.map((_, i) => i + 1).concat(cols.length + 1),
    className: "counts",
  });
}

/**
 * The caller's study summary as HTML: description, warnings, counts, seed,
 * then any other fields.
 *
 * @param study The summary (see {@link StudySummary}).
 * @returns HTML text.
 * @example
 * ```ts
 * studySummaryHtml({ counts: { Healthy: { train: 48, val: 6, test: 6 } }, warnings: [], seed: 42 });
 * ```
 */
export function studySummaryHtml(study: StudySummary): string {
  const { description, counts, warnings, seed, ...rest } = study;
  const parts: string[] = [];
  if (typeof description === "string" && description) parts.push(`<p>${esc(description)}</p>`);
  const ws = Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === "string") : [];
  parts.push(ws.length > 0 ? warningList(ws) : `<p class="ok">No leakage or split warnings were passed.</p>`);
  if (isRecord(counts) && Object.keys(counts).length > 0) {
    parts.push(`<h4>Images per class and split</h4>`, countsTable(counts as StudySummary["counts"] & object));
  }
  const other: [string, Cell][] = [];
  if (seed != null) other.push(["seed", String(seed)]);
  for (const [k, v] of Object.entries(rest)) other.push([k, { html: valueHtml(v, 1) }]);
  if (other.length > 0) parts.push(keyValueTable(other));
  return parts.join("\n");
}

/**
 * The data and split each run recorded, one block per data set (by SHA-256):
 * the data spec, classes, split counts and warnings, the runs that used it,
 * and the test split's images per class. Leakage is called out: a split
 * that is not by patient, patients found in more than one split, classes
 * missing from a split, and runs trained on different data.
 *
 * @param runs The report's runs.
 * @returns HTML text, and the warnings found (for the page's summary).
 */
export function runsDataHtml(runs: readonly ReportRun[]): { html: string; warnings: string[] } {
  const groups = new Map<string, ReportRun[]>();
  for (const r of runs) {
    const key = typeof r.config.dataHash === "string" ? r.config.dataHash : "unknown";
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const all: string[] = [];
  if ([...groups.keys()].filter((k) => k !== "unknown").length > 1) {
    // As compareRuns says it, so that the page shows it once.
    all.push(`The runs were trained on ${groups.size} different data sets: they do not compare`);
  }
  const blocks = [...groups].map(([hash, rs]) => {
    const c = rs[0].config;
    const split = isRecord(c.split) ? c.split : {};
    const warnings: string[] = [];
    const by = typeof split.by === "string" ? split.by : undefined;
    if (by != null && by !== "patient") {
      warnings.push(
        `Split by ${by}, not by patient: slices of one patient can sit in both training and test, which inflates every score`,
      );
    }
    for (const r of rs) {
      const s = isRecord(r.config.split) ? r.config.split : {};
      if (Array.isArray(s.warnings)) { for (const w of s.warnings) if (typeof w === "string") warnings.push(w); }
      if (Array.isArray(s.leaks) && s.leaks.length > 0) {
        warnings.push(`${s.leaks.length} patients appear in more than one split (${r.name})`);
      }
    }
    const unique = [...new Set(warnings)];
    all.push(...unique);
    const rows: [string, Cell][] = [
      ["data", { html: valueHtml(c.data, 1) }],
      ["SHA-256", { html: `<code>${esc(hash)}</code>` }],
    ];
    if (Array.isArray(c.classes)) rows.push(["classes", { html: valueHtml(c.classes, 1) }]);
    if (typeof c.seed === "number") rows.push(["seed", String(c.seed)]);
    if (by) rows.push(["split", by === "patient" ? "by patient (no patient in two splits)" : `by ${by}`]);
    if (isRecord(split.counts)) {
      rows.push([
        "images per split",
        Object.entries(split.counts).map(([k, v]) => `${k} ${v}`).join(", "),
      ]);
    }
    rows.push(["runs", rs.map((r) => r.name).join(", ")]);
    const support = rs.map((r) => r.test?.report?.perClass).find((p) => p != null && Object.keys(p).length > 0);
    const testCounts = support
      ? `<h4>Test split, images per class</h4>` +
        countsTable(Object.fromEntries(Object.entries(support).map(([k, v]) => [k, v.support])))
      : "";
    const status = unique.length > 0 ? warningList(unique) : `<p class="ok">No split or leakage warnings.</p>`;
    return `<div class="data-block">${status}${keyValueTable(rows)}${testCounts}</div>`;
  });
  return { html: blocks.join("\n"), warnings: all };
}
