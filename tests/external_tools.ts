/**
 * Tests that need programs from outside the project (dcmtk, Jupyter, oneDNN). CI
 * (`CI=true`, where `.ci/run` installs them) always runs these tests and
 * fails when a program is missing. Elsewhere, such as a fresh machine that
 * has only Node.js and npm, they are reported as ignored, with the install
 * line, so the Quickstart's test command still passes.
 *
 * @module
 */

import { dnnlAvailable } from "../lib/backend/onednn/dnnl_library.ts";

async function runs(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

const inCi = Deno.env.get("CI") === "true";

/** dcmtk's tools are on the PATH. */
export const HAVE_DCMTK = await runs("img2dcm", ["--version"]);
/** Jupyter with the Deno kernel is installed. */
export const HAVE_JUPYTER = await runs("jupyter", ["kernelspec", "list"]) &&
  (await new Deno.Command("jupyter", { args: ["kernelspec", "list"], stdout: "piped", stderr: "null" }).output().then(
    (o) => new TextDecoder().decode(o.stdout).includes("deno"),
    () => false,
  ));

/**
 * The `ignore` flag for a test that needs a tool: never ignored in CI.
 *
 * @param have Whether the tool is there.
 * @param install How to get it, printed once when the test is ignored.
 */
export function ignoreWithout(have: boolean, install: string): boolean {
  if (have || inCi) return false;
  console.warn(`[tests] ignoring a test that needs: ${install}`);
  return true;
}

/** oneDNN 2.x opens, so the onednn backend can run. */
export const HAVE_ONEDNN = dnnlAvailable();

/** The `ignore` flag of a test that needs oneDNN: never ignored in CI. */
export function ignoreWithoutOneDnn(): boolean {
  return ignoreWithout(HAVE_ONEDNN, "oneDNN 2.x: `deno task setup:native` (apt-get install libdnnl2)");
}
