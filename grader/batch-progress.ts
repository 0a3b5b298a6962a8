/**
 * Progress of a batch on a terminal: one redrawn status line on a TTY, and one plain line per
 * graded submission otherwise (CI logs and files keep every line readable).
 */
import { plainName } from "./format/text";
import type { GradebookRow } from "./gradebook";

export interface BatchProgress {
  /** `only`: the ids of the exercises graded, when the batch grades some only (`--only`). */
  start(total: number, workers: number, only?: readonly string[]): void;
  begin(id: string): void;
  finish(outcome: GradebookRow & { durationMs: number }): void;
  done(outcomes: readonly GradebookRow[], wallMs: number): void;
  /** Something worth a line of its own (a chunk regraded one by one). */
  note?(text: string): void;
}

interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function consoleProgress(stream: Stream, now: () => number = () => Number(process.hrtime.bigint() / 1_000_000n)): BatchProgress {
  let total = 0;
  let finished = 0;
  let failed = 0;
  let startedMs = 0;
  const running = new Set<string>();
  const tty = stream.isTTY === true;
  let last = "";
  // Results arrive a chunk at a time: on a terminal the clock keeps moving in between.
  let ticker: ReturnType<typeof setInterval> | undefined;

  const statusLine = (last: string): string => {
    const elapsedMs = now() - startedMs;
    const etaMs = finished > 0 ? (elapsedMs / finished) * (total - finished) : NaN;
    const percent = total > 0 ? Math.floor((finished / total) * 100) : 100;
    const parts = [`[${finished}/${total}] ${percent}%`, `${running.size} running`, `elapsed ${clock(elapsedMs)}`];
    if (Number.isFinite(etaMs)) parts.push(`eta ${clock(etaMs)}`);
    if (last) parts.push(`last: ${last}`);
    const line = parts.join(" · ");
    const width = (stream.columns ?? 100) - 1;
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  };

  return {
    start(count, workers, only) {
      total = count;
      startedMs = now();
      const which = only ? `: exercise${only.length === 1 ? "" : "s"} ${only.join(", ")} only (--only)` : "";
      stream.write(`Grading ${count} submission${count === 1 ? "" : "s"} with ${workers} worker${workers === 1 ? "" : "s"}${which}.\n`);
      if (tty) {
        ticker = setInterval(() => stream.write(`\r\x1b[2K${statusLine(last)}`), 1000);
        ticker.unref?.();
      }
    },
    begin(id) {
      running.add(id);
      if (tty) stream.write(`\r\x1b[2K${statusLine("")}`);
    },
    finish(outcome) {
      running.delete(outcome.id);
      finished++;
      if (outcome.error) failed++;
      // An error may name a student's files (a look-alike in a zip): shown as text, never as escapes.
      const result = outcome.error ? `error: ${plainName(outcome.error.split("\n")[0])}` : `${outcome.score}/${outcome.maxScore}`;
      const seconds = (outcome.durationMs / 1000).toFixed(1);
      last = `${plainName(outcome.id)} ${result}`;
      if (tty) stream.write(`\r\x1b[2K${statusLine(last)}`);
      else stream.write(`[${finished}/${total}] ${plainName(outcome.id)}: ${result} (${seconds} s)\n`);
    },
    note(text) {
      stream.write(`${tty ? "\r\x1b[2K" : ""}${text}\n`);
    },
    done(outcomes, wallMs) {
      if (ticker) clearInterval(ticker);
      if (tty) stream.write("\r\x1b[2K");
      const graded = outcomes.length - failed;
      stream.write(
        `Graded ${graded} of ${outcomes.length} submission${outcomes.length === 1 ? "" : "s"} in ${clock(wallMs)}` +
          (failed > 0 ? `; ${failed} could not be graded (see the error column).` : ".") + "\n",
      );
    },
  };
}

/** 75_000 ms -> "1m15s"; 9_400 ms -> "9.4s". */
export function clock(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}
