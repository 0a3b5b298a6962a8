/**
 * Trying again what a busy machine can make fail once: a server slow to start, a port taken
 * between the check and the bind, a connection reset. Errors that would fail the same way again (a
 * missing program, a folder the server cannot write) are not retried.
 */

/** What makes a failure worth another try, and a short name for it in the message. */
const TRANSIENT: readonly [RegExp, string][] = [
  [/requested WAL segment \S+ has already been removed/, "the primary recycled WAL the copy still needed"],
  [/could not bind|Address already in use/i, "a port was taken meanwhile"],
  [/server did not start in time|server does not shut down|timed out/i, "too slow on a busy machine"],
  [/could not connect|Connection refused|ECONNREFUSED|ECONNRESET/i, "a connection was refused"],
  [/server closed the connection unexpectedly|terminated unexpectedly|could not (send|receive) data/i, "a connection broke"],
  [/the database system is (starting up|shutting down|in recovery mode)/i, "a server was not ready yet"],
];

/** Why an error is transient (a few words), or null when trying again would not help. */
export function transientReason(err: unknown): string | null {
  const text = err instanceof Error ? err.message : String(err);
  for (const [pattern, reason] of TRANSIENT) if (pattern.test(text)) return reason;
  return null;
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  log: (line: string) => void;
  /** Undo what a failed try left behind (a half-copied folder, a half-started cluster). */
  cleanUp?: () => Promise<void> | void;
}

/**
 * Runs `run` until it succeeds, trying again after a transient failure with a line in the log that
 * says what failed and why it is being tried again. The last failure, or a failure that is not
 * transient, is thrown, its message prefixed with what was being done.
 */
export async function withRetries<T>(what: string, run: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (err) {
      const reason = transientReason(err);
      const message = err instanceof Error ? err.message : String(err);
      if (reason === null || attempt >= options.attempts) {
        const tries = attempt > 1 ? ` (after ${attempt} tries)` : "";
        throw new Error(`${what} failed${tries}: ${message}`, { cause: err });
      }
      options.log(`  ${what} failed (${reason}: ${firstLine(message)}); trying again, ${attempt + 1} of ${options.attempts}`);
      await options.cleanUp?.();
    }
  }
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? text;
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}
