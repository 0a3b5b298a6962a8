/**
 * The library and the graded tests' helpers, compiled once for the test workers.
 *
 * Every graded test imports lib/ (the simulator, the checkers), grader/graded.ts, the sandbox
 * client, the search helpers and its exercise's support file. Left to vitest, each test file would transform that
 * TypeScript again and evaluate it module by module through vite's module runner: in a batch, a
 * second of CPU per submission spent on the same code. Instead the scorer compiles it with esbuild
 * into plain ES modules, one output file per source file (with shared chunks, so every module
 * keeps one instance), and the test workers load those with Node's own loader (run-vitest.ts
 * redirects imports to them). Only the test files themselves are transformed by vitest. The type
 * check's and the screen's worker (ts-worker.ts) is built here too.
 *
 * The output lives in node_modules/.cache/ (build-cache.ts), where the compiled code still finds
 * the project's packages. When it cannot be built (no esbuild), grading goes on without it, only
 * slower.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { cachedBuild } from "./build-cache";
import { trace } from "./trace";

/**
 * What is precompiled, sorted: lib/'s TypeScript (tests left out), the graded tests' side of the
 * grader (graded.ts, seeds.ts, student.ts, settings.ts and the sandbox client), the exercises'
 * support files (grader/exercises/*.ts but the tests), the search helpers they and the tests share
 * (grader/search/), and TypeScript's worker (the screen, the type check and the compiler, which asks
 * for the sandbox runtime: runtime.ts). Every module they import
 * is listed too: the build's name comes from these files' contents.
 */
export function sources(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (isSource(name)) found.push(path);
    }
  };
  walk(join(root, "lib"));
  found.push(
    ...["client.ts", "spawn.ts", "wire.ts", "protocol.ts", "launch.ts", "permission.ts", "printed.ts", "runtime.ts"].map((f) => join(root, "grader", "sandbox", f)),
    ...["graded.ts", "graded-defaults.ts", "seeds.ts", "student.ts", "settings.ts"].map((f) => join(root, "grader", f)),
    ...["typecheck.ts", "ts-worker.ts", "declarations.ts", "build-cache.ts", "typescript.ts", "trace.ts", "esbuild-node.mjs", "proc-stat.ts", "limited-worker.ts", "screen.ts", "transpile.ts"].map((f) => join(root, "grader", "engine", f)),
  );
  for (const folder of ["exercises", "search"]) {
    const dir = join(root, "grader", folder);
    for (const name of readdirSync(dir).sort()) if (isSource(name)) found.push(join(dir, name));
  }
  return found.filter((path) => existsSync(path));
}

function isSource(name: string): boolean {
  return name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts");
}

/**
 * The folder of the precompiled ES modules, laid out like the project (`<folder>/lib/sim.mjs` for
 * lib/sim.ts, and so on), built if needed; undefined when it cannot be built (the reason goes to
 * the trace).
 */
export async function libBundle(root: string): Promise<string | undefined> {
  try {
    const files = sources(root);
    return await cachedBuild(root, {
      kind: "lib",
      sources: files,
      marker: join("lib", "index.mjs"),
      format: "3",
      temporaryFallback: false,
      options: { entryPoints: files, outbase: root },
    });
  } catch (error) {
    trace(`lib/ not precompiled (${(error as Error).message.split("\n")[0]}); the test workers compile it themselves`);
    return undefined;
  }
}
