/**
 * The GitHub Actions workflow (github-actions/replication-lab.yml), step by step on this machine:
 * the grading step exactly as the workflow runs it (grade.sh from a grader copy, the student's
 * repository beside it, GitHub's environment files), the outputs it writes, and the workflow's
 * own shell steps (fetching the autograder zip, posting the check run) run against a local
 * stand-in for GitHub's servers. What cannot run here: GitHub itself (the runner, the
 * checkout/setup-node/upload-artifact actions, the real check-runs API).
 */
import { spawn, spawnSync } from "node:child_process";
import { createServer, type IncomingMessage } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runnerWorkspace, writeFileIn as write } from "../fixtures/fake-grader";
import { makeGradingCopy } from "../fixtures/grading-copy";
import { CHECK_RUN_NAME, CHECK_RUN_SUMMARY_MAX, checkRunPayload, type CheckRunPayload } from "./github-actions/run";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const SHA = "0123456789abcdef0123456789abcdef01234567";
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A runner workspace: grader-copy/ (a private checkout look-alike) and submission/ (the student's repository). */
function workspace(submission: Record<string, string>, copy?: (dir: string) => string): string {
  const ws = runnerWorkspace("rl-actions-", submission, copy);
  dirs.push(ws);
  return ws;
}

interface Graded {
  status: number | null;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  report?: { score: number; maxScore: number; notes: string; commit: string; hiddenSeeds?: string; error?: string; exercises: { id: string; score: number }[] };
  payload?: CheckRunPayload;
}

/** Runs the workflow's Grade step: `bash grader-copy/…/grade.sh submission "$REPORT_DIR"`, in GitHub's environment. */
function grade(ws: string, env: Record<string, string> = { RL_THROWAWAY_COPY: "1" }, submission = "submission"): Graded {
  const reportDir = join(ws, "replication-lab-report");
  const files = { GITHUB_OUTPUT: join(ws, "github_output"), GITHUB_STEP_SUMMARY: join(ws, "step_summary") };
  const run = spawnSync("bash", ["grader-copy/grader/platforms/github-actions/grade.sh", submission, reportDir], {
    cwd: ws,
    env: { PATH: process.env.PATH, GITHUB_SHA: SHA, GITHUB_REPOSITORY: "course/lab-alice", ...files, ...env },
    encoding: "utf8",
    timeout: 300_000,
  });
  const read = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : "");
  const outputs = Object.fromEntries(
    read(files.GITHUB_OUTPUT)
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const json = (name: string) => (existsSync(join(reportDir, name)) ? JSON.parse(read(join(reportDir, name))) : undefined);
  return { status: run.status, stderr: run.stderr, summary: read(files.GITHUB_STEP_SUMMARY), outputs, report: json("report.json"), payload: json("check-run.json") };
}

describe("the Grade step (grade.sh and run.ts)", () => {
  it("grades only the student's exercise files and writes the report, the job summary and the check run", () => {
    const ws = workspace({
      "exercises/01-alpha.ts": "full",
      "exercises/02-beta.ts": "half",
      "grader/cli.ts": "forged: a student's own grader is never run",
      "grader/exercises/02-beta.test.ts": "forged: a student's own tests are never run",
    });
    const { status, stderr, summary, outputs, report, payload } = grade(ws);
    expect(status, stderr).toBe(0);
    expect(report).toMatchObject({ score: 15, maxScore: 20, commit: SHA, hiddenSeeds: "secret" });
    expect(report!.notes).toBe("Graded files: exercises/01-alpha.ts, exercises/02-beta.ts.");
    // The job summary: the score, what was graded, a Markdown table of the exercises.
    expect(summary).toContain("## Replication Lab: 15 / 20 points");
    expect(summary).toContain("Graded files: exercises/01-alpha.ts, exercises/02-beta.ts.");
    expect(summary).toContain("| | exercise | points |\n|---|---|---|\n| ✅ | 01 Exercise 01-alpha | 10 / 10 |\n| 🟡 | 02 Exercise 02-beta | 5 / 10 |");
    expect(readFileSync(join(ws, "replication-lab-report/summary.md"), "utf8")).toBe(summary);
    // The check run: GitHub's "create a check run" body, the score as its title.
    expect(payload).toEqual({
      name: CHECK_RUN_NAME,
      head_sha: SHA,
      status: "completed",
      conclusion: "failure",
      output: { title: "15 / 20 points", summary },
    });
    expect(outputs).toEqual({ score: "15", "max-score": "20", conclusion: "failure", "check-run": join(ws, "replication-lab-report/check-run.json") });
  });

  it("concludes success only at full marks", () => {
    const ws = workspace({ "exercises/01-alpha.ts": "full", "exercises/02-beta.ts": "full" });
    const { payload } = grade(ws);
    expect(payload).toMatchObject({ conclusion: "success", output: { title: "20 / 20 points" } });
  });

  it("removes solutions, variants, the secret file and history from the copy before student code runs", () => {
    const ws = workspace({ "exercises/01-alpha.ts": "full" });
    grade(ws);
    const copy = join(ws, "grader-copy");
    for (const gone of ["solutions", "grader/variants", ".git", "grader/.secret"]) expect(existsSync(join(copy, gone)), gone).toBe(false);
    expect(existsSync(join(copy, "grader/cli.ts"))).toBe(true);
  });

  it("still writes all three files when the grader crashes, saying why, with no score", () => {
    const ws = workspace({ "exercises/01-alpha.ts": "crash" });
    const { status, summary, outputs, report, payload } = grade(ws);
    expect(status).toBe(0);
    expect(summary).toContain("## Replication Lab: not graded");
    expect(summary).toContain("boom: the grader crashed on 01-alpha");
    expect(report).toMatchObject({ score: 0, maxScore: 0, exercises: [] });
    expect(report!.error).toContain("the grader wrote no report (exit code 3)");
    expect(payload).toMatchObject({ conclusion: "failure", output: { title: "not graded: the grader produced no report" } });
    expect(outputs.score).toBe("");
  });

  it("fails the step and says why in the job summary when grading cannot start", () => {
    const ws = workspace({});
    const { status, summary, payload } = grade(ws, { RL_THROWAWAY_COPY: "1" }, "no-such-folder");
    expect(status).toBe(1);
    expect(summary).toContain("## Replication Lab: not graded\n\nthe submission folder no-such-folder does not exist");
    expect(payload).toBeUndefined();
  });

  it("refuses to prune a copy outside GitHub Actions unless told it is throw-away", () => {
    const ws = workspace({ "exercises/01-alpha.ts": "full" });
    const { status, stderr } = grade(ws, {});
    expect(status).toBe(2);
    expect(stderr).toContain("set RL_THROWAWAY_COPY=1");
    expect(existsSync(join(ws, "grader-copy/solutions/01-alpha.ts"))).toBe(true);
  });

  it("grades with the real grader: the score of the pristine tests, whatever tests the student edited", () => {
    const ws = workspace(
      {
        "exercises/05-leader-election.ts": readFileSync(join(ROOT, "solutions/05-leader-election.ts"), "utf8"),
        // A student who "fixes" the tests so that everything passes, and adds points.
        "grader/exercises/05-leader-election.test.ts": 'import { graded } from "../graded";\ngraded({ name: "free points", points: 1000, visibility: "public" }, async () => {});\n',
      },
      makeGradingCopy,
    );
    const { status, report, payload } = grade(ws);
    expect(status, JSON.stringify(report)).toBe(0);
    const five = report!.exercises.find((e) => e.id === "05") as unknown as { score: number; maxScore: number; tests: { name: string }[] };
    expect(five.score).toBe(five.maxScore);
    expect(five.tests.map((t) => t.name)).not.toContain("free points");
    expect(report!.exercises.filter((e) => e.id !== "05").every((e) => e.score === 0)).toBe(true);
    expect(payload!.output.title).toBe(`${report!.score} / ${report!.maxScore} points`);
    expect(report!.maxScore).toBeLessThan(1000);
  }, 300_000);
});

describe("checkRunPayload", () => {
  it("keeps the summary within GitHub's 65,535 characters and says where the rest is", () => {
    const long = "x".repeat(CHECK_RUN_SUMMARY_MAX + 500);
    const payload = checkRunPayload({ notes: "", failure: "x" }, long, SHA);
    expect(payload.output.summary.length).toBe(CHECK_RUN_SUMMARY_MAX);
    expect(payload.output.summary).toMatch(/replication-lab-report artifact\)_$/);
  });
});

interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string | boolean | number>;
}

describe("replication-lab.yml", () => {
  const workflow = parse(readFileSync(join(HERE, "github-actions/replication-lab.yml"), "utf8")) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: { grade: { env: Record<string, string>; steps: Step[] } };
  };
  const steps = workflow.jobs.grade.steps;
  const step = (name: string): Step => steps.find((s) => s.name === name)!;

  it("runs on every push with the permissions a check run needs and no more", () => {
    expect(Object.keys(workflow.on)).toEqual(["push", "workflow_dispatch"]);
    expect(workflow.permissions).toEqual({ contents: "read", checks: "write" });
  });

  it("grades with the fetched copy's script and never runs anything from the student's checkout", () => {
    expect(step("Check out the submission").with).toMatchObject({ path: "submission", "persist-credentials": false });
    expect(step("Grade").run).toBe('bash grader-copy/grader/platforms/github-actions/grade.sh submission "$REPORT_DIR"');
    for (const s of steps) expect(s.run ?? "", s.name).not.toMatch(/submission\//);
  });

  it("puts no ${{ }} expression inside a shell script (values reach scripts through env only)", () => {
    for (const s of steps) expect(s.run ?? "", s.name).not.toContain("${{");
  });

  it("uploads the folder the Grade step writes and posts the payload the Grade step names", () => {
    expect(workflow.jobs.grade.env.REPORT_DIR).toBe("${{ github.workspace }}/replication-lab-report");
    expect(step("Upload the report")).toMatchObject({ if: "always()", with: { name: "replication-lab-report", path: "${{ env.REPORT_DIR }}" } });
    const post = step("Post the score as a check run");
    expect(post.if).toBe("always() && steps.grade.outputs.check-run != ''");
    expect(post.env).toEqual({ GH_TOKEN: "${{ github.token }}", PAYLOAD: "${{ steps.grade.outputs.check-run }}" });
    expect(steps.findIndex((s) => s.id === "grade")).toBeLessThan(steps.indexOf(post));
  });

  /** Runs a step's shell script as the runner would (bash -e), with the step's env filled in by `env`. */
  function runStep(s: Step, cwd: string, env: Record<string, string>) {
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn("bash", ["-e", "-c", s.run!], { cwd, env: { PATH: process.env.PATH, ...env } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c));
      child.stderr.on("data", (c: Buffer) => (stderr += c));
      child.on("close", (status) => done({ status, stdout, stderr }));
    });
  }

  /** A local stand-in for a GitHub endpoint: answers `reply` and records each request. */
  async function server(reply: (req: IncomingMessage, body: Buffer) => { status: number; body: Buffer | string }) {
    const requests: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: Buffer }[] = [];
    const srv = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        requests.push({ method: req.method, url: req.url, headers: req.headers, body });
        const answer = reply(req, body);
        res.writeHead(answer.status).end(answer.body);
      });
    });
    await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    return { url, requests, close: () => new Promise<void>((ok) => srv.close(() => ok())) };
  }

  it("posts check-run.json to the check-runs endpoint with the job's token", async () => {
    const ws = tempDir("rl-actions-post-");
    const payload = checkRunPayload({ notes: "" }, "## Replication Lab: not graded", SHA);
    write(join(ws, "check-run.json"), JSON.stringify(payload));
    const api = await server(() => ({ status: 201, body: "{}" }));
    try {
      const run = await runStep(step("Post the score as a check run"), ws, {
        GH_TOKEN: "ghs_job-token",
        PAYLOAD: join(ws, "check-run.json"),
        GITHUB_API_URL: api.url,
        GITHUB_REPOSITORY: "course/lab-alice",
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain("Posted the check run: not graded: the grader produced no report");
      expect(api.requests).toHaveLength(1);
      const [request] = api.requests;
      expect(request).toMatchObject({ method: "POST", url: "/repos/course/lab-alice/check-runs" });
      expect(request.headers.authorization).toBe("Bearer ghs_job-token");
      expect(JSON.parse(request.body.toString("utf8"))).toEqual(payload);
    } finally {
      await api.close();
    }
  });

  it("fails the step when GitHub refuses the check run", async () => {
    const ws = tempDir("rl-actions-post-");
    write(join(ws, "check-run.json"), "{}");
    const api = await server(() => ({ status: 403, body: '{"message":"Resource not accessible by integration"}' }));
    try {
      const run = await runStep(step("Post the score as a check run"), ws, { GH_TOKEN: "t", PAYLOAD: join(ws, "check-run.json"), GITHUB_API_URL: api.url, GITHUB_REPOSITORY: "o/r" });
      expect(run.status).not.toBe(0);
    } finally {
      await api.close();
    }
  });

  it("fetches the autograder zip with the bearer token and unpacks its app/ as grader-copy/", async () => {
    const ws = tempDir("rl-actions-zip-");
    const runnerTemp = join(ws, "runner-temp");
    mkdirSync(runnerTemp);
    const zip = Buffer.from(zipSync({ "app/grader/cli.ts": Buffer.from("// the grader"), "setup.sh": Buffer.from("") }));
    const host = await server((req) => (req.headers.authorization === "Bearer zip-token" ? { status: 200, body: zip } : { status: 401, body: "" }));
    try {
      const fetchStep = step("Fetch the pristine grader (autograder zip)");
      const run = await runStep(fetchStep, ws, { ZIP_URL: `${host.url}/autograder.zip`, ZIP_TOKEN: "zip-token", RUNNER_TEMP: runnerTemp });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(join(ws, "grader-copy/grader/cli.ts"), "utf8")).toBe("// the grader");
      const missing = await runStep(fetchStep, tempDir("rl-actions-zip-"), { ZIP_URL: "", RUNNER_TEMP: runnerTemp });
      expect(missing.status).toBe(1);
      expect(missing.stdout).toContain("::error::No grader source: set the variable RL_GRADER_REPO or the secret RL_GRADER_ZIP_URL");
    } finally {
      await host.close();
    }
  });
});
