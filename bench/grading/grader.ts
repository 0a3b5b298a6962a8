/**
 * How long grading takes, where students and courses wait for it:
 *
 *   npm run bench:grader                      every measurement below, 5 runs each
 *   npm run bench:grader -- --runs 3 --only check|grade
 *
 * - check(): `check("05")` (a pure function) and `check("01")` (a router, simulated) as a notebook
 *   calls them, from a process that loads the package like a notebook kernel does, on a copy of the
 *   project whose exercises/ holds the reference solutions (so the checks do the full work of a
 *   right answer). The first check of that process starts the grader's judge; the next ones find
 *   it warm. Before each check the file is edited (a comment added), as between a student's checks.
 * - grade: `npm run grade -- --target solutions`, a whole submission, cold (a fresh process each
 *   time, as Gradescope and `npm run grade` run it).
 *
 * Wall time depends on what else the machine is doing, CPU time much less: both are printed, with
 * the load average before each part, and the Node version (the grader runs on the Node that runs
 * this: newer ones grade faster, grader/SPEED.md). The last line is one JSON object with the medians
 * (checkFirstMs, checkWarmPureMs, checkWarmSimMs, gradeColdMs), for tracking. Targets on a 2-core
 * machine: a warm check at most 1 s (pure) and 2 s (simulated), the first at most 4 s, a whole
 * submission cold at most 10 s.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { childCpuSeconds } from "../cpu";

const USAGE = `npm run bench:grader [-- --runs N] [--only check|grade]

  --runs N          measurements of each kind (default 5); medians are reported
  --only check      only check() as a notebook calls it (first and warm)
  --only grade      only a whole submission graded cold
The last line is one JSON object: checkFirstMs, checkWarmPureMs, checkWarmSimMs, gradeColdMs.`;

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(" ");

/** A copy of the project whose exercises/ holds the reference solutions (dependencies linked, not copied). */
function projectWithSolutions(): string {
  if (!existsSync(join(ROOT, "solutions"))) throw new Error("bench:grader checks the reference solutions, and this copy has no solutions/ folder (a student release)");
  const dir = mkdtempSync(join(tmpdir(), "rl-bench-grader-"));
  for (const f of ["package.json", "tsconfig.json"]) cpSync(join(ROOT, f), join(dir, f));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  for (const folder of ["lib", "grader", "workbook"]) cpSync(join(ROOT, folder), join(dir, folder), { recursive: true, filter: (src) => !src.endsWith(".secret") });
  cpSync(join(ROOT, "solutions"), join(dir, "exercises"), { recursive: true });
  mkdirSync(join(dir, "notebooks"));
  return dir;
}

/**
 * What runs in the kernel-like process: the package as notebooks load it (dist/index.cjs), a
 * first check, then warm ones; it prints one JSON line of timings and the judge's CPU seconds.
 */
const KERNEL = String.raw`
const { appendFileSync, readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const lib = require(process.env.RL_BENCH_BUNDLE);
const runs = Number(process.env.RL_BENCH_RUNS);
const quiet = console.log;
console.log = () => {};
const now = () => Number(process.hrtime.bigint()) / 1e6;
let edits = 0;
// Before each check the exercise's file is edited, as a student does between checks, so that no
// result kept by the file's text (the judge keeps the type check's) stands in for the work.
function edit(id) {
  const dir = join(process.cwd(), "..", "exercises");
  const file = readdirSync(dir).find((f) => f.startsWith(id + "-") && f.endsWith(".ts"));
  appendFileSync(join(dir, file), "\n// edit " + ++edits + "\n");
}
async function time(id) {
  edit(id);
  const t = now();
  const r = await lib.check(id);
  if (r.score !== r.maxScore) throw new Error("check(" + id + ") gave " + r.score + "/" + r.maxScore + ": the copy's exercises/ should hold the solutions");
  return now() - t;
}
function judgeCpuSeconds() {
  // The judge is this process's child; its sandboxes are its children, counted once they end.
  try {
    const kids = readFileSync("/proc/" + process.pid + "/task/" + process.pid + "/children", "utf8").trim().split(/\s+/).filter(Boolean);
    let ticks = 0;
    for (const pid of kids) {
      const f = readFileSync("/proc/" + pid + "/stat", "utf8").split(") ")[1].split(" ");
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    }
    return ticks / 100;
  } catch { return NaN; }
}
(async () => {
  const first = await time("05");
  const cpuAfterFirst = judgeCpuSeconds();
  const pure = [], sim = [];
  for (let i = 0; i < runs; i++) pure.push(await time("05"));
  const cpuAfterPure = judgeCpuSeconds();
  for (let i = 0; i < runs; i++) sim.push(await time("01"));
  const cpuAfterSim = judgeCpuSeconds();
  quiet(JSON.stringify({ first, pure, sim, cpu: { first: cpuAfterFirst, pure: (cpuAfterPure - cpuAfterFirst) / runs, sim: (cpuAfterSim - cpuAfterPure) / runs } }));
  process.exit(0);
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + "\n"); process.exit(1); });
`;

interface CheckTimes {
  first: number;
  pure: number[];
  sim: number[];
  cpu: { first: number; pure: number; sim: number };
}

function benchChecks(runs: number): CheckTimes {
  const bundle = join(ROOT, "dist", "index.cjs");
  if (!existsSync(bundle)) throw new Error("dist/index.cjs is missing: run `npm run setup` (or `npm run build`) first");
  const project = projectWithSolutions();
  try {
    const script = join(project, "kernel.cjs");
    writeFileSync(script, KERNEL);
    console.log(`check(): a kernel-like process on a copy of the project with the solutions as exercises/; load average ${load()}`);
    const run = spawnSync(process.execPath, [script], {
      cwd: join(project, "notebooks"),
      env: { ...process.env, RL_BENCH_BUNDLE: bundle, RL_BENCH_RUNS: String(runs) },
      encoding: "utf8",
      timeout: 900_000,
    });
    if (run.status !== 0) throw new Error(`the kernel-like process failed: ${(run.stderr || run.stdout).trim().slice(-2000)}`);
    const times = JSON.parse(run.stdout.trim().split("\n").pop()!) as CheckTimes;
    console.log(`  first check("05"): ${(times.first / 1000).toFixed(2)} s (judge ${times.cpu.first.toFixed(1)} CPU-s, starting included)`);
    console.log(`  warm check("05"): ${times.pure.map((t) => (t / 1000).toFixed(2)).join(", ")} s; median ${(median(times.pure) / 1000).toFixed(2)} s, ${times.cpu.pure.toFixed(2)} CPU-s each`);
    console.log(`  warm check("01"): ${times.sim.map((t) => (t / 1000).toFixed(2)).join(", ")} s; median ${(median(times.sim) / 1000).toFixed(2)} s, ${times.cpu.sim.toFixed(2)} CPU-s each`);
    return times;
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

function benchGrade(runs: number, target: string): { walls: number[]; cpus: number[] } {
  const out = join(mkdtempSync(join(tmpdir(), "rl-bench-out-")), "report.json");
  console.log(`npm run grade -- --target ${target}: ${runs} times, cold; load average ${load()}`);
  const walls: number[] = [];
  const cpuList: number[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(out, { force: true });
    const cpuBefore = childCpuSeconds();
    const started = process.hrtime.bigint();
    // What `npm run grade` runs (package.json), without npm in front.
    const run = spawnSync(process.execPath, [join(ROOT, "grader/engine/launch.mjs"), "grader/cli.ts", "--target", target, "--format", "json", "--out", out], { cwd: ROOT, encoding: "utf8" });
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = childCpuSeconds() - cpuBefore;
    walls.push(wall);
    cpuList.push(cpu);
    const report = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as { score: number; maxScore: number }) : undefined;
    const score = report ? `${report.score}/${report.maxScore}` : `no report (${run.stderr.trim().slice(-300)})`;
    console.log(`  run ${i + 1}: ${(wall / 1000).toFixed(1)} s wall, ${cpu.toFixed(1)} CPU-s, score ${score}`);
  }
  console.log(`  median ${(median(walls) / 1000).toFixed(1)} s wall, ${median(cpuList).toFixed(1)} CPU-s`);
  return { walls, cpus: cpuList };
}

function main(): number {
  let values: { runs: string; target: string; only?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { runs: { type: "string", default: "5" }, target: { type: "string", default: "solutions" }, only: { type: "string" }, help: { type: "boolean" } },
    }));
  } catch (error) {
    console.error(`bench:grader: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1, got ${JSON.stringify(values.runs)}`);
  if (values.only !== undefined && values.only !== "check" && values.only !== "grade") throw new Error(`--only must be check or grade, got ${JSON.stringify(values.only)}`);
  const loadBefore = loadavg()[0];
  console.log(`bench:grader on ${cpus().length} cores, Node ${process.version}, load average ${load()}`);
  const checks = values.only === "grade" ? undefined : benchChecks(runs);
  const grade = values.only === "check" ? undefined : benchGrade(runs, values.target!);
  const summary = {
    cores: cpus().length,
    node: process.version,
    loadAverageBefore: Number(loadBefore.toFixed(2)),
    loadAverageAfter: Number(loadavg()[0].toFixed(2)),
    runs,
    ...(checks
      ? {
          checkFirstMs: Math.round(checks.first),
          checkWarmPureMs: Math.round(median(checks.pure)),
          checkWarmSimMs: Math.round(median(checks.sim)),
          checkFirstCpuS: Number(checks.cpu.first.toFixed(2)),
          checkWarmPureCpuS: Number(checks.cpu.pure.toFixed(2)),
          checkWarmSimCpuS: Number(checks.cpu.sim.toFixed(2)),
        }
      : {}),
    ...(grade ? { gradeColdMs: Math.round(median(grade.walls)), gradeColdCpuS: Number(median(grade.cpus).toFixed(2)), gradeTarget: values.target } : {}),
  };
  console.log(JSON.stringify(summary));
  return 0;
}

process.exit(main());
