/**
 * The programs a sandbox runs (host.ts, and sim.ts for exercises that simulate a router), the
 * library as an exercise file imports it (lib.mjs, see transpile.ts), and the helper that starts
 * sandboxes (spawner.ts), built
 * once with esbuild into plain ES modules that Node loads without a TypeScript loader: a sandbox
 * then starts in a few dozen milliseconds and may read nothing but these files and the
 * submission's own compiled exercise.
 *
 * The build is kept in node_modules/.cache/ (build-cache.ts).
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { cachedBuild } from "../engine/build-cache";

/** The library module exercise files import in a sandbox, in the folder `sandboxRuntime` returned. */
export const LIB_MODULE = "lib.mjs";

/**
 * The folder holding host.mjs, sim.mjs, lib.mjs and spawner.mjs for the project at `root`, built if needed. Asked again
 * at every grading call, so a long-lived judge picks up an edited library (its sandboxes must run
 * the same simulator as its replays).
 */
export function sandboxRuntime(root: string): Promise<string> {
  return build(root);
}

function sources(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) found.push(path);
    }
  };
  walk(join(root, "lib"));
  walk(join(root, "grader", "sandbox"));
  return found;
}

function build(root: string): Promise<string> {
  return cachedBuild(root, {
    kind: "sandbox",
    sources: sources(root),
    marker: "host.mjs",
    format: "4",
    temporaryFallback: true,
    // A sandbox may not read node_modules, so the packages the library imports (the configuration
    // check's spelling suggestions) are bundled in. The few it loads lazily by computed names
    // (charts, statistics) stay out: a sandbox's exercises never need them.
    options: {
      packages: "bundle",
      entryPoints: { host: join(root, "grader/sandbox/host.ts"), sim: join(root, "grader/sandbox/sim.ts"), lib: join(root, "lib/index.ts"), spawner: join(root, "grader/sandbox/spawner.ts") },
    },
  });
}
