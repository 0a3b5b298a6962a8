/**
 * The library and the graded tests' helpers, compiled once for the test workers.
 *
 * Every graded test imports lib/ (the simulator, the checkers), grader/graded.ts and its
 * exercise's support file. Left to vitest, each submission's project would transform that
 * TypeScript again and evaluate it module by module through vite's module runner: in a batch, a
 * second of CPU per submission spent on the same code. Instead the scorer compiles it with esbuild
 * into plain ES modules, one output file per source file (with shared chunks, so every module
 * keeps one instance), and the test workers load those with Node's own loader
 * (grader/vitest.config.ts redirects imports to them). Only the test files and the student's own
 * files are still transformed per submission.
 *
 * The output lives in node_modules/.cache/, where the compiled code still finds the project's
 * packages, under a name derived from the sources' contents: edited sources are compiled afresh,
 * unchanged ones reused across grading calls. When it cannot be built (a read-only copy of the
 * grader, no esbuild), grading goes on without it, only slower.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { trace } from "./trace";

/** Bumped when the build's settings change, so older outputs are not reused. */
const FORMAT = "2";

/**
 * What is precompiled, sorted: lib/'s TypeScript (tests left out), grader/graded.ts and
 * grader/seeds.ts, and the exercises' support files (grader/exercises/*.ts but the tests).
 */
function sources(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (isSource(name)) found.push(path);
    }
  };
  walk(join(root, "lib"));
  found.push(join(root, "grader", "graded.ts"), join(root, "grader", "seeds.ts"));
  const exercises = join(root, "grader", "exercises");
  for (const name of readdirSync(exercises).sort()) if (isSource(name)) found.push(join(exercises, name));
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
    const hash = createHash("sha256").update(FORMAT);
    for (const file of files) hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
    const cache = join(root, "node_modules", ".cache", "replication-lab-grader");
    const out = join(cache, `lib-${hash.digest("hex").slice(0, 16)}`);
    const marker = join(out, "lib", "index.mjs");
    if (existsSync(marker)) return out;
    mkdirSync(cache, { recursive: true });
    const esbuild = await import("esbuild");
    // Built beside its final place and renamed, so a grading call running at the same time never
    // sees half a build.
    const scratch = mkdtempSync(join(cache, "building-"));
    await esbuild.build({
      entryPoints: files,
      outdir: scratch,
      outbase: root,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      logLevel: "silent",
    });
    try {
      renameSync(scratch, out);
    } catch {
      rmSync(scratch, { recursive: true, force: true }); // another call finished first: use its build
    }
    for (const name of readdirSync(cache)) {
      if (join(cache, name) !== out && name.startsWith("lib-")) rmSync(join(cache, name), { recursive: true, force: true });
    }
    trace(`precompiled lib/ and the graded tests' helpers into ${relative(root, out)}`);
    return existsSync(marker) ? out : undefined;
  } catch (error) {
    trace(`lib/ not precompiled (${(error as Error).message.split("\n")[0]}); the test workers compile it themselves`);
    return undefined;
  }
}
