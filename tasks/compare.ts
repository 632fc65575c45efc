/**
 * `deno task compare --runs outputs/runs/*`: one comparison table of
 * finished runs (JSON, CSV and printed), with 95% bootstrap intervals.
 */
import { formatTable, runMain, startTask, taskPositionals, UsageError, writeFileAtomic } from "../lib/cli.ts";
import { compareRuns, comparisonCells, comparisonCsv } from "../lib/train/compare_runs.ts";

const USAGE = `Usage: deno task compare --runs DIR[,DIR...] [DIR...] [--out DIR]

  --runs DIRS   run folders, comma-separated or as separate arguments (a shell glob works:
                --runs outputs/runs/*)
  --out DIR     where comparison.json and comparison.csv go (default outputs)`;

const args = await startTask(USAGE, { runs: { type: "string" }, out: { type: "string" } }, Deno.args, {
  backend: false,
  positionals: true,
});

await runMain(async () => {
  const dirs = [...String(args.runs ?? "").split(","), ...taskPositionals()].filter((d) => d.length > 0);
  if (dirs.length === 0) throw new UsageError("--runs is required");
  const comparison = await compareRuns(dirs);
  const out = String(args.out ?? "outputs");
  await writeFileAtomic(`${out}/comparison.json`, JSON.stringify(comparison, null, 2) + "\n");
  await writeFileAtomic(`${out}/comparison.csv`, comparisonCsv(comparison));
  const { header, rows } = comparisonCells(comparison);
  console.log(formatTable(header, rows));
  console.log("\nTest split; % with 95% bootstrap intervals; precision, recall, F1 and AUC are macro averages.");
  for (const w of comparison.warnings) console.log(`Warning: ${w}`);
  for (const s of comparison.skipped) console.log(`Skipped ${s.run}: ${s.reason}`);
  console.log(`Wrote ${out}/comparison.json and ${out}/comparison.csv`);
});
