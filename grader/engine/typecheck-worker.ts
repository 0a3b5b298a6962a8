/**
 * The type check in a worker thread, so that it runs beside the graded tests instead of holding
 * up the process that drives them. The worker keeps the library's parsed files between requests:
 * the notebook judge's second check of a file checks it in a fraction of the first one's time.
 */
import { parentPort } from "node:worker_threads";
import { typeErrorsMany, type CompileInput } from "./typecheck";

parentPort?.on("message", (message: { id: number; inputs: CompileInput[] }) => {
  try {
    const result = typeErrorsMany(message.inputs).map((errors) => [...errors]);
    parentPort!.postMessage({ id: message.id, result });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message });
  }
});
