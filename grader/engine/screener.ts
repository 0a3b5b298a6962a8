/**
 * Screens staged files (screen.ts) before anything of them is compiled or run, each held to a
 * limit of CPU time. TypeScript's parser guesses at every `<` whether type arguments follow, and
 * chains of comparisons nested a couple of hundred deep make it take seconds per kilobyte: one file
 * under the size limit took it 21 s. A file whose screening passes its limit is refused, with that
 * reason, and costs only its own exercise; the others are screened by a new worker.
 *
 * The screen runs in TypeScript's worker thread (ts-worker.ts) when the precompiled modules exist
 * (lib-bundle.ts builds it), or in this thread otherwise, without a limit. A grading call shares
 * its worker with the type check, which comes after. A screener can be kept for many calls: the
 * notebook judge keeps one that screens in its own thread (judge-server.ts says why).
 */
import { LimitedWorker, tsWorkerScript } from "./limited-worker";
import { screenFile, type ScreenAnswer, type ScreenFinding } from "./screen";

/**
 * CPU time one file's screening may take: a file of 512 KB (the size limit) of ordinary code takes
 * 0.3-0.9 CPU-s, an exercise file a few milliseconds.
 */
export const SCREEN_CPU_MS = 3_000;


/** A file to screen, and its name as a report shows it. */
export interface ScreenFile {
  path: string;
  shown: string;
}

export class Screener {
  private readonly worker: LimitedWorker | undefined;

  /**
   * `worker`: a worker to share (a grading call's, which type-checks the files afterwards), or the
   * folder of the precompiled modules, to start one of its own; without either, files are screened
   * in this thread.
   */
  constructor(worker: LimitedWorker | string | undefined) {
    const script = typeof worker === "string" ? tsWorkerScript(worker) : undefined;
    this.worker = typeof worker === "object" ? worker : script ? new LimitedWorker(script) : undefined;
    this.worker?.start();
  }

  /**
   * For each file, in order: the screen's findings (empty when it may run), or the sentence
   * saying why it could not be screened (so its exercise scores zero). `limitMs` of CPU time per
   * file; `wallMs` on the wall clock for all of them (the grading call's time left).
   */
  async screen(files: ScreenFile[], limitMs = SCREEN_CPU_MS, wallMs = Infinity): Promise<(ScreenFinding[] | string)[]> {
    const endsAt = Date.now() + wallMs;
    const results: (ScreenFinding[] | string)[] = [];
    for (const file of files) {
      if (!this.worker) {
        results.push(inThisThread(file));
        continue;
      }
      const answer = await this.worker.askWithin<ScreenAnswer>("screen", file.path, limitMs, endsAt);
      if ("result" in answer) results.push("findings" in answer.result ? answer.result.findings : tooDeep(file.shown));
      else if ("stopped" in answer) {
        results.push(`${file.shown} took too long to read: screening it before it runs ${answer.stopped} (ordinary code takes a fraction of that; long chains of < comparisons make TypeScript's parser try each one both ways), so this exercise scores zero`);
      } else results.push(couldNotRead(file.shown, answer.error));
    }
    return results;
  }

  /** Stops the worker. */
  close(): void {
    this.worker?.close();
  }
}

function inThisThread(file: ScreenFile): ScreenFinding[] | string {
  try {
    const answer = screenFile(file.path);
    return "findings" in answer ? answer.findings : tooDeep(file.shown);
  } catch (error) {
    return couldNotRead(file.shown, (error as Error).message);
  }
}

function tooDeep(shown: string): string {
  return `${shown} is nested too deeply to read (an expression, type or statement hundreds of levels deep, or a chain of thousands of + or else-if, ran the parser out of stack), so this exercise scores zero`;
}

function couldNotRead(shown: string, message: string): string {
  return `${shown} could not be read before running (${message}), so this exercise scores zero`;
}
