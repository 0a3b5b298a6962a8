/**
 * Every platform package asks for the same Node line: the one install-grader.sh installs, which the
 * test suite also runs the grader's sandbox, hostile-corpus and validation tests on
 * (scripts/test.sh). A line bumped in one place and not the others would grade some platforms on
 * a Node the tests never ran.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dockerfile } from "./prairielearn";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const read = (path: string): string => readFileSync(join(ROOT, path), "utf8");

/** Every match of `pattern`'s first group in `text`. */
const all = (text: string, pattern: RegExp): string[] => [...text.matchAll(pattern)].map((m) => m[1]);

describe("the platforms' Node", () => {
  const major = all(read("grader/platforms/install-grader.sh"), /^NODE_MAJOR=(\d+)$/gm);

  it("is named once in install-grader.sh, and is a line the sandbox knows the end of life of", () => {
    expect(major).toHaveLength(1);
    expect(read("grader/sandbox/launch.ts")).toMatch(new RegExp(`^  ${major[0]}: "\\d{4}-\\d{2}-\\d{2}",$`, "m"));
  });

  it("is the PrairieLearn image's base", () => {
    expect(all(dockerfile(), /^FROM node:(\d+)-/gm)).toEqual(major);
  });

  it("is what the GitHub Actions workflows set up", () => {
    for (const workflow of ["grader/platforms/github-actions/replication-lab.yml", "grader/platforms/classroom/classroom.yml"]) {
      expect(all(read(workflow), /node-version: (\d+)$/gm), workflow).toEqual(major);
    }
  });

  it("is the runtime Classroom 50's autograder and its package's guide ask for", () => {
    for (const file of ["grader/platforms/classroom50/autograder.py", "instructor/classroom50.ts"]) {
      const asked = all(read(file), /\{"node": "(\d+)"\}/g);
      expect(asked.length, file).toBeGreaterThan(0);
      expect(new Set(asked), file).toEqual(new Set(major));
    }
  });

  it("is the one the test suite runs the grader's own tests on again", () => {
    expect(read("scripts/test.sh")).toContain("sed -n 's/^NODE_MAJOR=");
  });
});
