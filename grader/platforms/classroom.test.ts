/**
 * The deprecated GitHub Classroom grading step, run the way the workflow runs it (grade.sh from a
 * grader copy, a student repository beside it), with a stand-in grader; and the workflow
 * template's wiring between the grading step and the reporter.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runnerWorkspace } from "../fixtures/fake-grader";
import type { ClassroomResult } from "./classroom/run";

const HERE = dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A runner workspace: grader-copy/ (a full private checkout look-alike) and submission/. */
function workspace(submission: Record<string, string>): string {
  const ws = runnerWorkspace("rl-classroom-", submission);
  dirs.push(ws);
  return ws;
}

function grade(ws: string, submissionDir = "submission", env: Record<string, string> = { RL_CLASSROOM_THROWAWAY_COPY: "1" }) {
  const output = join(ws, "github_output");
  const summary = join(ws, "step_summary");
  const run = spawnSync("bash", ["grader-copy/grader/platforms/classroom/grade.sh", submissionDir], {
    cwd: ws,
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  const line = existsSync(output) ? readFileSync(output, "utf8").split("\n").find((l) => l.startsWith("result=")) : undefined;
  const result = line ? (JSON.parse(Buffer.from(line.slice("result=".length), "base64").toString("utf8")) as ClassroomResult & { secret?: boolean }) : undefined;
  return { run, result, summary: existsSync(summary) ? readFileSync(summary, "utf8") : "" };
}

describe("classroom grade.sh", () => {
  it("publishes the reporter's base64 result for the student's exercise files only", () => {
    const ws = workspace({ "exercises/01-alpha.ts": "full", "exercises/02-beta.ts": "half", "grader/cli.ts": "forged" });
    const { run, result, summary } = grade(ws);
    expect(run.status).toBe(0);
    expect(result).toMatchObject({ version: 1, status: "fail", max_score: 20, secret: true });
    expect(result!.tests.map((t) => [t.status, t.score])).toEqual([["pass", 10], ["fail", 5]]);
    expect(summary).toContain("## Replication Lab: 15 / 20 points");
    expect(summary).toContain("Graded files: exercises/01-alpha.ts, exercises/02-beta.ts.");
  });

  it("removes solutions, variants, the secret file and history from the copy before student code runs", () => {
    const ws = workspace({ "exercises/01-alpha.ts": "full" });
    grade(ws);
    const copy = join(ws, "grader-copy");
    for (const gone of ["solutions", "grader/variants", "notebooks", ".git", "grader/.secret"]) {
      expect(existsSync(join(copy, gone)), gone).toBe(false);
    }
    expect(existsSync(join(copy, "grader/cli.ts"))).toBe(true);
    expect(existsSync(join(copy, "exercises/01-alpha.ts"))).toBe(true);
  });

  it("publishes an error result that says why when grading cannot start", () => {
    const ws = workspace({});
    const { run, result } = grade(ws, "no-such-folder");
    expect(run.status).toBe(0);
    expect(result).toMatchObject({ status: "error", max_score: 0 });
    expect(result!.tests[0].message).toContain("the submission folder no-such-folder does not exist");
  });

  it("publishes an error result when the grader crashes", () => {
    const ws = workspace({ "exercises/01-alpha.ts": "crash" });
    const { result } = grade(ws);
    expect(result!.status).toBe("error");
    expect(result!.tests[0].message).toContain("boom: the grader crashed on 01-alpha");
  });

  it("refuses to prune a copy outside GitHub Actions unless told it is throw-away", () => {
    const ws = workspace({ "exercises/01-alpha.ts": "full" });
    const { run } = grade(ws, "submission", {});
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("set RL_CLASSROOM_THROWAWAY_COPY=1");
    expect(existsSync(join(ws, "grader-copy/solutions/01-alpha.ts"))).toBe(true);
  });
});

describe("classroom.yml", () => {
  const yml = readFileSync(resolve(HERE, "classroom/classroom.yml"), "utf8");

  it("hands the grading step's result to the reporter under the variable name the reporter reads", () => {
    const stepId = /\n\s+id: ([\w-]+)\n/.exec(yml)?.[1];
    expect(stepId).toBe("replication-lab");
    // The reporter reads process.env[`${runner.toUpperCase()}_RESULTS`] for each listed runner.
    expect(yml).toContain(`${stepId!.toUpperCase()}_RESULTS: "\${{ steps.${stepId}.outputs.result }}"`);
    expect(yml).toMatch(new RegExp(`runners: ${stepId}\\n`));
  });

  it("grades with the fetched copy's script and never runs anything from the student's checkout", () => {
    expect(yml).toContain("run: bash grader-copy/grader/platforms/classroom/grade.sh submission");
    const runLines = yml.split("\n").filter((l) => /^\s+run: /.test(l) || /^\s{10}\S/.test(l));
    expect(runLines.filter((l) => /submission\//.test(l))).toEqual([]);
    expect(yml).toMatch(/path: submission\n/);
  });
});
