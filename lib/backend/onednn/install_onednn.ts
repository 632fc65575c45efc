/**
 * Installs oneDNN 2.x where this machine's package manager can, or says how.
 *
 * Debian 12 and Ubuntu 22.04 ship it as `libdnnl2` (2.6.3 and 2.5.x); it is
 * also what Debian's `python3-torch` runs on. Newer systems (Debian 13,
 * Ubuntu 24.04, Homebrew) ship version 3, whose C API this backend does not
 * speak yet: there, oneDNN v2.7 built from source and `LUMBAR_DNNL_PATH`.
 *
 * @module
 */
import { dnnlAvailable, openDnnl } from "./dnnl_library.ts";

/** The APT package of oneDNN 2.x. */
const APT_PACKAGE = "libdnnl2";

/** How to build oneDNN 2.x from source, for systems without a package. */
const FROM_SOURCE = [
  "git clone --depth 1 --branch v2.7.5 https://github.com/oneapi-src/oneDNN.git",
  "cmake -S oneDNN -B oneDNN/build -DCMAKE_BUILD_TYPE=Release -DDNNL_BUILD_TESTS=OFF -DDNNL_BUILD_EXAMPLES=OFF",
  "cmake --build oneDNN/build -j",
  "export LUMBAR_DNNL_PATH=$PWD/oneDNN/build/src/libdnnl.so.2   # .dylib on macOS",
];

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: out.success, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
}

/** The `ID` and `ID_LIKE` words of /etc/os-release. */
function osIds(): string[] {
  try {
    const text = Deno.readTextFileSync("/etc/os-release");
    return [...text.matchAll(/^(?:ID|ID_LIKE)=("?)([^"\n]*)\1$/gm)].flatMap((m) => m[2].split(/\s+/));
  } catch {
    return [];
  }
}

/** `LUMBAR_DNNL_PATH`, when set. */
function envPath(): string | undefined {
  try {
    return Deno.env.get("LUMBAR_DNNL_PATH") || undefined;
  } catch {
    return undefined;
  }
}

/** Whether this process runs as root. */
function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

function printFromSource(): void {
  console.log(
    "oneDNN 2.x from source (about 10 minutes on 2 cores):\n  " + FROM_SOURCE.join("\n  ") +
      "\nThen `deno task bench --models cnn --size 64` should report the onednn backend.",
  );
}

/**
 * Installs oneDNN 2.x if it is missing and the system allows, then checks
 * that it opens.
 *
 * @returns The process exit code: 0 when oneDNN is there now, 1 when not.
 */
export async function installOneDnn(): Promise<number> {
  if (dnnlAvailable()) {
    const lib = openDnnl();
    console.log(`[setup] oneDNN ${lib.version} is already here (${lib.path}, ISA ${lib.isa}): nothing to do.`);
    return 0;
  }
  const fromEnv = envPath();
  if (fromEnv != null) {
    console.log(
      `[setup] LUMBAR_DNNL_PATH=${fromEnv} does not open as oneDNN 2.x. Point it at a libdnnl.so.2 (or .dylib), ` +
        "or unset it to use the system's library.",
    );
    return 1;
  }
  const ids = osIds();
  const apt = (await run("apt-get", ["--version"])).ok;
  if (Deno.build.os === "linux" && apt && ids.some((id) => id === "debian" || id === "ubuntu")) {
    const policy = await run("apt-cache", ["policy", APT_PACKAGE]);
    const candidate = /Candidate:\s*(\S+)/.exec(policy.output)?.[1];
    if (candidate == null || candidate === "(none)") {
      console.log(`[setup] this release has no ${APT_PACKAGE} package (it may ship oneDNN 3, not spoken yet).`);
      printFromSource();
      return 1;
    }
    const line = `apt-get install -y ${APT_PACKAGE}`;
    if (!isRoot()) {
      console.log(`[setup] oneDNN is missing. Install it with:\n  sudo ${line}\nthen run this task again to check.`);
      return 1;
    }
    console.error(`[setup] ${line} (${candidate})...`);
    await run("apt-get", ["update", "-qq"]);
    const installed = await run("apt-get", ["install", "-y", "-qq", APT_PACKAGE]);
    if (!installed.ok) {
      console.error(`[setup] ${line} failed:\n${installed.output.split("\n").slice(-10).join("\n")}`);
      return 1;
    }
    // A new process: this one remembers that the library was missing.
    const check = await run(Deno.execPath(), [
      "eval",
      `import { openDnnl } from "${new URL("./dnnl_library.ts", import.meta.url).href}";` +
      `try { const l = openDnnl(); console.log(l.version + " " + l.path + " " + l.isa); }` +
      `catch (e) { console.error(e.message); Deno.exit(1); }`,
    ]);
    if (!check.ok) {
      console.error(`[setup] ${APT_PACKAGE} installed but oneDNN does not open:\n${check.output}`);
      return 1;
    }
    console.log(`[setup] done: oneDNN ${check.output.trim()}. The onednn backend is now the default.`);
    return 0;
  }
  if (Deno.build.os === "darwin") {
    console.log(
      "[setup] Homebrew's `onednn` is version 3, which this backend does not speak yet; build v2.7 instead.",
    );
  } else console.log("[setup] no Debian/Ubuntu package manager here.");
  printFromSource();
  return 1;
}
