/**
 * `deno task report --runs outputs/runs/*`: one self-contained HTML page of
 * a whole study (comparison with intervals, per-model charts and reports,
 * Grad-CAM galleries and faithfulness, data and leakage, environment) that
 * opens offline.
 */
import { runMain, startTask, taskPositionals, UsageError } from "../lib/cli.ts";
import { writeStudyReport } from "../lib/report/html_report.ts";
import type { StudySummary } from "../lib/report/report_study.ts";

const USAGE = `Usage: deno task report --runs DIR[,DIR...] [DIR...] [--out FILE] [--title T] [--study FILE]

  --runs DIRS    run folders (training runs, hybrids, ensembles), comma-separated or as separate
                 arguments (a shell glob works: --runs outputs/runs/*)
  --out FILE     the HTML page to write (default outputs/report.html)
  --title T      the page's title (default "Lumbar Lab study report")
  --study FILE   a JSON object summarising the data (counts per class and split, "warnings", seed, ...),
                 shown in the data section`;

const args = await startTask(
  USAGE,
  { runs: { type: "string" }, out: { type: "string" }, title: { type: "string" }, study: { type: "string" } },
  Deno.args,
  { backend: false, positionals: true },
);

await runMain(async () => {
  const dirs = [...String(args.runs ?? "").split(","), ...taskPositionals()].filter((d) => d.length > 0);
  if (dirs.length === 0) throw new UsageError("--runs is required");
  let study: StudySummary | undefined;
  if (args.study != null) {
    const file = String(args.study);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await Deno.readTextFile(file));
    } catch (e) {
      throw new UsageError(`--study ${file}: ${(e as Error).message}`);
    }
    if (parsed == null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new UsageError(`--study ${file} must hold a JSON object`);
    }
    study = parsed as StudySummary;
  }
  const out = String(args.out ?? "outputs/report.html");
  const r = await writeStudyReport(dirs, out, {
    title: args.title == null ? undefined : String(args.title),
    study,
  });
  for (const w of r.warnings) console.log(`Warning: ${w}`);
  for (const s of r.skipped) console.log(`Not compared: ${s.run}: ${s.reason}`);
  console.log(
    `Wrote ${out} (${(r.bytes / 1e6).toFixed(1)} MB, plotly.js inlined): ${r.compared.length} of ${r.runs.length} ` +
      `runs compared, ${r.figureCount} charts`,
  );
});
