/**
 * Runs a task script as users do, in a child process with the project's
 * config, on the wasm backend, and returns its exit code and output.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

/** What a task printed, and how it exited. */
export interface TaskOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * @param script Path from the repository root, e.g. `tasks/train.ts`.
 * @param args The task's arguments.
 */
export async function runTask(script: string, args: string[]): Promise<TaskOutput> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", new URL("deno.json", ROOT).pathname, new URL(script, ROOT).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { LUMBAR_BACKEND: "wasm" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
