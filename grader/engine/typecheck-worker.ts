/**
 * The type check in a worker thread, so that it runs beside the graded tests instead of holding
 * up the process that drives them. The worker keeps the library's parsed files between requests:
 * the notebook judge's second check of a file checks it in a fraction of the first one's time.
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { procStat, threadId } from "./proc-stat";
import { trace, tracing } from "./trace";
import { typeErrorsMany, type CompileInput } from "./typecheck";

/** CPU seconds of this thread (Linux; NaN elsewhere). */
function threadCpuS(): number {
  return (procStat("thread-self")?.cpuMs ?? NaN) / 1000;
}

const tid = threadId();

// This thread's id, first of all: the checker reads the thread's CPU time by it to hold a check
// to its limit (Linux; elsewhere the limit is on the wall clock).
if (tid !== undefined) parentPort?.postMessage({ tid });

// In the background (the notebook judge), this thread yields the CPU to the graded tests: on Linux
// a thread has a priority of its own, set through its thread id.
if (tid !== undefined && (workerData as { lowPriority?: boolean } | undefined)?.lowPriority) {
  try {
    setPriority(tid, 10);
  } catch {
    // not allowed: the check runs at the usual priority
  }
}

parentPort?.on("message", (message: { id: number; inputs: CompileInput[] }) => {
  try {
    const result = typeErrorsMany(message.inputs).map((errors) => [...errors]);
    if (tracing()) trace(`type check of ${message.inputs.length} submission(s) done; its thread has used ${threadCpuS().toFixed(2)} CPU-s`);
    parentPort!.postMessage({ id: message.id, result });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message });
  }
});
