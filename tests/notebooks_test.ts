/**
 * Runs every notebook in notebooks/ top to bottom under a real Jupyter with
 * the Deno kernel, as a student would, at the `small` profile, and checks
 * what they show. `.ci/run` installs Jupyter (Debian's jupyter-nbconvert)
 * and the kernel (`deno jupyter --install`).
 */
import { assert, assertEquals } from "./assert.ts";
import { HAVE_JUPYTER, ignoreWithout } from "./external_tools.ts";

const NOTEBOOKS = new URL("../notebooks/", import.meta.url).pathname;
const PLOTLY = "application/vnd.plotly.v1+json";

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

/** Each notebook's file name, in order. */
const names = [...Deno.readDirSync(NOTEBOOKS)]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .map((e) => e.name)
  .sort();

/**
 * Executes a notebook with nbconvert, as `jupyter nbconvert --execute` from
 * the notebooks folder, and returns the outputs of its code cells.
 * A cell error makes nbconvert fail (it reads the kernel's execute reply,
 * which is never lost), and so this.
 */
async function execute(name: string): Promise<Output[][]> {
  const dir = await Deno.makeTempDir();
  try {
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command("jupyter", {
        args: [
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          "--ExecutePreprocessor.timeout=600",
          "--ExecutePreprocessor.kernel_name=deno",
          `${NOTEBOOKS}${name}`,
          "--output",
          `${dir}/out.ipynb`,
        ],
        cwd: NOTEBOOKS,
        env: { LUMBAR_NOTEBOOK_PROFILE: "small" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(
          'Jupyter is not installed: apt-get install -y jupyter-nbconvert jupyter-client, then "deno jupyter --install"',
        );
      }
      throw e;
    }
    assert(out.success, `${name} failed to run:\n${new TextDecoder().decode(out.stderr).slice(-3000)}`);
    const nb = JSON.parse(await Deno.readTextFile(`${dir}/out.ipynb`));
    return nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code").map((c: { outputs: Output[] }) =>
      c.outputs
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A text output as one string (nbformat may store it as a list of lines). */
function textOf(o: Output, mime: string): string {
  const v = o.data?.[mime];
  return Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "";
}

function pngsOf(outputs: Output[]): Uint8Array[] {
  return outputs.map((o) => o.data?.["image/png"]).filter((p): p is string => typeof p === "string").map((b64) =>
    Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
  );
}

/** Checks every notebook: no error, at least one picture or chart, and every PNG a real one. */
function checkCommon(name: string, outputs: Output[]): void {
  const errors = outputs.filter((o) => o.output_type === "error");
  assertEquals(errors.map((e) => `${e.ename}: ${e.evalue}`), [], `${name}: cell errors`);
  const plots = outputs.filter((o) => o.data?.[PLOTLY] != null);
  const pngs = pngsOf(outputs);
  assert(plots.length + pngs.length > 0, `${name} shows no PNG and no Plotly chart`);
  for (const bytes of pngs) {
    assertEquals(Array.from(bytes.slice(1, 4)), [0x50, 0x4e, 0x47], `${name}: a PNG`);
    assert(bytes.length > 2_000, `${name}: a picture, not an empty image (${bytes.length} bytes)`);
  }
  for (const p of plots) {
    const fig = p.data![PLOTLY] as { data?: unknown[] };
    assert(Array.isArray(fig.data) && fig.data.length > 0, `${name}: a Plotly figure with traces`);
    const html = textOf(p, "text/html");
    assert(html.includes("<svg"), `${name}: a Plotly chart with an SVG fallback for frontends without Plotly`);
  }
}

/** What particular notebooks must show, beyond {@link checkCommon}. */
const SPECIFIC: Record<string, (outputs: Output[]) => void> = {
  "01_explore_data.ipynb": (outputs) => {
    const markdown = outputs.map((o) => textOf(o, "text/markdown")).join("\n");
    for (const c of ["Healthy", "Herniated disk", "Spinal stenosis", "Spondylosis"]) {
      assert(markdown.includes(`| ${c} |`), `class table lists ${c}`);
    }
    assertEquals(outputs.filter((o) => o.data?.[PLOTLY] != null).length, 3, "three Plotly charts");
    const pngs = pngsOf(outputs);
    assertEquals(pngs.length, 2, "sample grid and augmentation grid");
    for (const p of pngs) assert(p.length > 10_000, "a sample grid, not an empty image");
  },
  "03_train_cnns.ipynb": (outputs) => {
    const html = outputs.map((o) => textOf(o, "text/html")).join("\n");
    assert(html.includes("macro avg"), "the classification report");
    const titles = outputs.map((o) =>
      (o.data?.[PLOTLY] as { layout?: { title?: { text?: string } } })?.layout?.title?.text
    )
      .filter((t) => t != null).join("\n");
    for (const t of ["training curves", "test split", "ROC", "Test accuracy"]) {
      assert(titles.includes(t), `a chart of ${t}`);
    }
    assert(pngsOf(outputs).length >= 1, "the top-loss images");
  },
  "06_gradcam.ipynb": (outputs) => {
    assert(pngsOf(outputs).length >= 2, "an overlay and a gallery");
    const text = outputs.map((o) => textOf(o, "text/plain")).join("\n");
    assert(text.includes("energy: Grad-CAM") && text.includes("random energy"), "scores against the random baseline");
  },
  "07_compare_and_leakage.ipynb": (outputs) => {
    const text = outputs.map((o) => textOf(o, "text/plain")).join("\n");
    assert(/^image\s+\d+\s+\d+\.\d%/m.test(text) && /^patient\s+\d+\s+\d+\.\d%/m.test(text), "accuracy of both splits");
  },
};

async function check(name: string): Promise<void> {
  const outputs = (await execute(name)).flat();
  checkCommon(name, outputs);
  SPECIFIC[name]?.(outputs);
}

for (const name of names) {
  Deno.test({
    name: `notebook ${name} runs top to bottom on the Deno kernel (small profile) and shows its charts and pictures`,
    ignore: ignoreWithout(
      HAVE_JUPYTER,
      "Jupyter (apt-get install jupyter-nbconvert jupyter-client; deno jupyter --install)",
    ),
  }, async () => {
    // The Deno kernel (2.9.6) can lose an output, or send it after the cell
    // finished, when the notebook sends several in quick succession under
    // load (see `show` in lib/report/notebook.ts, which the notebooks use to
    // avoid it): one retry before failing.
    try {
      await check(name);
    } catch (e) {
      console.warn(`[notebooks] ${name}: retrying once after: ${(e as Error).message}`);
      await check(name);
    }
  });
}
