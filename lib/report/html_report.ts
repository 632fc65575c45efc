/**
 * The study report: one self-contained HTML page of a whole study, with
 * plotly.js inlined once, that opens offline and can be mailed or archived.
 *
 * It holds the comparison of every model (accuracy, precision, recall, F1
 * and AUC with 95% bootstrap intervals, as a table and as bar charts); per
 * model, in a collapsible section, the confusion matrix, ROC curves,
 * training curves, classification report, most-confused pairs and
 * highest-loss images; the Grad-CAM galleries with their faithfulness
 * scores; the data summary with leakage warnings; and the environment.
 *
 * @module
 */
import { writeFileAtomic } from "../cli.ts";
import { compareRuns, type ComparisonRow } from "../train/compare_runs.ts";
import {
  barChartWithCi,
  type Chart,
  confusionMatrixHeatmap,
  type PlotlyFigure,
  plotlyScriptTag,
  rocCurves,
  trainingCurves,
} from "./charts/mod.ts";
import {
  FAITHFULNESS_HEADER,
  FAITHFULNESS_NUMERIC,
  faithfulnessNotes,
  faithfulnessRows,
} from "./report_faithfulness.ts";
import { type Cell, ciCell, esc, fixed, htmlTable, imageHtml, type Interval, pct, valueHtml } from "./report_html.ts";
import { compactPng } from "./report_images.ts";
import { ReportFigures, reportPage } from "./report_page.ts";
import { isRecord, readReportRun, type ReportRun, type RunImage } from "./report_run.ts";
import { runsDataHtml, type StudySummary, studySummaryHtml } from "./report_study.ts";

export type { StudySummary } from "./report_study.ts";

/** A section the caller adds to the report (e.g. the demo's leakage experiment). */
export interface ReportSection {
  /** Heading (escaped). */
  title: string;
  /** Text, escaped; blank lines separate paragraphs. */
  text?: string;
  /** Trusted HTML, inserted as it is, after `text`. */
  html?: string;
  /** Charts (a chart, or its Plotly figure), drawn like the report's own. */
  charts?: (Chart | PlotlyFigure | { figure: PlotlyFigure | Chart; caption?: string })[];
  /** PNG images, embedded. */
  images?: { png: Uint8Array; caption?: string }[];
}

/** Options of {@link writeStudyReport} and {@link buildStudyReport}. */
export interface StudyReportOptions {
  /** Page title. Default "Lumbar Lab study report". */
  title?: string;
  /** The caller's data summary: counts per class and split, leakage warnings, seed, anything else. */
  study?: StudySummary;
  /** Sections added after the data summary. */
  extraSections?: ReportSection[];
  /** Embedded images are scaled down to this width. Default 1000. */
  maxImageWidth?: number;
  /** The time written as the report's date. Default now. */
  generatedAt?: Date;
}

/** What {@link buildStudyReport} returns. */
export interface StudyReport {
  html: string;
  /** Charts on the page; also the `data-figure-count` of its `<main>`. */
  figureCount: number;
  /** Every run folder shown (repeats removed), in page order. */
  runs: string[];
  /** Run folders in the comparison, best macro-F1 first. */
  compared: string[];
  /** Folders left out of the comparison, and why (they still get a section with what they have). */
  skipped: { run: string; reason: string }[];
  /** Warnings shown on the page: data and leakage, comparison. */
  warnings: string[];
}

const DEFAULT_TITLE = "Lumbar Lab study report";

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Why a run cannot enter the comparison; `null` when it can. */
function notComparable(run: ReportRun): string | null {
  const t = run.metrics.test;
  if (run.test == null || !isRecord(t)) {
    const state = run.status?.state;
    return typeof state === "string"
      ? `status ${state}${num(run.status?.epoch) ? ` at epoch ${run.status?.epoch}` : ""}, no test results`
      : run.problems[0] ?? "no test results";
  }
  const ok = num(t.n) && num(t.accuracy) && num(t.macroF1) && isRecord(t.ci) && isRecord(t.roc) &&
    isRecord(t.report) && isRecord(t.report.macroAvg) && num(t.report.macroAvg.precision) &&
    num(t.report.macroAvg.recall) && typeof run.metrics.model === "string";
  return ok ? null : "metrics.json lacks the test split's accuracy, macro averages or intervals";
}

/** A bar's interval that barChartWithCi accepts: the estimate inside, finite bounds. */
function bar(name: string, m: Interval) {
  const low = Number.isFinite(m.low) ? Math.min(m.low, m.estimate) : m.estimate;
  const high = Number.isFinite(m.high) ? Math.max(m.high, m.estimate) : m.estimate;
  return { name, value: m.estimate, low, high };
}

/** A unique display name per run: the model, with the folder's name where models repeat, then a number. */
function labels(runs: readonly ReportRun[]): Map<ReportRun, string> {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.model, (counts.get(r.model) ?? 0) + 1);
  const used = new Set<string>();
  return new Map(runs.map((r) => {
    let name = (counts.get(r.model) ?? 0) > 1 ? `${r.model} (${r.name})` : r.model;
    for (let k = 2; used.has(name); k++) name = `${r.model} (${r.name} #${k})`;
    used.add(name);
    return [r, name];
  }));
}

function comparisonSection(
  rows: readonly ComparisonRow[],
  byDir: Map<string, ReportRun>,
  label: Map<ReportRun, string>,
  anchor: Map<ReportRun, string>,
  figures: ReportFigures,
  skipped: readonly { run: string; reason: string }[],
): string {
  const parts = [`<section id="comparison"><h2>Model comparison</h2>`];
  if (rows.length === 0) {
    parts.push(`<p class="muted">No run has test results to compare.</p>`);
  } else {
    const metrics = ["accuracy", "precision", "recall", "f1", "auc"] as const;
    const best = Object.fromEntries(metrics.map((m) => [
      m,
      Math.max(...rows.map((r) => r[m]?.estimate ?? -Infinity)),
    ]));
    const body: Cell[][] = rows.map((r, i) => {
      const run = byDir.get(r.run)!;
      return [
        String(i + 1),
        { html: `<a href="#${anchor.get(run)}">${esc(label.get(run) ?? r.model)}</a>` },
        run.kind === "model" ? "CNN" : run.kind === "hybrid" ? "CNN-SVM" : "ensemble",
        r.n,
        ...metrics.map((m) => ciCell(r[m], rows.length > 1 && r[m] != null && r[m]!.estimate === best[m])),
        r.trainSeconds == null ? "" : r.trainSeconds.toFixed(0),
      ];
    });
    parts.push(
      htmlTable(
        ["#", "model", "kind", "test images", "accuracy %", "precision %", "recall %", "F1 %", "AUC %", "train s"],
        body,
        { numeric: [0, 3, 4, 5, 6, 7, 8, 9], className: "metrics comparison" },
      ),
      `<p class="note">The test split; 95% percentile-bootstrap intervals in brackets; precision, recall, F1 and ` +
        `AUC (one-vs-rest) are macro averages. Sorted by F1; the best of each column in bold. Models whose ` +
        `intervals overlap are not shown to differ.</p>`,
    );
    const chart = (key: "accuracy" | "f1" | "auc", title: string, yTitle: string) =>
      figures.add(
        barChartWithCi(rows.map((r) => bar(label.get(byDir.get(r.run)!) ?? r.model, r[key]!)), {
          title,
          yTitle,
          height: 360,
        }).plotly,
      );
    const charts = [chart("accuracy", "Accuracy", "test accuracy, 95% CI"), chart("f1", "Macro-F1", "test F1, 95% CI")];
    if (rows.every((r) => r.auc != null)) charts.push(chart("auc", "Macro AUC", "test AUC, 95% CI"));
    parts.push(`<div class="charts small">${charts.join("\n")}</div>`);
  }
  if (skipped.length > 0) {
    parts.push(
      `<p>Not compared:</p><ul>${
        skipped.map((s) => `<li><code>${esc(s.run)}</code>: ${esc(s.reason)}</li>`).join("")
      }</ul>`,
    );
  }
  parts.push(`</section>`);
  return parts.join("\n");
}

function imageOf(img: RunImage, caption?: string): string {
  if (img.image.undecodable) return `<p class="muted">${esc(img.name)} could not be decoded.</p>`;
  return imageHtml(img.image.bytes, {
    caption: caption ?? img.name,
    width: img.image.width,
    height: img.image.height,
  });
}

function runFacts(run: ReportRun): [string, Cell][] {
  const c = run.config;
  const s = isRecord(c.settings) ? c.settings : {};
  const facts: [string, Cell][] = [["folder", { html: `<code>${esc(run.dir)}</code>` }]];
  if (typeof c.profile === "string") facts.push(["profile", c.profile]);
  if (num(s.size)) facts.push(["input", `${s.size}×${s.size} px`]);
  const epochs = run.history.length > 0
    ? `${run.history.length}${num(s.epochs) ? ` of at most ${s.epochs}` : ""}`
    : undefined;
  if (epochs) facts.push(["epochs", epochs]);
  // A hybrid's or ensemble's config.json carries its backbone's or first member's training settings.
  if (run.kind === "model" && num(s.batchSize)) facts.push(["batch", String(s.batchSize)]);
  if (run.kind === "model" && num(s.learningRate)) facts.push(["learning rate", String(s.learningRate)]);
  if (typeof run.metrics.stopReason === "string") facts.push(["stopped", run.metrics.stopReason.replace(/_/g, " ")]);
  if (num(run.metrics.trainSeconds)) facts.push(["training time", `${run.metrics.trainSeconds.toFixed(1)} s`]);
  if (num(c.parameters)) facts.push(["parameters", c.parameters.toLocaleString("en-US")]);
  if (typeof c.pretrained === "string") facts.push(["pretrained", c.pretrained]);
  if (isRecord(run.status) && typeof run.status.state === "string") {
    const epoch = run.status.epoch;
    facts.push(["status", `${run.status.state}${num(epoch) && epoch > 0 ? ` (epoch ${epoch})` : ""}`]);
  }
  return facts;
}

function factsHtml(facts: readonly (readonly [string, Cell])[]): string {
  const value = (v: Cell) => (v == null ? "" : typeof v === "object" ? v.html : esc(String(v)));
  return `<dl class="facts">${
    facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${value(v)}</dd></div>`).join("")
  }</dl>`;
}

function classificationReportHtml(run: ReportRun): string {
  const r = run.test?.report;
  if (!r) return "";
  const row = (name: string, s: { precision: number; recall: number; f1: number; support: number }) => [
    name,
    fixed(s.precision),
    fixed(s.recall),
    fixed(s.f1),
    String(s.support),
  ];
  const rows: Cell[][] = Object.entries(r.perClass).map(([k, s]) => row(k, s));
  const n = r.macroAvg?.support ?? Object.values(r.perClass).reduce((a, s) => a + s.support, 0);
  if (r.accuracy != null) rows.push([{ html: "<b>accuracy</b>" }, "", "", fixed(r.accuracy), String(n)]);
  if (r.macroAvg) rows.push(row("macro avg", r.macroAvg));
  if (r.weightedAvg) rows.push(row("weighted avg", r.weightedAvg));
  const warn = r.warnings.length > 0
    ? `<ul class="warnings">${r.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>`
    : "";
  return `<h4>Classification report (test split)</h4>` +
    htmlTable(["", "precision", "recall", "F1", "support"], rows, { numeric: [1, 2, 3, 4] }) + warn;
}

function runSection(run: ReportRun, label: string, id: string, figures: ReportFigures, open: boolean): string {
  const t = run.test;
  const headline = t
    ? ` — accuracy ${ciHtml(run, "accuracy", t.accuracy)} · F1 ${ciHtml(run, "macroF1", t.macroF1)}`
    : ` <span class="muted">— no test results</span>`;
  const parts = [
    `<details class="run" id="${id}"${open ? " open" : ""}><summary>${esc(label)} <span class="muted">${
      esc(run.name)
    } · ${
      run.kind === "model" ? "CNN" : run.kind === "hybrid" ? "CNN-SVM hybrid" : "ensemble"
    }</span>${headline}</summary>`,
    `<div class="body">`,
    factsHtml(runFacts(run)),
  ];
  const c = run.config;
  if (isRecord(c.hybrid)) parts.push(`<h4>CNN-SVM hybrid</h4>`, valueHtml(c.hybrid, 1));
  if (isRecord(c.ensemble)) parts.push(`<h4>Ensemble</h4>`, valueHtml(c.ensemble, 1));
  if (run.problems.length > 0) {
    parts.push(`<ul class="warnings">${run.problems.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`);
  }
  const charts: string[] = [];
  if (t?.confusionMatrix && t.classes.length > 0) {
    charts.push(figures.add(
      confusionMatrixHeatmap(t.confusionMatrix, t.classes, { title: "Confusion matrix (test)", height: 480 }).plotly,
    ));
  }
  if (t?.roc && t.roc.perClass.length > 0) {
    charts.push(figures.add(
      rocCurves(t.roc.perClass, {
        title: `ROC, one-vs-rest (macro AUC ${fixed(t.roc.macro, 3)})`,
        height: 480,
      }).plotly,
    ));
  }
  if (run.history.length > 0) {
    const curves = trainingCurves(run.history, { title: "Training curves", height: 380 }).plotly;
    // Whole epochs on the axis when there are few (Plotly would tick 1.2, 1.4, ...).
    if (run.history.length <= 12) {
      for (const axis of [curves.layout.xaxis, curves.layout.xaxis2, curves.layout.xaxis3]) if (axis) axis.dtick = 1;
    }
    charts.push(figures.add(curves, "", "wide"));
  }
  if (charts.length > 0) parts.push(`<div class="charts">${charts.join("\n")}</div>`);
  parts.push(classificationReportHtml(run));
  if (t && t.mostConfused.length > 0) {
    parts.push(
      `<h4>Most confused (test)</h4>`,
      htmlTable(
        ["true class", "predicted as", "images", "share of the class"],
        t.mostConfused.map((p) => [p.trueLabel, p.predLabel, p.count, `${pct(p.rate)}%`]),
        { numeric: [2, 3] },
      ),
    );
  } else if (t) {
    parts.push(`<h4>Most confused (test)</h4><p class="muted">No mistakes on the test split.</p>`);
  }
  if (run.topLosses || (t && t.topLosses.length > 0)) {
    parts.push(`<h4>Highest-loss test images</h4><div class="side">`);
    if (run.topLosses) parts.push(imageOf(run.topLosses, "The test images the model got most wrong"));
    if (t && t.topLosses.length > 0) {
      parts.push(htmlTable(
        ["image", "true", "predicted", "p(true)", "loss"],
        t.topLosses.map((l) => [l.id ?? "", l.trueLabel, l.predLabel, fixed(l.trueProb), fixed(l.loss)]),
        { numeric: [3, 4] },
      ));
    }
    parts.push(`</div>`);
  }
  if (run.otherImages.length > 0) {
    parts.push(
      `<h4>More figures</h4><div class="gallery grid">${run.otherImages.map((i) => imageOf(i)).join("")}</div>`,
    );
  }
  parts.push(`</div></details>`);
  return parts.join("\n");
}

function ciHtml(run: ReportRun, key: "accuracy" | "macroF1", estimate: number | undefined): string {
  const ci = run.test?.ci[key];
  const e = estimate ?? ci?.estimate;
  if (e == null) return "n/a";
  return `${pct(e)}%${
    ci && Number.isFinite(ci.low) ? ` <span class="ci">[${pct(ci.low)}, ${pct(ci.high)}]</span>` : ""
  }`;
}

/** The Grad-CAM images by method (galleries are named `gallery_<method>_<class>.png`), then the other figures. */
function gradcamGroups(images: readonly RunImage[]): [string, RunImage[]][] {
  const groups = new Map<string, RunImage[]>();
  for (const img of images) {
    const file = img.name.replace(/^gradcam\//, "");
    const group = file.startsWith("gallery_gradcam_pp_")
      ? "Grad-CAM++ galleries"
      : file.startsWith("gallery_gradcam_")
      ? "Grad-CAM galleries"
      : file.startsWith("gallery_")
      ? "Galleries"
      : "Faithfulness figures";
    groups.set(group, [...(groups.get(group) ?? []), img]);
  }
  const order = ["Grad-CAM galleries", "Grad-CAM++ galleries", "Galleries", "Faithfulness figures"];
  return [...groups].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
}

function gradcamSection(runs: readonly ReportRun[], label: Map<ReportRun, string>): string {
  const withCam = runs.filter((r) => r.faithfulness != null || r.gradcam.length > 0);
  const parts = [`<section id="gradcam"><h2>Grad-CAM</h2>`];
  if (withCam.length === 0) {
    parts.push(
      `<p class="muted">No run has Grad-CAM results. <code>deno task gradcam --run DIR</code> writes them.</p></section>`,
    );
    return parts.join("\n");
  }
  const rows: Cell[][] = [];
  for (const r of withCam) {
    if (r.faithfulness) {
      for (const row of faithfulnessRows(r.faithfulness)) rows.push([label.get(r) ?? r.model, ...row]);
    }
  }
  parts.push(
    `<p>Where each model looks, and whether that is evidence: the pointing game (the heatmap's peak inside the ` +
      `lesion mask) and the heatmap's energy in the mask, deletion (the class probability as the most salient ` +
      `pixels are removed; lower is better) and insertion (higher is better), each beside a random map's score on ` +
      `the same images (in brackets; green: better than random), and the cascading-randomisation sanity check (the map must ` +
      `change when the weights are destroyed).</p>`,
  );
  if (rows.length > 0) {
    parts.push(htmlTable(["model", ...FAITHFULNESS_HEADER], rows, {
      numeric: FAITHFULNESS_NUMERIC.map((i) => i + 1),
      className: "metrics",
    }));
  }
  for (const r of withCam) {
    parts.push(
      `<details class="run"><summary>${esc(label.get(r) ?? r.model)} <span class="muted">${
        esc(r.name)
      } · ${r.gradcam.length} figures</span></summary><div class="body">`,
    );
    if (r.faithfulness) parts.push(faithfulnessNotes(r.faithfulness));
    else parts.push(`<p class="muted">No faithfulness scores (metrics.json has no "faithfulness").</p>`);
    for (const [group, images] of gradcamGroups(r.gradcam)) {
      parts.push(
        `<h4>${esc(group)}</h4><div class="gallery grid">${
          images.map((i) => imageOf(i, i.name.replace(/^gradcam\//, ""))).join("")
        }</div>`,
      );
    }
    parts.push(`</div></details>`);
  }
  parts.push(`</section>`);
  return parts.join("\n");
}

function environmentSection(runs: readonly ReportRun[], label: Map<ReportRun, string>, generatedAt: Date): string {
  const rows: Cell[][] = runs.map((r) => {
    const c = r.config;
    const v = isRecord(c.versions) ? c.versions : {};
    const b = isRecord(c.backend) ? c.backend : {};
    const s = (x: unknown) => (typeof x === "string" && x ? x : num(x) ? String(x) : "");
    return [
      label.get(r) ?? r.model,
      s(b.name),
      s(v.lumbarLab),
      s(v.tfjs),
      s(v.deno),
      s(v.v8),
      s(c.seed),
      s(c.createdAt).replace("T", " ").replace(/\.\d+Z$/, " UTC"),
    ];
  });
  const reasons = new Map<string, string>();
  for (const r of runs) {
    const b = isRecord(r.config.backend) ? r.config.backend : {};
    if (typeof b.name === "string" && typeof b.reason === "string") reasons.set(`${b.name}: ${b.reason}`, b.name);
  }
  return [
    `<section id="environment"><h2>Environment</h2>`,
    htmlTable(["model", "backend", "Lumbar Lab", "tfjs", "Deno", "V8", "seed", "created"], rows, { numeric: [6] }),
    ...[...reasons.keys()].map((r) => `<p class="note">Backend ${esc(r)}</p>`),
    `<p class="note">Report written ${
      esc(generatedAt.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"))
    } by ` +
    `Deno ${esc(Deno.version.deno)} on ${esc(Deno.build.os)}/${esc(Deno.build.arch)}. Each run's seed fixes its ` +
    `data, split, initialisation, batch order and augmentation: rerunning with the same seed and backend ` +
    `reproduces it.</p>`,
    `</section>`,
  ].join("\n");
}

async function extraSectionHtml(section: ReportSection, index: number, figures: ReportFigures, maxWidth: number) {
  const parts = [`<section id="extra-${index + 1}"><h2>${esc(section.title)}</h2>`];
  if (section.text) {
    parts.push(
      ...section.text.split(/\n\s*\n/).filter((p) => p.trim()).map((p) => `<p>${esc(p.trim())}</p>`),
    );
  }
  if (section.html) parts.push(section.html);
  const charts = (section.charts ?? []).map((c) => {
    const item = "figure" in c ? c : { figure: c, caption: undefined };
    const fig = "plotly" in item.figure ? item.figure.plotly : item.figure;
    return figures.add(fig, item.caption);
  });
  if (charts.length > 0) parts.push(`<div class="charts">${charts.join("\n")}</div>`);
  const images: string[] = [];
  for (const img of section.images ?? []) {
    const c = await compactPng(img.png, { maxWidth });
    images.push(
      imageHtml(c.bytes, { caption: img.caption, width: c.width || undefined, height: c.height || undefined }),
    );
  }
  if (images.length > 0) parts.push(`<div class="gallery">${images.join("")}</div>`);
  parts.push(`</section>`);
  return parts.join("\n");
}

function disclaimer(runs: readonly ReportRun[]): string {
  const kinds = new Set(runs.map((r) => (isRecord(r.config.data) ? r.config.data.kind : undefined)));
  const phantom = kinds.has("phantom");
  const onlyPhantom = phantom && kinds.size === 1;
  const data = onlyPhantom
    ? "The images are a <strong>synthetic phantom</strong> that Lumbar Lab generates, not patient scans: " +
      "the scores say how well the models learn the phantom, nothing about real spines. "
    : phantom
    ? "Some runs use the <strong>synthetic phantom</strong>, not patient scans. "
    : "";
  return `<div class="disclaimer" role="note">${data}<strong>Not for clinical use.</strong> Lumbar Lab is a ` +
    `teaching and research tool, not a medical device; its models are not validated for diagnosis and nothing ` +
    `in this report may inform the care of a patient.</div>`;
}

/**
 * Builds the study report's HTML from run folders (training runs, CNN-SVM
 * hybrids, ensembles; in any mix). Each folder is read defensively: what it
 * lacks is left out and said. Folders without test results are not compared
 * but still get their section (e.g. an interrupted run's training curves).
 *
 * @param runDirs Run folders.
 * @param options Title, data summary, extra sections, image width, date.
 * @returns The page and what went into it.
 * @throws {RangeError} When `runDirs` is empty.
 * @example
 * ```ts
 * const { html, figureCount } = await buildStudyReport(["outputs/runs/cnn-quick", "outputs/runs/vgg16-quick"]);
 * ```
 */
export async function buildStudyReport(
  runDirs: readonly string[],
  options: StudyReportOptions = {},
): Promise<StudyReport> {
  if (runDirs.length === 0) throw new RangeError("buildStudyReport() needs at least one run folder");
  const title = options.title ?? DEFAULT_TITLE;
  const generatedAt = options.generatedAt ?? new Date();
  const maxWidth = options.maxImageWidth ?? 1000;
  const seen = new Set<string>();
  const runs: ReportRun[] = [];
  for (const dir of runDirs) {
    const run = await readReportRun(dir, { maxImageWidth: maxWidth });
    if (seen.has(run.dir)) continue;
    seen.add(run.dir);
    runs.push(run);
  }
  const skipped: StudyReport["skipped"] = [];
  const comparable = runs.filter((r) => {
    const why = notComparable(r);
    if (why) skipped.push({ run: r.dir, reason: why });
    return why == null;
  });
  const comparison = await compareRuns(comparable.map((r) => r.dir));
  skipped.push(...comparison.skipped);
  const byDir = new Map(runs.map((r) => [r.dir, r]));
  // Compared runs best first, then the rest in the order given.
  const ordered = [
    ...comparison.rows.map((row) => byDir.get(row.run)!),
    ...runs.filter((r) => !comparison.rows.some((row) => row.run === r.dir)),
  ];
  const label = labels(ordered);
  const anchor = new Map(ordered.map((r, i) => [r, `run-${i + 1}`]));
  const figures = new ReportFigures();
  const data = runsDataHtml(ordered);
  const studyWarnings = Array.isArray(options.study?.warnings)
    ? options.study.warnings.filter((w): w is string => typeof w === "string")
    : [];
  const warnings = [...new Set([...studyWarnings, ...data.warnings, ...comparison.warnings])];

  const best = comparison.rows[0];
  const summary = best
    ? `<p>${comparison.rows.length} model${comparison.rows.length === 1 ? "" : "s"} compared on a test split of ${
      esc(String(best.n))
    } images. Highest macro-F1: <a href="#${anchor.get(byDir.get(best.run)!)}">${
      esc(label.get(byDir.get(best.run)!) ?? best.model)
    }</a>, ${pct(best.f1.estimate)}% <span class="ci">[${pct(best.f1.low)}, ${pct(best.f1.high)}]</span>.${
      best.n < 100 ? " With so few test images the intervals are wide: read the ranking with them, not without." : ""
    }</p>`
    : "";

  const sections = [
    `<header><h1>${esc(title)}</h1>`,
    `<p class="meta">${esc(generatedAt.toISOString().slice(0, 10))} · ${runs.length} run${
      runs.length === 1 ? "" : "s"
    } · Lumbar Lab</p>`,
    disclaimer(runs),
    `<nav class="toc"><a href="#comparison">Comparison</a><a href="#models">Models</a>` +
    `<a href="#gradcam">Grad-CAM</a><a href="#data">Data</a>${
      (options.extraSections ?? []).map((s, i) => `<a href="#extra-${i + 1}">${esc(s.title)}</a>`).join("")
    }<a href="#environment">Environment</a></nav>`,
    summary,
    warnings.length > 0 ? `<ul class="warnings">${warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : "",
    `</header>`,
    comparisonSection(comparison.rows, byDir, label, anchor, figures, skipped),
    `<section id="models"><h2>Models</h2>`,
    `<div class="buttons"><button type="button" data-expand="all">Expand all</button> ` +
    `<button type="button" data-expand="none">Collapse all</button></div>`,
    ...ordered.map((r, i) => runSection(r, label.get(r)!, anchor.get(r)!, figures, i === 0)),
    `</section>`,
    gradcamSection(ordered, label),
    `<section id="data"><h2>Data</h2>`,
    options.study ? `<h3>Study summary</h3>${studySummaryHtml(options.study)}<h3>As the runs recorded it</h3>` : "",
    data.html,
    `</section>`,
  ];
  for (const [i, s] of (options.extraSections ?? []).entries()) {
    sections.push(await extraSectionHtml(s, i, figures, maxWidth));
  }
  sections.push(
    environmentSection(ordered, label, generatedAt),
    `<footer>Lumbar Lab study report. Not a medical device; not for clinical use.</footer>`,
  );
  const html = reportPage({
    title,
    body: sections.filter(Boolean).join("\n"),
    plotlyScript: await plotlyScriptTag(),
    figureCount: figures.count,
  });
  return {
    html,
    figureCount: figures.count,
    runs: ordered.map((r) => r.dir),
    compared: comparison.rows.map((r) => r.run),
    skipped,
    warnings,
  };
}

/**
 * Writes the study report (see {@link buildStudyReport}) to `outFile`,
 * atomically: a temporary file beside it, then a rename.
 *
 * @param runDirs Run folders.
 * @param outFile The HTML file to write; its folder is created.
 * @param options Title, data summary, extra sections.
 * @returns What went into the page, and its size in bytes.
 * @example
 * ```ts
 * const r = await writeStudyReport(["outputs/runs/cnn-quick"], "outputs/report.html", { title: "Quick study" });
 * console.log(`${r.figureCount} charts, ${r.bytes} bytes`);
 * ```
 */
export async function writeStudyReport(
  runDirs: readonly string[],
  outFile: string,
  options: StudyReportOptions = {},
): Promise<StudyReport & { path: string; bytes: number }> {
  const report = await buildStudyReport(runDirs, options);
  const bytes = new TextEncoder().encode(report.html);
  await writeFileAtomic(outFile, bytes);
  return { ...report, path: outFile, bytes: bytes.length };
}
