import { defineConfig } from "vitest/config";

// Unit tests of lib/, workbook/, scripts/, instructor/, pg-lab/, bench/ and the grader itself. The graded exercise
// tests under grader/exercises/ are run only by the grader (grader/vitest.config.ts), against a
// chosen target.
export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "workbook/**/*.test.ts", "grader/**/*.test.ts", "scripts/**/*.test.ts", "instructor/**/*.test.ts", "pg-lab/**/*.test.ts", "bench/**/*.test.ts"],
    exclude: ["grader/exercises/**", "node_modules/**"],
    testTimeout: 60_000,
    // Clean-up hooks remove copies of the project (a grader copy, a release); on a busy machine
    // that took over vitest's default of 10 s.
    hookTimeout: 120_000,
    // Temporary files go to a folder of this run, removed when it ends (scripts/vitest-tmpdir.ts).
    globalSetup: ["scripts/vitest-tmpdir.ts"],
  },
});
