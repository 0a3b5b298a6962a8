/**
 * Leaves nothing behind: server processes and temporary folders are removed on success, on failure
 * and, while a lab runs, when the process is told to stop.
 *
 * Cleanup steps are synchronous (spawnSync, rmSync), so they also run from a signal handler and from
 * the 'exit' event, where no more asynchronous work is possible.
 */
type Step = { name: string; run: () => void };

const steps: Step[] = [];
let exitHookInstalled = false;
let running = false;

/** Registers a cleanup step; returns a function that runs and removes it early. */
export function onCleanup(name: string, run: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => cleanupNow());
  }
  const step: Step = { name, run };
  steps.push(step);
  return () => {
    const i = steps.indexOf(step);
    if (i < 0) return;
    steps.splice(i, 1);
    runStep(step);
  };
}

/** Runs every registered step, newest first (servers stop before their folder is removed). */
export function cleanupNow(): void {
  if (running) return;
  running = true;
  try {
    while (steps.length > 0) runStep(steps.pop()!);
  } finally {
    running = false;
  }
}

function runStep(step: Step): void {
  try {
    step.run();
  } catch (err) {
    console.error(`cleanup (${step.name}) failed: ${(err as Error).message}`);
  }
}

export type StopSignal = "SIGINT" | "SIGTERM" | "SIGHUP";
const EXIT_CODES: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const listeners = new Map<StopSignal, { users: number; listener: () => void }>();
let exiting = false;

/**
 * Until the returned function is called, these signals stop the servers, remove the folders and
 * end the process with the usual exit code (128 + the signal's number). The command line asks for
 * SIGINT too; a notebook kernel does not, since it uses SIGINT to interrupt a cell, not to quit.
 */
export function exitOnSignals(signals: readonly StopSignal[]): () => void {
  for (const signal of signals) {
    const entry = listeners.get(signal);
    if (entry) {
      entry.users++;
      continue;
    }
    // `on`, not `once`: Ctrl-C reaches us twice (from the terminal and relayed by tsx), and a second
    // signal with no handler left would kill us halfway through the cleanup.
    const listener = () => {
      if (exiting) return;
      exiting = true;
      console.error(`\n${signal}: stopping PostgreSQL servers and removing temporary folders…`);
      // Yield first: tsx, which runs the command line, waits a few ms for word that the signal
      // arrived and kills the process outright when a synchronous cleanup blocks that word.
      setTimeout(() => {
        cleanupNow();
        process.exit(EXIT_CODES[signal]);
      }, 100);
    };
    process.on(signal, listener);
    listeners.set(signal, { users: 1, listener });
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const signal of signals) {
      const entry = listeners.get(signal)!;
      if (--entry.users > 0) continue;
      process.off(signal, entry.listener);
      listeners.delete(signal);
    }
  };
}
