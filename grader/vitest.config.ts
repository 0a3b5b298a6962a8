/**
 * The grader's vitest configuration: graded tests run against a chosen submission.
 *
 * The scorer (grader/engine/run-vitest.ts) writes a plan and points RL_GRADER_PLAN at it: one
 * vitest project per submission, each mapping the graded tests' import of `../../exercises/<exercise>` to that submission's
 * staged files in place of `../../exercises/<exercise>`. Test workers are separate processes with a heap limit, under Node's permission
 * model: they may read code, and may not write files or start processes.
 *
 * Without a plan (`npx vitest run -c grader/vitest.config.ts`), the graded tests run against
 * exercises/, which is handy while writing a new exercise's tests.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";
import { PLAN_ENV, type RunPlan } from "./engine/plan";
import { permissionFlag } from "./engine/permission";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

const planPath = process.env[PLAN_ENV];
const plan: RunPlan = planPath
  ? (JSON.parse(readFileSync(planPath, "utf8")) as RunPlan)
  : {
      root,
      cacheDir: join(root, "node_modules", ".vite-grader"),
      maxWorkers: 2,
      isolate: true,
      memoryMb: 1024,
      readPaths: [],
      projects: [{ name: "exercises", submissionDir: join(root, "exercises"), files: [join(root, "grader/exercises/*.test.ts")], env: {} }],
    };

const rootDir = plan.root + sep;

/**
 * Sends imports of lib/, grader/graded.ts and the exercises' support files to their precompiled
 * modules (engine/lib-bundle.ts), which the workers load natively instead of transforming the
 * same code again for every submission. Test files and the student's files are not precompiled.
 */
function precompiled(bundle: string): Plugin {
  return {
    name: "replication-lab:precompiled",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (!importer || !(source.startsWith(".") || isAbsolute(source))) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || !resolved.id.startsWith(rootDir) || !resolved.id.endsWith(".ts") || resolved.id.endsWith(".test.ts")) return null;
      const target = join(bundle, resolved.id.slice(rootDir.length).replace(/\.ts$/, ".mjs"));
      return existsSync(target) ? target : null;
    },
  };
}

const sandbox = plan.readPaths.length > 0 ? [permissionFlag(), ...plan.readPaths.map((p) => `--allow-fs-read=${p}`)] : [];

export default defineConfig({
  cacheDir: plan.cacheDir,
  plugins: plan.libBundle ? [precompiled(plan.libBundle)] : [],
  test: {
    root: plan.root,
    pool: "forks",
    isolate: plan.isolate,
    maxWorkers: plan.maxWorkers,
    execArgv: [`--max-old-space-size=${plan.memoryMb}`, "--disable-warning=ExperimentalWarning", ...sandbox],
    hookTimeout: 5_000,
    teardownTimeout: 2_000,
    // Node loads the precompiled library itself (vitest externalises what it does not transform).
    server: { deps: { external: plan.libBundle ? [new RegExp(`^${(plan.libBundle + sep).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`)] : [] } },
    setupFiles: [join(root, "grader/engine/worker-setup.ts")],
    projects: plan.projects.map((p) => ({
      extends: true,
      resolve: {
        alias: [
          // Graded tests import "../../exercises/NN-name": the submission's file, wherever it is.
          { find: /^\.\.\/\.\.\/exercises\/(.*)$/, replacement: `${p.submissionDir}/$1` },
          { find: /^replication-lab$/, replacement: join(plan.root, "lib/index.ts") },
        ],
      },
      test: { name: p.name, include: p.files, env: p.env },
    })),
  },
});
