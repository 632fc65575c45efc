/**
 * The study report as users meet it: two tiny runs trained and explained by
 * the tasks, in child processes, `deno task report` over them, and the page
 * opened from disk in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) with the network cut off.
 *
 * Needs `/usr/bin/chromium` (or `CHROMIUM_PATH`) and the npm package
 * playwright-core. Without them the test is ignored, except in CI
 * (`CI=true`), where it always runs and fails. `LUMBAR_REPORT_SCREENSHOT=FILE`
 * keeps the screenshot there (default: a temporary folder, removed).
 */
import { runTask } from "./run_task.ts";
import { writeFakeRun } from "../lib/report/report_test_fixtures.ts";
import { assert, assertEquals } from "./assert.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const inCi = Deno.env.get("CI") === "true";

/** The few playwright-core calls used here. */
interface Playwright {
  chromium: {
    launch(options: { executablePath: string; args: string[]; headless: boolean }): Promise<Browser>;
  };
}
interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
  version(): string;
}
interface Route {
  request(): { url(): string };
  continue(): Promise<void>;
  abort(): Promise<void>;
}
interface Page {
  on(event: "console", fn: (m: { type(): string; text(): string }) => void): void;
  on(event: "pageerror", fn: (e: Error) => void): void;
  route(url: string, fn: (route: Route) => Promise<void>): Promise<void>;
  goto(url: string, options: { waitUntil: "load" }): Promise<unknown>;
  click(selector: string): Promise<void>;
  waitForFunction(fn: string, arg: undefined, options: { timeout: number }): Promise<unknown>;
  evaluate<T>(fn: string): Promise<T>;
  screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
}

async function loadPlaywright(): Promise<Playwright | undefined> {
  // The import map's "playwright-core" when deno.json has it, else the pinned npm package.
  // Not literal specifiers: a machine without the package still loads this file.
  for (const specifier of ["playwright-core", "npm:playwright-core@1.64.1"]) {
    try {
      return await import(specifier) as Playwright;
    } catch {
      // Try the next.
    }
  }
  return undefined;
}

const haveChromium = await Deno.stat(CHROMIUM).then((s) => s.isFile, () => false);
const playwright = haveChromium ? await loadPlaywright() : undefined;
const ignore = !(haveChromium && playwright) && !inCi;
if (ignore) {
  console.warn(
    "[tests] ignoring the report's browser test: it needs Debian's chromium (apt-get install chromium) " +
      "and the npm package playwright-core",
  );
}

const run = runTask;

async function task(script: string, args: string[]): Promise<string> {
  const r = await run(script, args);
  assertEquals(r.code, 0, `${script} ${args.join(" ")}\n${r.stderr}`);
  return r.stdout;
}

Deno.test("deno task report: usage errors exit 2; runs as arguments, a study file and a title make the page", async () => {
  const root = await Deno.makeTempDir({ prefix: "lumbar_report_task_" });
  try {
    const none = await run("tasks/report.ts", []);
    assert(none.code === 2 && none.stderr.includes("--runs is required"), none.stderr);
    await writeFakeRun(`${root}/a`, { accuracy: 0.6 });
    await writeFakeRun(`${root}/b`, { model: "vgg16", accuracy: 0.8 });
    await Deno.writeTextFile(`${root}/study.json`, "[1]");
    const bad = await run("tasks/report.ts", ["--runs", `${root}/a`, "--study", `${root}/study.json`]);
    assert(bad.code === 2 && bad.stderr.includes("must hold a JSON object"), bad.stderr);
    await Deno.writeTextFile(`${root}/study.json`, JSON.stringify({ warnings: ["Leak <here>"], seed: 3 }));
    const out = `${root}/out/r.html`;
    const said = await task("tasks/report.ts", [
      "--runs",
      `${root}/a`,
      `${root}/b`,
      "--out",
      out,
      "--title",
      "My study",
      "--study",
      `${root}/study.json`,
    ]);
    assert(said.includes("Warning: Leak <here>") && said.includes("2 of 2 runs compared, 9 charts"), said);
    const html = await Deno.readTextFile(out);
    assert(html.includes("<title>My study</title>") && html.includes("<li>Leak &lt;here&gt;</li>"), "title, study");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

const TINY = ["--model", "cnn", "--size", "32", "--per-class", "16", "--epochs", "2", "--seed", "7"];

Deno.test({
  name: "report: two trained runs open in headless Chromium offline, every chart drawn, no console errors",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    assert(haveChromium, `Chromium is missing at ${CHROMIUM}: apt-get install chromium`);
    assert(playwright, "playwright-core cannot be imported: add it to deno.json and run deno install");
    const root = await Deno.makeTempDir({ prefix: "lumbar_report_" });
    try {
      await task("tasks/train.ts", [...TINY, "--out", `${root}/cnn-a`]);
      await task("tasks/train.ts", [...TINY, "--lr", "0.003", "--out", `${root}/cnn-b`]);
      await task("tasks/gradcam.ts", [
        "--run",
        `${root}/cnn-a`,
        "--max",
        "8",
        "--sanity-images",
        "2",
        "--deletion-images",
        "2",
        "--steps",
        "4",
      ]);
      const out = `${root}/report.html`;
      const said = await task("tasks/report.ts", ["--runs", `${root}/cnn-a,${root}/cnn-b`, "--out", out]);
      assert(said.includes("2 of 2 runs compared"), said);

      const browser = await playwright.chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // As root (CI) Chromium needs --no-sandbox; the rest keeps it off the (closed) network.
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        const requests: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") errors.push(`console: ${m.text()}`);
        });
        page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
        // The page must not need the network: anything but the file itself and data: URIs is refused and listed.
        await page.route("**/*", async (route) => {
          const url = route.request().url();
          if (url.startsWith("file:") || url.startsWith("data:")) await route.continue();
          else {
            requests.push(url);
            await route.abort();
          }
        });
        await page.goto(new URL(`file://${out}`).href, { waitUntil: "load" });

        // Charts outside closed sections are drawn at once; the others when their section opens.
        await page.waitForFunction(
          `[...document.querySelectorAll(".plotly-chart")].every((d) =>
            d.closest("details:not([open])") !== null || d.dataset.state === "drawn")`,
          undefined,
          { timeout: 30_000 },
        );
        const first = await page.evaluate<{ figures: number; divs: number; drawn: number }>(`(() => ({
          figures: Number(document.querySelector("main").dataset.figureCount),
          divs: document.querySelectorAll(".plotly-chart").length,
          drawn: [...document.querySelectorAll(".plotly-chart")].filter((d) => d.querySelector(".main-svg")).length,
        }))()`);
        assert(first.figures >= 9, `expected at least 9 charts (2 comparison, 3 + 3 per run), got ${first.figures}`);
        assertEquals(first.divs, first.figures, "chart divs against data-figure-count");
        assert(first.drawn > 0 && first.drawn < first.figures, `charts drawn before expanding: ${first.drawn}`);

        await page.click("button[data-expand=all]");
        await page.waitForFunction(
          `[...document.querySelectorAll(".plotly-chart")].every((d) => d.dataset.state === "drawn")`,
          undefined,
          { timeout: 30_000 },
        );
        const after = await page.evaluate<
          { divs: number; withSvg: number; plotlyScripts: number; images: number; broken: number; rows: number }
        >(`(() => {
          const imgs = [...document.querySelectorAll("img")];
          return {
            divs: document.querySelectorAll(".plotly-chart").length,
            withSvg: [...document.querySelectorAll(".plotly-chart")].filter((d) => d.querySelector(".main-svg")).length,
            plotlyScripts: [...document.scripts].filter((s) => s.text.includes("plotly.js-dist-min")).length,
            images: imgs.length,
            broken: imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).length,
            rows: document.querySelectorAll("table.comparison tbody tr").length,
          };
        })()`);
        assertEquals(after.withSvg, first.figures, "charts with a .main-svg");
        assertEquals(after.divs, first.figures, "chart divs after expanding");
        assertEquals(after.plotlyScripts, 1, "plotly.js inlined once");
        assertEquals(after.rows, 2, "comparison rows");
        // cnn-a: top losses and its Grad-CAM images; cnn-b: top losses.
        assert(after.images >= 4, `expected the top-loss and Grad-CAM images, got ${after.images}`);
        assertEquals(after.broken, 0, "images that did not decode");
        const text = await page.evaluate<string>(`document.body.innerText`);
        assert(/Not for clinical use/.test(text) && /synthetic phantom/.test(text), "the disclaimer is shown");
        assert(text.includes("pointing game"), "the faithfulness table is shown");

        const shot = Deno.env.get("LUMBAR_REPORT_SCREENSHOT") ?? `${root}/report.png`;
        await page.screenshot({ path: shot, fullPage: true });
        assert((await Deno.stat(shot)).size > 10_000, "the screenshot has content");
        assertEquals(errors, [], "console and page errors");
        assertEquals(requests, [], "network requests (the page must work offline)");
      } finally {
        await browser.close();
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
