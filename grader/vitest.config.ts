/**
 * Runs the graded tests directly, without the scorer: `npx vitest run -c grader/vitest.config.ts`
 * grades exercises/ (or `RL_TARGET=solutions`), which helps while writing an exercise's tests.
 * Each exercise's code runs in its sandbox as in real grading (engine/dev-setup.ts compiles it);
 * there is no scoring, and hidden tests run on random seeds. `npm run grade` is the real thing.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

export default defineConfig({
  cacheDir: join(root, "node_modules", ".vite-grader"),
  test: {
    root,
    include: [join(root, "grader/exercises/*.test.ts")],
    pool: "threads",
    globalSetup: [join(root, "grader/engine/dev-setup.ts")],
    testTimeout: 120_000,
  },
});
