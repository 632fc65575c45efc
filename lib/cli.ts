/**
 * Helpers for the thin task entry points in `tasks/`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type BackendName, BACKENDS, initBackend } from "./backend.ts";

/** Options every task accepts. */
const COMMON = {
  backend: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Parses a task's arguments (strictly: an unknown flag is an error), prints
 * `usage` for `--help`, and starts the backend from `--backend` or
 * `LUMBAR_BACKEND`.
 *
 * @param usage Text shown by `--help` and after an argument error.
 * @param options `node:util` parseArgs option definitions.
 * @returns The parsed values.
 */
/** Option definitions, as `node:util` parseArgs takes them. */
export type TaskOptions = Record<string, { type: "string" | "boolean"; short?: string; multiple?: false }>;
/** Parsed option values. */
export type TaskValues = Record<string, string | boolean | undefined>;

let positionals: string[] = [];

/** Arguments that are not options, for tasks started with `positionals: true` (e.g. predict's image paths). */
export function taskPositionals(): string[] {
  return [...positionals];
}

export async function startTask(
  usage: string,
  options: TaskOptions,
  args: string[] = Deno.args,
  { backend: needsBackend = true, positionals: allowPositionals = false }: {
    backend?: boolean;
    positionals?: boolean;
  } = {},
): Promise<TaskValues> {
  let parsed: { values: TaskValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...COMMON, ...options },
      strict: true,
      allowPositionals,
    }) as { values: TaskValues; positionals: string[] };
    positionals = parsed.positionals ?? [];
  } catch (e) {
    console.error(`Error: ${(e as Error).message}\n\n${usage}`);
    Deno.exit(2);
  }
  if (parsed.values.help) {
    console.log(usage);
    Deno.exit(0);
  }
  const backend = parsed.values.backend as string | undefined;
  if (backend != null && !(BACKENDS as readonly string[]).includes(backend)) {
    console.error(
      `Error: unknown backend "${backend}". Valid backends are: ${BACKENDS.join(", ")}`,
    );
    Deno.exit(2);
  }
  if (!needsBackend) return parsed.values;
  try {
    await initBackend(backend as BackendName | undefined);
  } catch (e) {
    console.error(`Error: ${(e as Error).message}`);
    Deno.exit(1);
  }
  return parsed.values;
}

/** A bad command line: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Reads a positive integer option.
 *
 * @throws {UsageError} Naming the option and the bad value.
 */
export function intOption(name: string, value: unknown, fallback: number): number {
  if (value == null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive integer. Received: ${value}`);
  }
  return n;
}

/**
 * Reads a number option that must lie in [0, 1].
 *
 * @throws {UsageError} Naming the option and the bad value.
 */
export function fractionOption(name: string, value: unknown, fallback: number): number {
  if (value == null) return fallback;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new UsageError(`--${name} must be between 0 and 1. Received: ${value}`);
  return n;
}

/**
 * Runs a task's body: a {@link UsageError} exits 2 and any other error exits
 * 1, each with a one-line message (the stack with `LUMBAR_DEBUG=1`).
 */
export async function runMain(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    const err = e as Error;
    console.error(`Error: ${err.message}`);
    if (Deno.env.get("LUMBAR_DEBUG") === "1") console.error(err.stack);
    Deno.exit(e instanceof UsageError ? 2 : 1);
  }
}

/** Writes a file atomically: to a temporary file beside it, then a rename. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
): Promise<void> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  if (typeof data === "string") await Deno.writeTextFile(tmp, data);
  else await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/**
 * Formats rows as an aligned text table.
 *
 * @param header Column titles.
 * @param rows Cells, already formatted.
 */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ");
  return [
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
  ].join("\n");
}
