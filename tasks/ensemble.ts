/**
 * `deno task ensemble --runs A,B,C`: soft voting, weighted soft voting and
 * stacking over trained runs (CNNs and CNN-SVM hybrids), each evaluated on
 * the shared test split and written as its own run folder (see
 * lib/ensemble/ensemble_run.ts).
 */
import { formatTable, runMain, startTask, taskPositionals, UsageError } from "../lib/cli.ts";
import { ENSEMBLE_METHODS, type EnsembleMethod, ensembleRuns } from "../lib/ensemble/mod.ts";
import { formatEvaluation } from "../lib/train/format_evaluation.ts";

const USAGE = `Usage: deno task ensemble --runs DIR,DIR[,...] [DIR...] [options]

  --runs DIRS     two or more finished run folders (CNN runs or deno task svm hybrids), comma-separated
                  or as separate arguments (a shell glob works); they must share data and split
  --method M      soft | weighted | stacking | all (default all)
  --meta L        stacking's meta-learner: lr (multinomial logistic regression, L2) | svm (linear) (default lr)
  --C X           the meta-learner's C (default 1)
  --name NAME     prefix of the ensembles' run folders (default ensemble)
  --out DIR       parent of the run folders <DIR>/<NAME>-<method> (default outputs/runs)
  --backend NAME  tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(
  USAGE,
  {
    runs: { type: "string" },
    method: { type: "string" },
    meta: { type: "string" },
    C: { type: "string" },
    name: { type: "string" },
    out: { type: "string" },
  },
  Deno.args,
  { positionals: true },
);

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

await runMain(async () => {
  const runs = [...String(args.runs ?? "").split(","), ...taskPositionals()].map((s) => s.trim())
    .filter((d) => d.length > 0);
  if (runs.length < 2) {
    throw new UsageError("--runs needs two or more run folders, e.g. --runs outputs/runs/a,outputs/runs/b");
  }
  const method = String(args.method ?? "all");
  const methods: EnsembleMethod[] = method === "all"
    ? [...ENSEMBLE_METHODS]
    : method.split(",").map((m) => m.trim() as EnsembleMethod);
  for (const m of methods) {
    if (!ENSEMBLE_METHODS.includes(m)) {
      throw new UsageError(`--method must be one of ${[...ENSEMBLE_METHODS, "all"].join(", ")}. Received: ${m}`);
    }
  }
  const meta = String(args.meta ?? "lr");
  if (meta !== "lr" && meta !== "svm") throw new UsageError(`--meta must be lr or svm. Received: ${meta}`);
  const C = args.C == null ? 1 : Number(args.C);
  if (!(C > 0 && Number.isFinite(C))) throw new UsageError(`--C must be a positive number. Received: ${args.C}`);
  const out = String(args.out ?? "outputs/runs");
  const name = String(args.name ?? "ensemble");
  if (!/^[\w.-]+$/.test(name)) throw new UsageError(`--name must be a plain folder name. Received: ${name}`);

  const t0 = performance.now();
  const { members, results, predictions } = await ensembleRuns(runs, { methods, out, name, meta, C });
  for (const r of results) console.log(`\n${formatEvaluation(r.test, `${r.model}, test split`)}`);
  const ci = (c: { low: number; high: number }) => `[${pct(c.low)}, ${pct(c.high)}]`;
  const rows = [
    ...members.map((m) => [
      m.dir,
      m.model,
      pct(m.valMacroF1),
      pct(m.testAccuracy),
      pct(m.testMacroF1),
      "",
      "",
    ]),
    ...results.map((r) => [
      r.dir,
      r.method + (r.method === "stacking" ? ` (${meta})` : ""),
      r.val ? pct(r.val.macroF1) : "(fit)",
      `${pct(r.test.accuracy)} ${ci(r.test.ci.accuracy)}`,
      `${pct(r.test.macroF1)} ${ci(r.test.ci.macroF1)}`,
      r.test.roc.macro == null ? "n/a" : r.test.roc.macro.toFixed(3),
      r.weights ? r.weights.map((w) => w.toFixed(2)).join(" ") : "",
    ]),
  ];
  console.log(
    `\n${
      formatTable(["run", "model", "val macro-F1", "test accuracy", "test macro-F1", "macro AUC", "weights"], rows)
    }`,
  );
  const stacking = methods.includes("stacking")
    ? ` Stacking's meta-learner was fitted on the ${predictions.val.ids.length} validation images only.`
    : "";
  console.log(
    `\nTest split, ${predictions.test.ids.length} images; 95% bootstrap intervals.${stacking} ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s.`,
  );
  console.log(`Wrote ${results.map((r) => r.dir).join(", ")}`);
});
