/**
 * Leaves nothing behind: server processes and temporary folders are removed on success, on failure
 * and on Ctrl-C or a kill.
 *
 * Cleanup steps are synchronous (spawnSync, rmSync), so they also run from a signal handler and from
 * the 'exit' event, where no more asynchronous work is possible.
 */
type Step = { name: string; run: () => void };

const steps: Step[] = [];
let installed = false;
let running = false;

/** Registers a cleanup step; returns a function that runs and removes it early. */
export function onCleanup(name: string, run: () => void): () => void {
  installHandlers();
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

function installHandlers(): void {
  if (installed) return;
  installed = true;
  let exiting = false;
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    // `on`, not `once`: Ctrl-C reaches us twice (from the terminal and relayed by tsx), and a second
    // signal with no handler left would kill us halfway through the cleanup.
    process.on(signal, () => {
      if (exiting) return;
      exiting = true;
      console.error(`\n${signal}: stopping PostgreSQL servers and removing temporary folders…`);
      // Yield first: tsx, which runs this script, waits a few ms for word that the signal arrived
      // and kills the process outright when a synchronous cleanup blocks that word from going out.
      setTimeout(() => {
        cleanupNow();
        process.exit(code);
      }, 100);
    });
  }
  process.once("exit", () => cleanupNow());
}
