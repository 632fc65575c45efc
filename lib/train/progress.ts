/**
 * Training progress: a bar on the terminal, or a live-updating display in a
 * Jupyter notebook on the Deno kernel.
 *
 * @module
 */
import type { EpochLog } from "./checkpoint.ts";

/** Where a batch is in the run. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Running means over the epoch so far. */
  loss: number;
  acc: number;
  /** Since the epoch started. */
  seconds: number;
}

/** Receives progress from the training loop. */
export interface ProgressReporter {
  batch(progress: BatchProgress): void;
  /** After an epoch; `note` tells of a learning-rate change. */
  epoch(log: EpochLog, note: string): void;
  message(text: string): void;
  done(): void;
}

/**
 * Formats seconds as `42s` or `3m05s`.
 *
 * @example
 * ```ts
 * formatSeconds(185); // "3m05s"
 * ```
 */
export function formatSeconds(s: number): string {
  if (!isFinite(s)) return "?";
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(0)}s`;
}

function bar(done: number, total: number, width = 24): string {
  const filled = Math.round((done / total) * width);
  return "[" + "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(width - filled) + "]";
}

function batchLine(p: BatchProgress): string {
  const eta = (p.seconds / p.batch) * (p.batches - p.batch);
  return `epoch ${p.epoch}/${p.epochs} ${bar(p.batch, p.batches)} ${p.batch}/${p.batches} ` +
    `loss ${p.loss.toFixed(4)} acc ${p.acc.toFixed(3)} ETA ${formatSeconds(eta)}`;
}

/**
 * One line per finished epoch, e.g.
 * `epoch 3/10 loss 0.4120 acc 0.861 val_loss 0.5010 val_acc 0.812 (12s)`.
 */
export function formatEpochLog(log: EpochLog, epochs: number): string {
  const val = log.valLoss != null ? ` val_loss ${log.valLoss.toFixed(4)} val_acc ${log.valAcc!.toFixed(3)}` : "";
  return `epoch ${log.epoch}/${epochs} loss ${log.loss.toFixed(4)} acc ${log.acc.toFixed(3)}${val} (${
    formatSeconds(log.seconds)
  })`;
}

/**
 * Progress on stderr: a bar redrawn per batch when stderr is a terminal, and
 * one line per epoch always (logs and CI see the lines only).
 *
 * @returns A reporter for the training loop.
 */
export function terminalProgress(): ProgressReporter {
  const tty = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  const write = (s: string) => Deno.stderr.writeSync(encoder.encode(s));
  let epochs = 0;
  return {
    batch(p) {
      epochs = p.epochs;
      if (tty) write(`\r${batchLine(p)}\x1b[K`);
    },
    epoch(log, note) {
      write(`${tty ? "\r" : ""}${formatEpochLog(log, epochs)}${note}${tty ? "\x1b[K" : ""}\n`);
    },
    message(text) {
      write(`${text}\n`);
    },
    done() {},
  };
}

interface JupyterApi {
  broadcast(type: string, content: Record<string, unknown>): Promise<void>;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/**
 * A live display in a Jupyter notebook (Deno kernel): one output area that
 * is updated in place with the current batch and a table of finished epochs.
 * Outside the kernel it falls back to {@link terminalProgress}.
 *
 * @param minIntervalMs Least time between two batch updates. Default 500.
 * @returns A reporter for the training loop.
 */
export function notebookProgress(minIntervalMs = 500): ProgressReporter {
  let jupyter: JupyterApi | undefined;
  try {
    // Outside the kernel, Deno 2.9 throws on reading Deno.jupyter rather than returning undefined.
    jupyter = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
  } catch {
    jupyter = undefined;
  }
  if (jupyter == null) return terminalProgress();
  const displayId = `lumbar-progress-${crypto.randomUUID()}`;
  const rows: string[] = [];
  const notes: string[] = [];
  let current = "";
  let epochs = 0;
  let shown = false;
  let last = 0;
  let pending: Promise<void> = Promise.resolve();
  const render = () => {
    const html = `<div style="font-family:monospace"><div>${escapeHtml(current)}</div>` +
      `<table><tr><th>epoch</th><th>loss</th><th>acc</th><th>val_loss</th><th>val_acc</th><th>lr</th><th>time</th></tr>${
        rows.join("")
      }</table>${notes.map((n) => `<div>${escapeHtml(n)}</div>`).join("")}</div>`;
    const content = {
      data: { "text/html": html, "text/plain": [current, ...notes].join("\n") },
      metadata: {},
      transient: { display_id: displayId },
    };
    const type = shown ? "update_display_data" : "display_data";
    shown = true;
    pending = pending.then(() => jupyter.broadcast(type, content)).catch(() => {});
  };
  return {
    batch(p) {
      epochs = p.epochs;
      current = batchLine(p);
      const now = performance.now();
      if (now - last >= minIntervalMs || p.batch === p.batches) {
        last = now;
        render();
      }
    },
    epoch(log, note) {
      const f = (v: number | undefined, d = 4) => (v == null ? "" : v.toFixed(d));
      rows.push(
        `<tr><td>${log.epoch}/${epochs}</td><td>${f(log.loss)}</td><td>${f(log.acc, 3)}</td><td>${
          f(log.valLoss)
        }</td><td>${f(log.valAcc, 3)}</td><td>${log.lr?.toExponential(1) ?? ""}</td><td>${
          formatSeconds(log.seconds)
        }</td></tr>`,
      );
      if (note) notes.push(note.replace(/^; /, ""));
      current = formatEpochLog(log, epochs);
      render();
    },
    message(text) {
      notes.push(text);
      render();
    },
    done() {
      // Updates are fire-and-forget and one can be lost under load: send the final state once more.
      render();
    },
  };
}
