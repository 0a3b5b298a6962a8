/**
 * How long grading one whole submission takes, cold: a fresh `npm run grade` process each time.
 *
 *   npm run bench:grader                      grade solutions/ 3 times, print wall and CPU time
 *   npm run bench:grader -- --runs 5 --target exercises
 *   npm run bench:grader -- --synthetic 8     the same on a copy of the project holding 8
 *                                             exercises (clones of 05), to see how it scales
 *
 * Wall time depends on what else the machine is doing; CPU time (the grader and everything it
 * started) much less, so both are printed. The target is 15 s wall on a 2-core machine.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { childCpuSeconds } from "./cpu";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

/** A copy of the project whose exercise set is `n` clones of exercise 05. */
function syntheticProject(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), "rl-bench-grader-"));
  for (const f of ["package.json", "tsconfig.json"]) cpSync(join(ROOT, f), join(dir, f));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  cpSync(join(ROOT, "lib"), join(dir, "lib"), { recursive: true });
  cpSync(join(ROOT, "grader"), join(dir, "grader"), {
    recursive: true,
    filter: (src) => !src.includes(`${join(ROOT, "grader", "exercises")}/`) || src.includes("05-leader-election.support"),
  });
  mkdirSync(join(dir, "exercises"));
  mkdirSync(join(dir, "solutions"));
  const test = readFileSync(join(ROOT, "grader/exercises/05-leader-election.test.ts"), "utf8");
  const meta = readFileSync(join(ROOT, "grader/exercises/05-leader-election.meta.json"), "utf8");
  for (let k = 1; k <= n; k++) {
    const name = `${String(k).padStart(2, "0")}-leader-election-copy`;
    cpSync(join(ROOT, "exercises/05-leader-election.ts"), join(dir, "exercises", `${name}.ts`));
    cpSync(join(ROOT, "solutions/05-leader-election.ts"), join(dir, "solutions", `${name}.ts`));
    writeFileSync(join(dir, "grader/exercises", `${name}.test.ts`), test.replace('"../../exercises/05-leader-election"', `"../../exercises/${name}"`));
    writeFileSync(join(dir, "grader/exercises", `${name}.meta.json`), meta);
  }
  return dir;
}

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { runs: { type: "string", default: "3" }, target: { type: "string", default: "solutions" }, synthetic: { type: "string" } },
  });
  const runs = Number(values.runs);
  const project = values.synthetic ? syntheticProject(Number(values.synthetic)) : ROOT;
  const exercises = readdirSync(join(project, "grader/exercises")).filter((f) => f.endsWith(".test.ts")).length;
  const out = join(mkdtempSync(join(tmpdir(), "rl-bench-out-")), "report.json");
  console.log(`Grading ${values.target}/ (${exercises} exercises) ${runs} times, cold; ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`);
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuBefore = childCpuSeconds();
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [join(project, "node_modules/tsx/dist/cli.mjs"), join(project, "grader/cli.ts"),
      "--target", values.target!, "--format", "json", "--out", out], { cwd: project, encoding: "utf8" });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = childCpuSeconds() - cpuBefore;
    walls.push(wall);
    const report = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as { score: number; maxScore: number }) : undefined;
    const score = report ? `${report.score}/${report.maxScore}` : `no report (${run.stderr.trim().slice(-300)})`;
    console.log(`run ${i + 1}: ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU, score ${score}`);
  }
  walls.sort((a, b) => a - b);
  console.log(`median ${walls[Math.floor(walls.length / 2)].toFixed(1)} s wall (min ${walls[0].toFixed(1)} s, max ${walls[walls.length - 1].toFixed(1)} s)`);
  if (project !== ROOT) rmSync(project, { recursive: true, force: true });
}

main();
