/**
 * Grades one chunk of a batch in its own process:
 *   node grader/engine/launch.mjs grader/batch-worker.ts JOB.json   (compiled; or `tsx grader/batch-worker.ts JOB.json`)
 * JOB.json: { submissions: [{ id, dir }], out, only?, timeoutMs, maxWorkers, singleThreadedSandboxes? }. Writes to `out` a JSON
 * array of { id, report } in the same order.
 *
 * One grading call for many submissions shares the test runner's start-up and the compiler's
 * parsed library between them (see engine/grade.ts), which is what makes a class-sized batch fit
 * in minutes. Student code still runs only in the test runner's worker processes; this process
 * is the scorer. The batch runs chunks in separate processes so that a chunk whose grading dies
 * costs only its own submissions, which are then graded one by one.
 */
import { readFileSync } from "node:fs";
import { loadSecret, ROOT, runsAsScript } from "./project";
import { loadExercises, selectExercises } from "./engine/exercises";
import { gradeSubmissions } from "./engine/grade";
import type { GradeReport } from "./engine/report";
import { writeWhole } from "./write-whole";

export interface ChunkJob {
  /**
   * `dir`: the staged exercise files; `replayTarget`: the submission as the batch was given it
   * (a folder or a zip), which the reports' replay commands name; `lookAlikes`: exercise -> files
   * of the upload that look like its file, missing or there; `refused`: exercise -> why the
   * upload's file of that name was not taken; `uploadedAs`: exercise -> its file as uploaded.
   */
  submissions: { id: string; dir: string; replayTarget?: string; lookAlikes?: Record<string, string[]>; refused?: Record<string, string>; uploadedAs?: Record<string, string> }[];
  out: string;
  /** Grade only these exercises ("03-model-registry"), as the batch's `--only` chose them; default all. */
  only?: string[];
  /** Limit of the whole grading call. */
  timeoutMs: number;
  maxWorkers: number;
  /** Sandboxes without V8's helper threads (engine/grade.ts); default: with them. */
  singleThreadedSandboxes?: boolean;
}

export interface ChunkResult {
  id: string;
  report: GradeReport;
}

export async function gradeChunk(job: ChunkJob): Promise<ChunkResult[]> {
  const reports = await gradeSubmissions(
    job.submissions.map((s) => ({ dir: s.dir, display: "exercises", replayTarget: s.replayTarget, lookAlikes: s.lookAlikes, refused: s.refused, uploadedAs: s.uploadedAs })),
    {
      root: ROOT,
      exercises: selectExercises(loadExercises(ROOT), job.only ?? []),
      secret: loadSecret(ROOT),
      timeoutMs: job.timeoutMs,
      maxWorkers: job.maxWorkers,
      singleThreadedSandboxes: job.singleThreadedSandboxes === true,
    },
  );
  return job.submissions.map((s, i) => ({ id: s.id, report: reports[i] }));
}

/** Entry point (see engine/launch.mjs): grades the chunk of the job file argv[0], writes its results, returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const job = JSON.parse(readFileSync(argv[0], "utf8")) as ChunkJob;
  writeWhole(job.out, JSON.stringify(await gradeChunk(job)));
  return 0;
}

if (runsAsScript(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${(error as Error).stack ?? error}\n`);
      process.exit(1);
    },
  );
}
