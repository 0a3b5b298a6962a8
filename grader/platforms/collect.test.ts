import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  MAX_EXERCISE_FILE_BYTES,
  collectSubmission,
  describeCollection,
  exerciseFileNames,
  stageSubmission,
} from "./collect";

const names = ["01-alpha.ts", "02-beta.ts"];
const roots: string[] = [];

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "rl-collect-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("collectSubmission", () => {
  it("takes exercise files uploaded loose at the top of the submission", () => {
    const sub = tree({ "01-alpha.ts": "a", "02-beta.ts": "b", "notes.txt": "x" });
    const got = collectSubmission(sub, names);
    expect([...got.found.keys()]).toEqual(names);
    expect(got.missing).toEqual([]);
  });

  it("finds files inside a repository folder nested in the upload", () => {
    const sub = tree({ "replication-lab-main/exercises/01-alpha.ts": "a" });
    const got = collectSubmission(sub, names);
    expect(got.found.get("01-alpha.ts")).toBe(join(sub, "replication-lab-main/exercises/01-alpha.ts"));
    expect(got.missing).toEqual(["02-beta.ts"]);
  });

  it("prefers the copy in an exercises folder over a shallower stray copy and says so", () => {
    const sub = tree({ "01-alpha.ts": "stray", "repo/exercises/01-alpha.ts": "real" });
    const got = collectSubmission(sub, names);
    expect(readFileSync(got.found.get("01-alpha.ts")!, "utf8")).toBe("real");
    expect(got.notes.join("\n")).toContain("ignored other copies 01-alpha.ts");
  });

  it("ignores the student's own tests, grader, solutions and dependencies", () => {
    const sub = tree({
      "grader/exercises/01-alpha.test.ts": "forged test",
      "node_modules/x/01-alpha.ts": "dependency",
      "package.json": "{}",
    });
    const got = collectSubmission(sub, names);
    expect(got.found.size).toBe(0);
    expect(got.missing).toEqual(names);
  });

  it("does not follow a symbolic link planted as an exercise file", () => {
    const secret = tree({ ".secret": "hidden seed" });
    const sub = tree({});
    symlinkSync(join(secret, ".secret"), join(sub, "01-alpha.ts"));
    expect(collectSubmission(sub, names).found.size).toBe(0);
  });

  it("refuses an oversized file with a note naming its size", () => {
    const sub = tree({ "01-alpha.ts": "x".repeat(MAX_EXERCISE_FILE_BYTES + 1) });
    const got = collectSubmission(sub, names);
    expect(got.missing).toContain("01-alpha.ts");
    expect(got.notes[0]).toMatch(/over the \d+-byte limit/);
  });
});

describe("stageSubmission", () => {
  it("copies only the files found, under their exercise names", () => {
    const sub = tree({ "repo/exercises/02-beta.ts": "answer b" });
    const target = join(tree({}), "exercises");
    const got = collectSubmission(sub, names);
    stageSubmission(got, target);
    expect(readdirSync(target)).toEqual(["02-beta.ts"]);
    expect(readFileSync(join(target, "02-beta.ts"), "utf8")).toBe("answer b");
    expect(describeCollection(got, sub)).toBe(
      "Graded files: repo/exercises/02-beta.ts.\nNot found in the submission (they score zero): 01-alpha.ts.",
    );
  });
});

describe("exerciseFileNames", () => {
  it("lists only numbered exercise files of a grader copy, in order", () => {
    const root = tree({ "exercises/02-beta.ts": "", "exercises/01-alpha.ts": "", "exercises/README.md": "" });
    expect(exerciseFileNames(root)).toEqual(names);
  });
});
