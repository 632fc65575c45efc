/**
 * Runs the notebooks under a real Jupyter with the Deno kernel, as a student
 * would, and checks what they show. `.ci/run` installs Jupyter (Debian's
 * jupyter-nbconvert) and the kernel (`deno jupyter --install`).
 */
import { assert, assertEquals } from "./assert.ts";
import { HAVE_JUPYTER, ignoreWithout } from "./external_tools.ts";

const NOTEBOOKS = new URL("../notebooks/", import.meta.url).pathname;

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

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

async function checkExplore(): Promise<void> {
  const outputs = (await execute("01_explore.ipynb")).flat();
  const errors = outputs.filter((o) => o.output_type === "error");
  assertEquals(errors.map((e) => `${e.ename}: ${e.evalue}`), []);
  const markdown = outputs.map((o) => String(o.data?.["text/markdown"] ?? "")).join("\n");
  for (const c of ["Healthy", "Herniated disk", "Spinal stenosis", "Spondylosis"]) {
    assert(markdown.includes(`| ${c} |`), `class table lists ${c}`);
  }
  const plots = outputs.filter((o) => o.data?.["application/vnd.plotly.v1+json"] != null);
  assertEquals(plots.length, 3, "three Plotly charts");
  const pngs = outputs.map((o) => o.data?.["image/png"]).filter((p): p is string => typeof p === "string");
  assertEquals(pngs.length, 2, "sample grid and augmentation grid");
  for (const b64 of pngs) {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    assertEquals(Array.from(bytes.slice(1, 4)), [0x50, 0x4e, 0x47], "a PNG");
    assert(bytes.length > 10_000, "a picture, not an empty image");
  }
}

Deno.test({
  name: "notebook 01_explore runs on the Deno kernel and shows counts, charts and pictures",
  ignore: ignoreWithout(
    HAVE_JUPYTER,
    "Jupyter (apt-get install jupyter-nbconvert jupyter-client; deno jupyter --install)",
  ),
}, async () => {
  // The Deno kernel can report a cell done before its last display message
  // reaches Jupyter (seen once in three loaded runs): one retry before failing.
  try {
    await checkExplore();
  } catch (e) {
    console.warn(`[notebooks] retrying once after: ${(e as Error).message}`);
    await checkExplore();
  }
});
