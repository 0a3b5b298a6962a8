/**
 * Gradescope's per-submission step (called by run_autograder, as root).
 *
 * 1. Takes only the exercise files from /autograder/submission (loose, in exercises/, or in a
 *    nested repository folder) into a fresh folder; missing exercises get the untouched stub.
 * 2. Runs the grader from the pristine copy in /autograder/source/app as an unprivileged user
 *    when it can, with the hidden-seed secret passed in its environment.
 * 3. Writes /autograder/results/results.json itself, atomically: the file comes from this
 *    process, never from the grading run's working files.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { collectSubmission, describeCollection, exerciseFileNames, stageSubmission } from "../collect";
import { tail } from "../report";
import { runProcess } from "../run-process";

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

interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** The unprivileged account to grade as, or null when this process cannot switch (not root, no such user). */
function gradingAccount(name: string): Account | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
    return { name, uid, gid };
  } catch {
    return null;
  }
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
  writeFileSync(`${path}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export async function gradeSubmission(root: string): Promise<GradescopeResults> {
  const started = process.hrtime.bigint();
  const app = join(root, "source/app");
  const submission = join(root, "submission");
  const names = exerciseFileNames(app);
  const collected = collectSubmission(submission, names);
  const notes = describeCollection(collected, submission);

  const work = mkdtempSync(join(tmpdir(), "rl-gradescope-"));
  const target = join(work, "exercises");
  const outDir = join(work, "out");
  const home = join(work, "home");
  stageSubmission(collected, target, join(app, "exercises"));
  mkdirSync(outDir);
  mkdirSync(home);

  const account = gradingAccount(process.env.RL_GRADER_USER ?? "rlgrader");
  chmodSync(work, 0o755);
  if (account) {
    // The grading user may read the staged files and write only its output and home folders.
    for (const dir of [outDir, home]) chownSync(dir, account.uid, account.gid);
  }
  const secret = readSecret(app);
  const outFile = join(outDir, "results.json");
  const node = [process.execPath, join(app, "node_modules/tsx/dist/cli.mjs"), join(app, "grader/cli.ts"),
    "--target", target, "--format", "gradescope", "--out", outFile];
  const command = account ? ["runuser", "-u", account.name, "--", ...node] : node;
  // Leave run_autograder time to write results after this run is stopped.
  const budgetS = Number(process.env.RL_AUTOGRADER_TIMEOUT_S ?? 540);
  const limitS = Math.max(1, Math.round(budgetS - Math.min(30, budgetS / 4)));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: home,
    CI: "true",
    FORCE_COLOR: "0",
    ...(secret ? { RL_GRADER_SECRET: secret } : {}),
  };
  const run = await runProcess(command[0], command.slice(1), { cwd: app, env, timeoutMs: limitS * 1000 });

  let results: GradescopeResults;
  const header = [notes, account ? "" : "(Graded without switching to an unprivileged user.)"].filter(Boolean);
  try {
    if (run.timedOut) throw new Error(`grading took longer than ${limitS} s and was stopped; look for an exercise that never finishes`);
    if (!existsSync(outFile)) throw new Error(`the grader wrote no results (exit code ${run.exitCode})`);
    results = parseResults(readFileSync(outFile, "utf8"));
    if (results.output) header.push(results.output);
  } catch (error) {
    results = { score: 0, tests: [] };
    header.push(`Grading failed: ${(error as Error).message}`, tail(run.stderr || run.stdout));
  }
  results.output = header.join("\n\n");
  results.execution_time = Math.round(Number(process.hrtime.bigint() - started) / 1e9);
  rmSync(work, { recursive: true, force: true });
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
