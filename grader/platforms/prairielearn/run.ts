/**
 * PrairieLearn's external-grading job (called by entrypoint.sh inside the grading image):
 *   tsx grader/platforms/prairielearn/run.ts [--root /grade]
 *
 * PrairieLearn lays the job out under /grade: the student's files in /grade/student, the course's
 * shared files in /grade/serverFilesCourse, the question's tests in /grade/tests, and expects
 * /grade/results/results.json (see grader/format/prairielearn.ts for its fields).
 *
 * 1. Takes only the exercise files from /grade/student (loose, in exercises/, or in a nested
 *    repository folder), for the exercises of RL_ONLY ("05"; a question sets it in its
 *    info.json), all when unset.
 * 2. Runs the grader from the pristine copy in the image as an unprivileged account when it can,
 *    with the hidden-seed secret from RL_GRADER_SECRET or the course's
 *    /grade/serverFilesCourse/replication-lab/secret file, which it then removes from the job.
 * 3. Writes /grade/results/results.json itself: a submission with no exercise file is not
 *    gradable (PrairieLearn counts no attempt), with the file it expected.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { prairieLearnResults, type PrairieLearnResults } from "../../format/prairielearn";
import type { GradeReport } from "../../engine/report";
import { exerciseFileNames } from "../collect";
import { gradeUpload } from "../grade-upload";
import { gradingAccount } from "../grading-account";
import { parseReport } from "../report";
import { writeWhole } from "../../write-whole";

/** Where a course keeps the hidden-seed secret among its serverFilesCourse files. */
export const SECRET_FILE = "serverFilesCourse/replication-lab/secret";

function takeSecret(root: string): string | undefined {
  if (process.env.RL_GRADER_SECRET?.trim()) return process.env.RL_GRADER_SECRET.trim();
  const file = join(root, SECRET_FILE);
  if (!existsSync(file)) return undefined;
  const secret = readFileSync(file, "utf8").trim() || undefined;
  // The job's copy: nothing of the student's runs before it is gone.
  rmSync(file, { force: true });
  return secret;
}

function expected(app: string, only: string[]): string[] {
  const names = exerciseFileNames(app);
  return only.length === 0 ? names : names.filter((f) => only.some((id) => f.startsWith(`${id}-`) || f === `${id}.ts`));
}

export async function gradeJob(root: string, app: string, env: NodeJS.ProcessEnv): Promise<PrairieLearnResults> {
  const only = (env.RL_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const budgetS = Number(env.RL_PL_TIMEOUT_S ?? 100);
  const graded = await gradeUpload({
    graderRoot: app,
    submissionDir: join(root, "student"),
    format: "json",
    only,
    skipWhenEmpty: true,
    // Leave entrypoint.sh time to write results after this run is stopped.
    timeoutMs: Math.max(1, Math.round(budgetS - Math.min(15, budgetS / 4))) * 1000,
    account: gradingAccount(env.RL_GRADER_USER ?? "rlgrader"),
    env: { PATH: env.PATH, ...((s) => (s ? { RL_GRADER_SECRET: s } : {}))(takeSecret(root)) },
  });
  if (graded.found.length === 0) {
    const files = expected(app, only);
    const wanted = files.length === 1 ? `a file named ${files[0]}` : `files named like ${files.slice(0, 3).join(", ")}`;
    const reason = `No exercise file was submitted: upload ${wanted} (your exercises/ file, unrenamed).`;
    return { gradable: false, message: reason, output: graded.notes, format_errors: [reason], tests: [] };
  }
  let report: GradeReport;
  try {
    if (graded.reportText === undefined) throw new Error(graded.failure);
    parseReport(graded.reportText);
    report = JSON.parse(graded.reportText) as GradeReport;
  } catch (error) {
    const reason = `The autograder could not grade this submission: ${(error as Error).message}`;
    return { gradable: false, message: "The autograder could not grade this submission; no attempt was counted.", output: `${graded.notes}\n\n${reason}`, format_errors: [reason], tests: [] };
  }
  const results = prairieLearnResults(report);
  results.output = [graded.notes, results.output].filter(Boolean).join("\n\n");
  return results;
}

function writeResults(root: string, results: PrairieLearnResults): void {
  // PrairieLearn does not create /grade/results.
  mkdirSync(join(root, "results"), { recursive: true });
  const path = join(root, "results", "results.json");
  writeWhole(path, `${JSON.stringify(results, null, 2)}\n`);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--root");
  const root = resolve(i > 0 ? process.argv[i + 1] : (process.env.RL_PL_ROOT ?? "/grade"));
  const app = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
  const results = await gradeJob(root, app, process.env);
  writeResults(root, results);
  process.stdout.write(`${results.gradable ? `score ${results.score}` : "not gradable"}: ${results.message}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
