import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  MAX_EXERCISE_FILE_BYTES,
  collectSubmission,
  describeCollection,
  exerciseFileNames,
  stageSubmission,
} from "./collect";

/**
 * Paths that fs refuses with EACCES, as it does when the grader runs as an unprivileged user; the
 * tests run as root too, which no file mode stops.
 */
const denied = vi.hoisted(() => new Set<string>());
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const guarded = <A extends unknown[], R>(syscall: string, f: (...args: A) => R) => (...args: A): R => {
    const path = String(args[0]);
    if (denied.has(path)) throw Object.assign(new Error(`EACCES: permission denied, ${syscall} '${path}'`), { code: "EACCES" });
    return f(...args);
  };
  return {
    ...fs,
    readdirSync: guarded("scandir", fs.readdirSync),
    openSync: guarded("open", fs.openSync),
    copyFileSync: guarded("copyfile", fs.copyFileSync),
  };
});

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

/** `count` empty files in `dir` (created), named so that they sort before "exercises". */
function manyFiles(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `a${i}.py`), "");
}

/**
 * A zip of `files` unpacked as a batch unpacks one, and collected for `course`: how many files it
 * extracted, the look-alike entries it left packed, and what collectSubmission made of it.
 */
async function collectZip(files: Record<string, string>, course: string[]) {
  const { zipSync, strToU8 } = await import("fflate");
  const { extractZip } = await import("./unzip");
  const dest = join(tree({}), "upload");
  const leftOut: string[] = [];
  const packed: string[] = [];
  const extracted = await extractZip(zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, strToU8(text)]))), dest, leftOut, packed);
  return { got: collectSubmission(dest, course, leftOut, packed), dest, extracted, packed };
}

afterEach(() => {
  denied.clear();
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

  it("skips a name that is not valid UTF-8 with a note and still grades the exercise files", () => {
    const sub = tree({ "exercises/01-alpha.ts": "a", "02-beta.ts": "b" });
    const latin1 = (before: string, after: string) => Buffer.concat([Buffer.from(join(sub, before)), Buffer.from([0xe9]), Buffer.from(after)]);
    writeFileSync(latin1("caf", ".txt"), "");
    mkdirSync(latin1("r", "sum"));
    const got = collectSubmission(sub, names);
    expect([...got.found.keys()]).toEqual(names);
    expect(got.notes).toEqual(["Skipped caf\ufffd.txt: a name that is not valid UTF-8.", "Skipped r\ufffdsum: a name that is not valid UTF-8."]);
  });

  it("counts notes past ten in one line, so that a crafted upload cannot flood the report", () => {
    const sub = tree({ "01-alpha.ts": "a" });
    for (let i = 0; i < 13; i++) writeFileSync(Buffer.concat([Buffer.from(join(sub, `n${i}-`)), Buffer.from([0xff])]), "");
    const got = collectSubmission(sub, names);
    expect(got.found.has("01-alpha.ts")).toBe(true);
    expect(got.notes).toHaveLength(11);
    expect(got.notes[10]).toBe("3 more entries were left out for reasons like these.");
  });

  it("names a folder it could not read instead of only saying nothing was found", () => {
    const sub = tree({ "repo/exercises/01-alpha.ts": "a", "02-beta.ts": "b" });
    denied.add(join(sub, "repo"));
    const got = collectSubmission(sub, names);
    expect(got.missing).toEqual(["01-alpha.ts"]);
    expect(got.notes).toEqual(["The folder repo/ could not be read (EACCES: permission denied): nothing in it was graded."]);
  });

  it("counts an exercise file it cannot read as missing, with why, and takes a readable copy if there is one", () => {
    const sub = tree({ "exercises/01-alpha.ts": "locked", "exercises/02-beta.ts": "locked", "01-alpha.ts": "stray" });
    denied.add(join(sub, "exercises/01-alpha.ts"));
    denied.add(join(sub, "exercises/02-beta.ts"));
    const got = collectSubmission(sub, names);
    expect(got.found).toEqual(new Map([["01-alpha.ts", join(sub, "01-alpha.ts")]]));
    expect(got.missing).toEqual(["02-beta.ts"]);
    expect(got.notes).toEqual([
      "exercises/01-alpha.ts could not be read (EACCES: permission denied): not graded; make it readable and upload it again.",
      "exercises/02-beta.ts could not be read (EACCES: permission denied): not graded; make it readable and upload it again.",
    ]);
    // What the exercise's own message says: a file that is there was refused, not missing.
    expect(got.refused).toEqual(new Map([["02-beta.ts", "exercises/02-beta.ts could not be read (EACCES: permission denied)"]]));
    expect(describeCollection(got, sub)).not.toMatch(/Not found/);
  });

  it("never takes an answer from a virtual environment or a cache folder", () => {
    const sub = tree({
      ".venv/exercises/01-alpha.ts": "installed package",
      "repo/.ipynb_checkpoints/exercises/02-beta.ts": "checkpoint",
      "repo/exercises/01-alpha.ts": "answer",
    });
    const got = collectSubmission(sub, names);
    expect(got.found).toEqual(new Map([["01-alpha.ts", join(sub, "repo/exercises/01-alpha.ts")]]));
    expect(got.missing).toEqual(["02-beta.ts"]);
  });

  it("reads exercises/ before a sibling folder of more files than the search lists, and says where the search stopped", () => {
    const sub = tree({ "exercises/01-alpha.ts": "a", "later/02-beta.ts": "b" });
    manyFiles(join(sub, "data"), 20_001);
    const got = collectSubmission(sub, names);
    expect(got.found).toEqual(new Map([["01-alpha.ts", join(sub, "exercises/01-alpha.ts")]]));
    expect(got.missing).toEqual(["02-beta.ts"]);
    expect(got.notes).toEqual(["The search stopped after 20,000 entries; put the exercise files in exercises/ near the top of the upload."]);
  });

  it("finds a file 8 folders deep and says why one 9 folders deep was not found", () => {
    const sub = tree({ "1/2/3/4/5/6/7/8/01-alpha.ts": "a", "1/2/3/4/5/6/7/8/9/02-beta.ts": "b" });
    const got = collectSubmission(sub, names);
    expect([...got.found.keys()]).toEqual(["01-alpha.ts"]);
    expect(got.notes).toEqual([
      "Folders more than 8 deep were not searched (such as 1/2/3/4/5/6/7/8/9/); put the exercise files in exercises/ near the top of the upload.",
    ]);
  });

  it("says an exercise-named link, pipe or folder is not a file, without following the link", () => {
    const secret = tree({ ".secret": "hidden seed" });
    const sub = tree({ "exercises/02-beta.ts/notes.md": "" });
    mkdirSync(join(sub, "exercises"), { recursive: true });
    symlinkSync(join(secret, ".secret"), join(sub, "exercises/01-alpha.ts"));
    const fifo = spawnSync("mkfifo", [join(sub, "02-beta.ts")]).status === 0;
    const got = collectSubmission(sub, names);
    expect(got.found.size).toBe(0);
    expect(got.notes).toEqual([
      ...(fifo ? ["02-beta.ts is a named pipe, not a file: not graded."] : []),
      "exercises/01-alpha.ts is a symbolic link, not a file: not graded.",
      "exercises/02-beta.ts is a folder, not a file: not graded.",
    ]);
    expect(got.refused).toEqual(
      new Map([
        ["01-alpha.ts", "exercises/01-alpha.ts is a symbolic link, not a file"],
        ["02-beta.ts", fifo ? "02-beta.ts is a named pipe, not a file" : "exercises/02-beta.ts is a folder, not a file"],
      ]),
    );
  });

  it("refuses an oversized file with a note naming its size", () => {
    const sub = tree({ "01-alpha.ts": "x".repeat(MAX_EXERCISE_FILE_BYTES + 1) });
    const got = collectSubmission(sub, names);
    expect(got.missing).toContain("01-alpha.ts");
    expect(got.notes[0]).toMatch(/over the \d+-byte limit/);
    expect(got.refused.get("01-alpha.ts")).toBe(`01-alpha.ts is ${MAX_EXERCISE_FILE_BYTES + 1} bytes, over the ${MAX_EXERCISE_FILE_BYTES}-byte limit`);
    // Only the exercise with no file at all is "not found"; the refused one's note says why.
    expect(describeCollection(got, sub).split("\n")).toEqual([
      "No exercise files were found in the submission.",
      "Not found in the submission (they score zero): 02-beta.ts.",
      `01-alpha.ts is ${MAX_EXERCISE_FILE_BYTES + 1} bytes, over the ${MAX_EXERCISE_FILE_BYTES}-byte limit: not graded.`,
    ]);
  });
});

describe("look-alikes of a missing exercise file", () => {
  const course = ["05-leader-election.ts", "06-fencing.ts"];
  const forms = ["06-fencing copy.ts", "06-Fencing.ts", "06-fencing.ts.txt", "06_fencing.ts", "fencing.ts", "06-fencing (1).ts"];

  it.each(forms)("names %s for a missing 06-fencing.ts in the report, and grades nothing in its place", (form) => {
    const sub = tree({ "repo/exercises/05-leader-election.ts": "a", [`repo/exercises/${form}`]: "b" });
    const got = collectSubmission(sub, course);
    expect([...got.found.keys()]).toEqual(["05-leader-election.ts"]);
    expect(got.missing).toEqual(["06-fencing.ts"]);
    expect(got.lookAlikes.get("06-fencing.ts")).toEqual([`repo/exercises/${form}`]);
    expect(describeCollection(got, sub).split("\n")).toEqual([
      "Graded files: repo/exercises/05-leader-election.ts.",
      "Not found in the submission (they score zero): 06-fencing.ts.",
      `exercises/06-fencing.ts is missing; found 'repo/exercises/${form}' — rename it to 06-fencing.ts and submit again (not graded: the grader takes only files named exactly like an exercise).`,
    ]);
  });

  it.each(forms)("names %s uploaded loose, with nothing else in the upload", (form) => {
    const sub = tree({ [form]: "b", "notes.txt": "" });
    const got = collectSubmission(sub, course);
    expect(got.found.size).toBe(0);
    expect(got.lookAlikes).toEqual(new Map([["06-fencing.ts", [form]]]));
  });

  it("suggests nothing for files that are not answers, nor for look-alikes deep in a repository", () => {
    const sub = tree({
      "repo/exercises/05-leader-election.ts": "a",
      "repo/exercises/helpers.ts": "",
      "repo/exercises/notes.txt": "",
      "repo/exercises/06-fencing.md": "",
      "repo/exercises/06-fencing.test.ts": "",
      "repo/exercises/06-fencing.support.ts": "",
      "repo/exercises/07-detector-timeout.ts": "",
      "repo/exercises/05-leader-election copy.ts": "", // a copy of an exercise that is there
      "repo/grader/exercises/06-fencing.test.ts": "",
      "repo/notebooks/06-real-postgres.ipynb": "",
      "repo/lib/fencing.ts": "", // the library's own file of that name
      "repo/node_modules/x/06-fencing copy.ts": "",
      "index.ts": "",
    });
    const got = collectSubmission(sub, course);
    expect(got.missing).toEqual(["06-fencing.ts"]);
    // The copy is one of 05-leader-election.ts, which is there (named if that file is the stub).
    expect(got.lookAlikes).toEqual(new Map([["05-leader-election.ts", ["repo/exercises/05-leader-election copy.ts"]]]));
    expect(describeCollection(got, sub)).not.toContain("found '");
  });

  it("suggests a file for the missing exercise whose name it has, before the one whose number it has", () => {
    const sub = tree({ "exercises/05-fencing.ts": "", "exercises/06-fencing copy.ts": "" });
    const got = collectSubmission(sub, course);
    expect(got.lookAlikes).toEqual(new Map([["06-fencing.ts", ["exercises/06-fencing copy.ts", "exercises/05-fencing.ts"]]]));
  });

  it("names a zip's look-alike entries, which it leaves packed", async () => {
    const { got, dest, extracted, packed } = await collectZip({ "alice/exercises/05-leader-election.ts": "a", "alice/exercises/06-fencing (1).ts": "b", "alice/lib/fencing.ts": "" }, course);
    expect(extracted).toBe(1);
    expect(packed).toEqual(["alice/exercises/06-fencing (1).ts", "alice/lib/fencing.ts"]);
    expect(got.lookAlikes).toEqual(new Map([["06-fencing.ts", ["alice/exercises/06-fencing (1).ts"]]]));
    expect(describeCollection(got, dest)).toContain("exercises/06-fencing.ts is missing; found 'alice/exercises/06-fencing (1).ts' — rename it to 06-fencing.ts and submit again");
  });
});

describe("copies of an exercise file that is there", () => {
  const course = ["05-leader-election.ts", "06-fencing.ts"];

  it("keeps the copy beside a file it takes, for that exercise's message, and says in the notes which one was graded", () => {
    const sub = tree({
      "repo/exercises/05-leader-election.ts": "a",
      "repo/exercises/05-leader-election (1).ts": "b",
      "repo/exercises/06-fencing.ts": "the stub",
      "repo/exercises/06-fencing copy.ts": "the work",
      "repo/exercises/06-fencing copy 2.ts": "more work",
    });
    const got = collectSubmission(sub, course);
    expect([...got.found.keys()]).toEqual(course);
    expect(got.lookAlikes).toEqual(
      new Map([
        ["05-leader-election.ts", ["repo/exercises/05-leader-election (1).ts"]],
        ["06-fencing.ts", ["repo/exercises/06-fencing copy 2.ts", "repo/exercises/06-fencing copy.ts"]],
      ]),
    );
    // Whether 06-fencing.ts is the untouched stub only its tests say: the notes say which file was graded, not which is the answer.
    expect(describeCollection(got, sub).split("\n")).toEqual([
      "Graded files: repo/exercises/05-leader-election.ts, repo/exercises/06-fencing.ts.",
      "05-leader-election.ts: graded repo/exercises/05-leader-election.ts; ignored 'repo/exercises/05-leader-election (1).ts', named like it (a file is graded only under its exact name).",
      "06-fencing.ts: graded repo/exercises/06-fencing.ts; ignored 'repo/exercises/06-fencing copy 2.ts', 'repo/exercises/06-fencing copy.ts', named like it (a file is graded only under its exact name).",
    ]);
  });

  it("keeps a zip's copy entry, which it leaves packed", async () => {
    const { got, extracted } = await collectZip({ "alice/exercises/06-fencing.ts": "the stub", "alice/exercises/06-fencing copy.ts": "the work" }, course);
    expect(extracted).toBe(1);
    expect([...got.found.keys()]).toEqual(["06-fencing.ts"]);
    expect(got.lookAlikes).toEqual(new Map([["06-fencing.ts", ["alice/exercises/06-fencing copy.ts"]]]));
  });

  it("offers a missing file what fits it even when the name fits a file that is there better", () => {
    // 06-leader-election.ts has 06's number and 05's name: for the missing 06-fencing.ts it is the
    // likeliest answer; beside 05-leader-election.ts it may be that file's copy.
    const sub = tree({ "exercises/05-leader-election.ts": "a", "exercises/06-leader-election.ts": "b" });
    const got = collectSubmission(sub, course);
    expect(got.missing).toEqual(["06-fencing.ts"]);
    expect(got.lookAlikes).toEqual(
      new Map([
        ["06-fencing.ts", ["exercises/06-leader-election.ts"]],
        ["05-leader-election.ts", ["exercises/06-leader-election.ts"]],
      ]),
    );
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

  it("stages copies readable by the grading account, whatever the mode of the file uploaded", () => {
    const sub = tree({ "exercises/01-alpha.ts": "private answer" });
    chmodSync(join(sub, "exercises/01-alpha.ts"), 0o600);
    const target = join(tree({}), "exercises");
    stageSubmission(collectSubmission(sub, names), target);
    expect(statSync(join(target, "01-alpha.ts")).mode & 0o777).toBe(0o644);
  });

  it("counts a file it cannot copy as missing, with a note, instead of failing the whole submission", () => {
    const sub = tree({ "exercises/01-alpha.ts": "a", "exercises/02-beta.ts": "b" });
    const target = join(tree({}), "exercises");
    const got = collectSubmission(sub, names);
    denied.add(join(sub, "exercises/01-alpha.ts")); // readable when collected, no longer when staged
    stageSubmission(got, target);
    expect(readdirSync(target)).toEqual(["02-beta.ts"]);
    expect(got.refused).toEqual(new Map([["01-alpha.ts", "01-alpha.ts could not be read (EACCES: permission denied)"]]));
    expect(describeCollection(got, sub)).toBe(
      [
        "Graded files: exercises/02-beta.ts.",
        "01-alpha.ts could not be read (EACCES: permission denied): not graded; make it readable and upload it again.",
      ].join("\n"),
    );
  });
});

describe("exerciseFileNames", () => {
  it("lists only numbered exercise files of a grader copy, in order", () => {
    const root = tree({ "exercises/02-beta.ts": "", "exercises/01-alpha.ts": "", "exercises/README.md": "" });
    expect(exerciseFileNames(root)).toEqual(names);
  });
});
