/**
 * Gradescope's per-submission step (called by run_autograder, as root).
 *
 * 1. Takes only the exercise files from /autograder/submission (loose, in exercises/, or in a
 *    nested repository folder) into a fresh folder; a missing exercise scores zero, its message naming any file that looks like it.
 * 2. Runs the grader from the pristine copy in /autograder/source/app as an unprivileged user
 *    when it can, with the hidden-seed secret passed in its environment.
 * 3. Writes /autograder/results/results.json itself, atomically: the file comes from this
 *    process, never from the grading run's working files.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gradeUpload } from "../grade-upload";
import { gradingAccount } from "../grading-account";
import { writeWhole } from "../../write-whole";

interface GradescopeTest {
  name?: string;
  score?: number;
  max_score?: number;
  status?: string;
  output?: string;
  visibility?: string;
}

interface GradescopeResults {
  score?: number;
  execution_time?: number;
  output?: string;
  tests: GradescopeTest[];
  [field: string]: unknown;
}

function readSecret(app: string): string | undefined {
  if (process.env.RL_GRADER_SECRET) return process.env.RL_GRADER_SECRET;
  const file = join(app, "grader/.secret");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

function parseResults(text: string): GradescopeResults {
  const data = JSON.parse(text) as GradescopeResults;
  if (data === null || typeof data !== "object" || !Array.isArray(data.tests)) {
    throw new Error("the grader's Gradescope results have no tests array");
  }
  return data;
}

function writeResults(resultsDir: string, results: GradescopeResults): void {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, "results.json");
  writeWhole(path, `${JSON.stringify(results, null, 2)}\n`);
}

export async function gradeSubmission(root: string): Promise<GradescopeResults> {
  const started = process.hrtime.bigint();
  const app = join(root, "source/app");
  const account = gradingAccount(process.env.RL_GRADER_USER ?? "rlgrader");
  const secret = readSecret(app);
  // Leave run_autograder time to write results after this run is stopped.
  const budgetS = Number(process.env.RL_AUTOGRADER_TIMEOUT_S ?? 540);
  const limitS = Math.max(1, Math.round(budgetS - Math.min(30, budgetS / 4)));
  const graded = await gradeUpload({
    graderRoot: app,
    submissionDir: join(root, "submission"),
    format: "gradescope",
    timeoutMs: limitS * 1000,
    account,
    env: { PATH: process.env.PATH, ...(secret ? { RL_GRADER_SECRET: secret } : {}) },
    // Chosen when the zip was built (autograder.env); the grader's default otherwise.
    extraArgs: process.env.RL_HIDDEN_VISIBILITY ? ["--hidden-visibility", process.env.RL_HIDDEN_VISIBILITY] : [],
  });

  let results: GradescopeResults;
  const header = [graded.notes, account ? "" : "(Graded without switching to an unprivileged user.)"].filter(Boolean);
  try {
    if (graded.reportText === undefined) throw new Error(graded.failure);
    results = parseResults(graded.reportText);
    if (results.output) header.push(results.output);
  } catch (error) {
    results = { score: 0, tests: [] };
    header.push(`Grading failed: ${(error as Error).message}`);
  }
  results.output = header.join("\n\n");
  results.execution_time = Math.round(Number(process.hrtime.bigint() - started) / 1e9);
  return results;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--root");
  const root = resolve(i > 0 ? process.argv[i + 1] : (process.env.RL_AUTOGRADER_ROOT ?? "/autograder"));
  const results = await gradeSubmission(root);
  writeResults(join(root, "results"), results);
  process.stdout.write(`Score: ${results.score ?? "(from tests)"}\n${results.output ?? ""}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
