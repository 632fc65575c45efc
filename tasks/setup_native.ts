/**
 * `deno task setup:native`: installs oneDNN 2.x, the native CPU engine of the
 * `onednn` backend (Debian/Ubuntu: apt as root, otherwise the command is
 * printed), and checks that the backend starts.
 *
 * `deno task setup:native --tfjs-node` / `deno task setup:gpu`: installs the
 * native TensorFlow backend (@tensorflow/tfjs-node or -gpu 4.22.0) instead.
 * Its npm install script downloads libtensorflow 2.9.1 from
 * storage.googleapis.com (set TFJS_NODE_CDN_STORAGE for a mirror). The GPU
 * build needs an NVIDIA driver > 450, CUDA 11.2 and cuDNN 8.1. Under Deno the
 * addon is looked up in lib/napi-v<N> for Deno's N-API version, which the
 * package does not ship, so the built binding is copied there
 * (tensorflow/tfjs#8579).
 */
import { parseArgs } from "node:util";
import { installOneDnn } from "../lib/backend/onednn/install_onednn.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { gpu: { type: "boolean" }, "tfjs-node": { type: "boolean" }, help: { type: "boolean" } },
});
if (values.help) {
  console.log(
    "Usage: deno task setup:native [--tfjs-node] | deno task setup:gpu\n\n" +
      "  (no option)   installs oneDNN 2.x for the onednn backend (apt-get on Debian/Ubuntu as root; otherwise prints how)\n" +
      "  --tfjs-node   installs @tensorflow/tfjs-node@4.22.0 instead (downloads libtensorflow)\n" +
      "  setup:gpu     installs @tensorflow/tfjs-node-gpu@4.22.0 (CUDA 11.2, cuDNN 8.1)",
  );
  Deno.exit(0);
}
if (!values.gpu && !values["tfjs-node"]) Deno.exit(await installOneDnn());

const pkg = values.gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
const spec = `npm:${pkg}@4.22.0`;
const deno = Deno.execPath();
/** Terminal colour codes: stripped, since the output is quoted in our own messages. */
const ANSI_COLOUR = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");

async function run(args: string[]): Promise<{ ok: boolean; output: string }> {
  const out = await new Deno.Command(deno, { args, stdout: "piped", stderr: "piped" }).output();
  const output = (new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr)).replace(ANSI_COLOUR, "");
  return { ok: out.success, output };
}

function fail(message: string): never {
  console.error(`\nError: ${message}`);
  Deno.exit(1);
}

console.error(`[setup] adding ${spec} to deno.json...`);
const added = await run(["add", spec]);
if (!added.ok) fail(`could not add ${spec}:\n${added.output}`);

console.error(`[setup] running its install script (downloads libtensorflow)...`);
const installed = await run(["install", `--allow-scripts=${spec}`]);
const downloadFailed = /storage\.googleapis\.com|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|ETIMEDOUT|network/i.test(
  installed.output,
);
if (!installed.ok || downloadFailed) {
  await run(["remove", pkg]); // leave deno.json as it was: wasm stays the default
  fail(
    `the install script of ${pkg} failed${downloadFailed ? " to download libtensorflow" : ""}.\n` +
      `It fetches libtensorflow 2.9.1 from storage.googleapis.com; on a machine that cannot reach it, set\n` +
      `TFJS_NODE_CDN_STORAGE to a mirror holding the same files, or run this task where that host is reachable.\n` +
      (values.gpu ? `The GPU build also needs an NVIDIA driver > 450, CUDA 11.2 and cuDNN 8.1.\n` : "") +
      `deno.json is unchanged; Lumbar Lab keeps using the onednn or wasm backend.\n\n--- install output (last lines) ---\n` +
      installed.output.split("\n").slice(-15).join("\n"),
  );
}

// tensorflow/tfjs#8579: copy the binding into every lib/napi-v* folder.
const base = `node_modules/.deno/${pkg.replace("/", "+")}@4.22.0/node_modules/${pkg}/lib`;
let binding: string | undefined;
try {
  for (const entry of Deno.readDirSync(base)) {
    const candidate = `${base}/${entry.name}/tfjs_binding.node`;
    try {
      Deno.statSync(candidate);
      binding = candidate;
    } catch { /* not this one */ }
  }
} catch {
  fail(`${base} not found after install`);
}
if (binding == null) fail(`no tfjs_binding.node under ${base}: the native build did not complete`);
for (let v = 1; v <= 10; v++) {
  const dir = `${base}/napi-v${v}`;
  Deno.mkdirSync(dir, { recursive: true });
  if (`${dir}/tfjs_binding.node` !== binding) Deno.copyFileSync(binding, `${dir}/tfjs_binding.node`);
}

const check = await run([
  "eval",
  `import { initBackend } from "${
    new URL("../lib/backend.ts", import.meta.url).href
  }"; console.log(await initBackend("tensorflow"));`,
]);
if (!check.ok) fail(`${pkg} installed but does not load:\n${check.output}`);
console.log(
  `[setup] done: the tensorflow backend loads (${pkg}). It is now the default; LUMBAR_BACKEND=wasm overrides.`,
);
