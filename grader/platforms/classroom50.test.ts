/**
 * Classroom 50's autograder.py run the way its runner runs it (the student's checkout as the
 * working directory, ./result.json read afterwards), with the stand-in grader as the copy beside
 * it: what the student's repository holds under result.json's own name is never taken for the
 * result. instructor/classroom50.test.ts runs the package `npm run classroom50` builds with the
 * real grader.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { makeFakeGrader, writeFileIn } from "../fixtures/fake-grader";

const HERE = resolve(fileURLToPath(new URL(".", import.meta.url)));
/** The Python interpreter's own path (it is run below with a PATH that finds nothing), or "" without one. */
const PYTHON = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout?.trim() ?? "";
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** autograder.py beside a stand-in grader copy (app/), and a checkout holding `files`. */
function layout(files: Record<string, string>): { autograder: string; checkout: string } {
  const base = mkdtempSync(join(tmpdir(), "rl-classroom50-"));
  dirs.push(base);
  chmodSync(base, 0o755);
  makeFakeGrader(join(base, "autograder/app"));
  cpSync(join(HERE, "classroom50/autograder.py"), join(base, "autograder/autograder.py"));
  const checkout = join(base, "checkout");
  for (const [path, text] of Object.entries(files)) writeFileIn(join(checkout, path), text);
  return { autograder: join(base, "autograder/autograder.py"), checkout };
}

function autograde({ autograder, checkout }: { autograder: string; checkout: string }) {
  const run = spawnSync("python3", [autograder], { cwd: checkout, env: { PATH: process.env.PATH, HOME: process.env.HOME }, encoding: "utf8", timeout: 60_000 });
  const path = join(checkout, "result.json");
  return { run, result: existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { score: number }) : undefined };
}

describe.runIf(PYTHON !== "")("Classroom 50's autograder.py", () => {
  it("writes its result over a folder the repository holds under result.json's name", () => {
    const { run, result } = autograde(layout({ "exercises/01-alpha.ts": "full", "result.json/keep.txt": "a folder in the way" }));
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(result?.score).toBe(10);
  });

  it("leaves no result.json of the repository's behind when grading fails", () => {
    const forged = JSON.stringify({ schema: "classroom50/result/v1", score: 20, "max-score": 20, tests: [] });
    const { run, result } = autograde(layout({ "exercises/01-alpha.ts": "crash", "result.json": forged }));
    expect(run.status).toBe(1);
    expect(result).toBeUndefined();
  });
});

describe.runIf(PYTHON !== "")("Classroom 50's autograder.py, before anything can fail", () => {
  it("removes the repository's result.json even when grading cannot start", () => {
    const paths = layout({ "exercises/01-alpha.ts": "full", "result.json": JSON.stringify({ score: 20 }) });
    // No node on the PATH: autograder.py stops before grading.
    const run = spawnSync(PYTHON, [paths.autograder], { cwd: paths.checkout, env: { PATH: "/nonexistent" }, encoding: "utf8", timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(existsSync(join(paths.checkout, "result.json"))).toBe(false);
  });
});
