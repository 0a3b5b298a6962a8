/**
 * Compiles a grading call's staged files (transpile.ts) in TypeScript's worker thread, where the
 * build, esbuild's process included, is held to a limit of CPU time. esbuild's parser backtracks
 * over TypeScript's ambiguous syntax: arrow functions with typed parameters nested a thousand deep
 * (12 KB, which TypeScript's own parser reads in 0.07 s) took it 8.6 s, and the time grows with
 * the square of the depth, so one file under the size limit could hold a grading call for an hour.
 * A build past its limit is stopped (its worker, and with it esbuild's process, ends); each file is
 * then compiled alone, with a limit of its own, and a file that cannot be compiled in that time
 * scores zero with the reason. Without the precompiled worker, files are compiled in this thread,
 * without a limit.
 */
import type { LimitedWorker } from "./limited-worker";
import { trace } from "./trace";
import { transpile, type TranspileJob } from "./transpile";

/** CPU time the build of a whole call may take: this much, and as much again per file per hundred. */
export const COMPILE_CPU_MS = 10_000;

/** CPU time one file's build alone may take; an exercise file's takes a few dozen milliseconds. */
export const COMPILE_ALONE_CPU_MS = 5_000;

/** Per failed job: esbuild's messages, or what kept it from compiling ("could not be compiled in time: …"). */
export type CompileFailures = Map<TranspileJob, string[] | { notCompiled: string }>;

export async function compileLimited(worker: LimitedWorker | undefined, root: string, jobs: TranspileJob[], wallMs: number, limits = { allMs: COMPILE_CPU_MS, aloneMs: COMPILE_ALONE_CPU_MS }): Promise<CompileFailures> {
  if (!worker || jobs.length === 0) return transpile(root, jobs);
  const endsAt = Date.now() + wallMs;
  const ask = (list: TranspileJob[], limitMs: number) => worker.askWithin<[number, string[]][]>("compile", { root, jobs: list }, limitMs, endsAt);
  const failures: CompileFailures = new Map();
  const all = await ask(jobs, limits.allMs * (1 + jobs.length / 100));
  if ("result" in all) {
    for (const [i, messages] of all.result) failures.set(jobs[i], messages);
    return failures;
  }
  trace(`the build of ${jobs.length} file(s) ${"stopped" in all ? all.stopped : `failed: ${all.error}`}: compiling each alone`);
  for (const job of jobs) {
    const one = await ask([job], limits.aloneMs);
    if ("result" in one) {
      if (one.result.length > 0) failures.set(job, one.result[0][1]);
    } else if ("stopped" in one) {
      failures.set(job, { notCompiled: `could not be compiled in time: esbuild ${one.stopped} compiling it (an exercise file takes it a few dozen milliseconds; arrow functions nested hundreds deep, or long chains of < comparisons, make its parser try each one both ways)` });
    } else {
      failures.set(job, { notCompiled: `could not be compiled (${one.error})` });
    }
  }
  return failures;
}
