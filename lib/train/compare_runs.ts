/**
 * Merges finished runs (CNNs, hybrids, ensembles) into one comparison
 * table, like the paper's, with bootstrap intervals. Runs trained as
 * separate jobs (a Slurm array, Kubernetes Jobs) are merged here.
 *
 * @module
 */
import type { BootstrapCi } from "../metrics/mod.ts";

/** A metric with its interval. */
export interface WithCi {
  estimate: number;
  low: number;
  high: number;
}

/** One row of the comparison. */
export interface ComparisonRow {
  run: string;
  model: string;
  n: number;
  accuracy: WithCi;
  precision: WithCi;
  recall: WithCi;
  f1: WithCi;
  auc: WithCi | null;
  trainSeconds: number | null;
  dataHash: string | null;
}

/** What {@link compareRuns} returns. */
export interface Comparison {
  rows: ComparisonRow[];
  /** Folders left out, and why. */
  skipped: { run: string; reason: string }[];
  /** Set when the runs were evaluated on different data: then they do not compare. */
  warnings: string[];
}

interface MetricsJson {
  model: string;
  trainSeconds?: number;
  test: {
    n: number;
    accuracy: number;
    macroF1: number;
    report: { macroAvg: { precision: number; recall: number } };
    roc: { macro: number | null };
    ci: {
      accuracy: BootstrapCi;
      precision?: BootstrapCi;
      recall?: BootstrapCi;
      macroF1: BootstrapCi;
      auc?: BootstrapCi;
    };
  };
}

const withCi = (estimate: number, ci?: BootstrapCi): WithCi => ({
  estimate,
  low: ci?.low ?? NaN,
  high: ci?.high ?? NaN,
});

/**
 * Reads the runs' `metrics.json` and `config.json` and builds the table,
 * sorted by macro-F1, best first.
 *
 * @param dirs Run folders; ones without metrics (unfinished, failed) are listed in `skipped`.
 */
export async function compareRuns(dirs: readonly string[]): Promise<Comparison> {
  const rows: ComparisonRow[] = [];
  const skipped: Comparison["skipped"] = [];
  for (const dir of dirs) {
    let m: MetricsJson;
    try {
      m = JSON.parse(await Deno.readTextFile(`${dir}/metrics.json`));
    } catch (e) {
      const status = await Deno.readTextFile(`${dir}/status.json`).then(JSON.parse).catch(() => undefined);
      skipped.push({
        run: dir,
        reason: status ? `status ${status.state} at epoch ${status.epoch}` : `no metrics.json (${(e as Error).name})`,
      });
      continue;
    }
    const config = await Deno.readTextFile(`${dir}/config.json`).then(JSON.parse).catch(() => ({}));
    const t = m.test;
    rows.push({
      run: dir,
      model: m.model,
      n: t.n,
      accuracy: withCi(t.accuracy, t.ci.accuracy),
      precision: withCi(t.report.macroAvg.precision, t.ci.precision),
      recall: withCi(t.report.macroAvg.recall, t.ci.recall),
      f1: withCi(t.macroF1, t.ci.macroF1),
      auc: t.roc.macro == null ? null : withCi(t.roc.macro, t.ci.auc),
      trainSeconds: m.trainSeconds ?? null,
      dataHash: config.dataHash ?? null,
    });
  }
  rows.sort((a, b) => b.f1.estimate - a.f1.estimate);
  const warnings: string[] = [];
  const hashes = new Set(rows.map((r) => r.dataHash).filter((h) => h != null));
  if (hashes.size > 1) {
    warnings.push(`The runs were trained on ${hashes.size} different data sets: they do not compare`);
  }
  const sizes = new Set(rows.map((r) => r.n));
  if (sizes.size > 1) warnings.push(`The test sets differ in size (${[...sizes].join(", ")} images)`);
  return { rows, skipped, warnings };
}

const pct = (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(1) : "?");
const cell = (m: WithCi | null) => (m == null ? "n/a" : `${pct(m.estimate)} [${pct(m.low)}, ${pct(m.high)}]`);

/** Header and text cells of the comparison, metrics in % with 95% intervals. */
export function comparisonCells(c: Comparison): { header: string[]; rows: string[][] } {
  return {
    header: ["model", "run", "n", "accuracy %", "precision %", "recall %", "F1 %", "AUC %", "train s"],
    rows: c.rows.map((r) => [
      r.model,
      r.run.split("/").pop() ?? r.run,
      String(r.n),
      cell(r.accuracy),
      cell(r.precision),
      cell(r.recall),
      cell(r.f1),
      cell(r.auc),
      r.trainSeconds == null ? "" : r.trainSeconds.toFixed(0),
    ]),
  };
}

/** The comparison as CSV: one column per estimate and bound. */
export function comparisonCsv(c: Comparison): string {
  const metrics = ["accuracy", "precision", "recall", "f1", "auc"] as const;
  const head = ["model", "run", "n", ...metrics.flatMap((m) => [m, `${m}_low`, `${m}_high`]), "train_seconds"];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = c.rows.map((r) =>
    [
      q(r.model),
      q(r.run),
      r.n,
      ...metrics.flatMap((m) => {
        const v = r[m];
        return v == null ? ["", "", ""] : [v.estimate, v.low, v.high].map((x) => (Number.isFinite(x) ? String(x) : ""));
      }),
      r.trainSeconds ?? "",
    ].join(",")
  );
  return [head.join(","), ...lines].join("\n") + "\n";
}
