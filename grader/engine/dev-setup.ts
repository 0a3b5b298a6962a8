/**
 * The global setup of `npx vitest run -c grader/vitest.config.ts`: the graded tests run against
 * exercises/ (or the folder in RL_TARGET) without the scorer, which helps while writing them. It
 * compiles the files as the scorer does and hands the tests their settings; hidden tests run on
 * random seeds.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { isolation } from "../sandbox/launch";
import { sandboxRuntime } from "../sandbox/runtime";
import { SETTINGS_KEY } from "../settings";
import { DEFAULTS } from "./grade";
import { transpile } from "./transpile";

export default async function setup(project: TestProject): Promise<() => void> {
  const root = project.config.root;
  const source = resolve(root, process.env.RL_TARGET ?? "exercises");
  const work = mkdtempSync(join(tmpdir(), "rl-graded-dev-"));
  const stageDir = join(work, "exercises");
  const buildDir = join(work, "build");
  mkdirSync(stageDir);
  mkdirSync(buildDir);
  symlinkSync(join(root, "lib"), join(work, "lib"), "dir");
  const names = readdirSync(source).filter((f) => /^\d{2}-[a-z0-9-]+\.ts$/.test(f));
  for (const name of names) copyFileSync(join(source, name), join(stageDir, name));
  const failures = await transpile(
    root,
    names.map((name) => ({ source: join(stageDir, name), out: join(buildDir, name.replace(/\.ts$/, ".mjs")), displayDir: "exercises", stageDir })),
  );
  for (const [job, errors] of failures) process.stderr.write(`${job.source} does not compile:\n${errors.join("\n")}\n`);
  project.provide(SETTINGS_KEY, {
    buildDir,
    sourceDir: stageDir,
    runtimeDir: await sandboxRuntime(root),
    isolation: isolation(),
    memoryMb: DEFAULTS.memoryMb,
    singleThreaded: false,
    exerciseCpuMs: DEFAULTS.exerciseTimeoutMs,
    publicOnly: false,
    seedKeys: {},
    showOutput: true,
  });
  return () => rmSync(work, { recursive: true, force: true });
}
