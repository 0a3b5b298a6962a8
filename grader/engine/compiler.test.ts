import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { compileLimited } from "./compiler";
import { libBundle } from "./lib-bundle";
import { LimitedWorker, tsWorkerScript } from "./limited-worker";
import type { TranspileJob } from "./transpile";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const work = mkdtempSync(join(tmpdir(), "rl-compiler-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A staged folder (beside a link to the library, as grading stages one) with `files`. */
function staged(name: string, files: Record<string, string>): TranspileJob[] {
  const job = join(work, name);
  const stageDir = join(job, "exercises");
  mkdirSync(stageDir, { recursive: true });
  mkdirSync(join(job, "build"), { recursive: true });
  symlinkSync(join(root, "lib"), join(job, "lib"), "dir");
  return Object.entries(files).map(([file, text]) => {
    writeFileSync(join(stageDir, `${file}.ts`), text);
    return { source: join(stageDir, `${file}.ts`), out: join(job, "build", `${file}.mjs`), displayDir: name, stageDir };
  });
}

const solution = (name: string) => readFileSync(join(root, "solutions", `${name}.ts`), "utf8");

describe("compiling in the worker thread, held to a limit of CPU time", () => {
  test("a file esbuild takes too long over scores zero alone, saying why; the others compile, or fail with their own messages", async () => {
    // Typed arrow functions nested 900 deep, twelve times: 20 CPU-s of esbuild on the project's
    // machine, against limits of 300 ms here.
    const slow = readFileSync(join(root, "grader/fixtures/05-slow-to-compile.ts.txt"), "utf8");
    const jobs = staged("alice", {
      "05-leader-election": solution("05-leader-election"),
      "06-fencing": slow,
      "02-data-loss-window": "export const broken = (;\n",
      "07-detector-timeout": solution("07-detector-timeout"),
    });
    const script = tsWorkerScript(await libBundle(root));
    expect(script, "the precompiled modules (npm run setup builds them)").toBeDefined();
    const worker = new LimitedWorker(script!);
    try {
      const failures = await compileLimited(worker, root, jobs, 600_000, { allMs: 300, aloneMs: 300 });
      expect([...failures.keys()].map((j) => j.source)).toEqual([jobs[1].source, jobs[2].source]);
      expect(failures.get(jobs[1])).toEqual({
        notCompiled:
          "could not be compiled in time: esbuild used more than 300 ms of CPU time compiling it (an exercise file takes it a few dozen milliseconds; arrow functions nested hundreds deep, or long chains of < comparisons, make its parser try each one both ways)",
      });
      expect((failures.get(jobs[2]) as string[]).join("\n")).toMatch(/^alice\/02-data-loss-window\.ts:1:\d+: /);
      for (const i of [0, 3]) expect(existsSync(jobs[i].out), jobs[i].out).toBe(true);
      // The worker, stopped with its esbuild, starts again for the next request.
      const again = await compileLimited(worker, root, staged("bob", { "05-leader-election": solution("05-leader-election") }), 600_000);
      expect(again.size).toBe(0);
    } finally {
      worker.close();
    }
  }, 180_000);

  test("without the precompiled worker, compiles in this thread with the same results for ordinary files", async () => {
    const jobs = staged("carol", { "05-leader-election": solution("05-leader-election"), "02-data-loss-window": "export const broken = (;\n" });
    const failures = await compileLimited(undefined, root, jobs, 600_000);
    expect([...failures.keys()]).toEqual([jobs[1]]);
    expect((failures.get(jobs[1]) as string[]).join("\n")).toMatch(/^carol\/02-data-loss-window\.ts:1:\d+: /);
    expect(existsSync(jobs[0].out)).toBe(true);
  }, 60_000);
});
