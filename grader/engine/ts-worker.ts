/**
 * The worker thread that reads a submission's files before they run, each request held to a limit
 * of CPU time (limited-worker.ts): the screen of one file (screen.ts, screener.ts), their
 * compilation with esbuild (transpile.ts, compiler.ts) and the type check (typecheck.ts,
 * type-checker.ts), which runs beside the graded tests instead of holding up the process that
 * drives them. A grading call asks one worker for all three in turn, so it loads TypeScript once.
 * The worker keeps the library's parsed files between type checks: the notebook judge's second
 * check of a file checks it in a fraction of the first one's time.
 */
import { serveRequests } from "./limited-worker";
import { procStat } from "./proc-stat";
import { screenFile } from "./screen";
import { trace, tracing } from "./trace";
import { transpile, type TranspileJob } from "./transpile";
import { typeErrorsMany, type CompileInput } from "./typecheck";

serveRequests({
  screen: screenFile,
  /** The failed jobs, by their place in `jobs`, with esbuild's messages. */
  async compile({ root, jobs }: { root: string; jobs: TranspileJob[] }): Promise<[number, string[]][]> {
    const failures = await transpile(root, jobs);
    return jobs.flatMap((job, i) => (failures.has(job) ? [[i, failures.get(job)!] as [number, string[]]] : []));
  },
  check(inputs: CompileInput[]): [string, string[]][][] {
    const result = typeErrorsMany(inputs).map((errors) => [...errors]);
    if (tracing()) trace(`type check of ${inputs.length} submission(s) done; its thread has used ${((procStat("thread-self")?.cpuMs ?? NaN) / 1000).toFixed(2)} CPU-s`);
    return result;
  },
});
