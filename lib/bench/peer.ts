/**
 * Runs the PyTorch peer benchmark on the same machine, for ratios measured in
 * the same run. `../shared/peer/torch_train.py` covers the paper's reference
 * architectures; `tasks/peer/torch_mirrors.py` mirrors the models it lacks:
 * our plain CNN, MobileNet (v1) and VGG16 with involution.
 *
 * @module
 */

/** Architectures the shared peer script knows, by our registry names. */
const PEER_MODELS = [
  "alexnet",
  "mobilenet_v2",
  "resnet50",
  "densenet121",
  "vgg16",
];

/** Ours that torchvision lacks, mirrored in `tasks/peer/torch_mirrors.py`. */
const MIRRORED_MODELS = ["cnn", "mobilenet", "vgg16_involution"];

/** One peer measurement. */
export interface PeerResult {
  model: string;
  size: number;
  batchSize: number;
  imagesPerSecond: number;
}

const ROOT = new URL("../../", import.meta.url);

/** The interpreter with torch, or undefined. Debian's python3-torch lives in /usr/bin/python3. */
export async function findTorchPython(): Promise<string | undefined> {
  for (const py of ["/usr/bin/python3", "python3"]) {
    try {
      const out = await new Deno.Command(py, {
        args: ["-c", "import torch, torchvision"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (out.success) return py;
    } catch {
      // not installed
    }
  }
  return undefined;
}

function parsePeerLine(line: string): PeerResult | undefined {
  const m = line.match(
    /^(\S+) size=(\d+) batch=(\d+) train_img_per_s=([\d.]+)/,
  );
  if (m == null) return undefined;
  return { model: m[1], size: +m[2], batchSize: +m[3], imagesPerSecond: +m[4] };
}

/**
 * Measures PyTorch's training throughput for the models it can mirror.
 *
 * @param models Our registry names; ones without a peer are skipped.
 * @param size Square input side.
 * @param batchSize Images per step.
 * @returns Results, or an empty list when torch is not installed.
 */
export async function runPeer(
  models: string[],
  size: number,
  batchSize: number,
): Promise<PeerResult[]> {
  const py = await findTorchPython();
  if (py == null) return [];
  const results: PeerResult[] = [];
  const run = async (script: string, extra: string[]) => {
    const out = await new Deno.Command(py, {
      args: [script, String(size), String(batchSize), ...extra],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    for (const line of text.split("\n")) {
      const r = parsePeerLine(line.trim());
      if (r) results.push(r);
    }
    if (!out.success) {
      console.error(
        `[bench] peer script failed: ${new TextDecoder().decode(out.stderr).slice(-500)}`,
      );
    }
  };
  const mirrored = models.filter((m) => MIRRORED_MODELS.includes(m));
  if (mirrored.length > 0) {
    await run(new URL("tasks/peer/torch_mirrors.py", ROOT).pathname, [mirrored.join(",")]);
  }
  const shared = models.filter((m) => PEER_MODELS.includes(m));
  const sharedScript = new URL("../shared/peer/torch_train.py", ROOT).pathname;
  if (shared.length > 0) {
    try {
      await Deno.stat(sharedScript);
      await run(sharedScript, [shared.join(",")]);
    } catch {
      console.error(
        `[bench] ${sharedScript} not found: no peer figures for ${shared.join(", ")}`,
      );
    }
  }
  return results;
}
