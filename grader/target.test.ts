/**
 * What `--target` accepts (a folder of exercise files, a zip, a repository) and what `npm run
 * grade` says on a student's terminal when an exercise file was renamed.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { strToU8, zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { loadExercises } from "./engine/exercises";
import { openTarget } from "./target";
import { MAX_EXERCISE_FILE_BYTES } from "./platforms/collect";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "rl-target-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const names = ["05-leader-election.ts", "06-fencing.ts"];

function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe("openTarget", () => {
  it("grades a folder of exercise files, or any folder named exercises, as it is", async () => {
    const dir = join(work, "plain");
    write(join(dir, "05-leader-election.ts"), "a");
    const opened = await openTarget(dir, "plain", names);
    expect(opened.dir).toBe(dir);
    expect(opened.notes).toBeUndefined();
    opened.close();
    expect(existsSync(dir)).toBe(true);
    // A student's own exercises/ is what check() grades, drafts in a folder of it or not.
    const own = join(work, "student/exercises");
    write(join(own, "old/05-leader-election.ts"), "a draft");
    expect((await openTarget(own, "exercises", names)).dir).toBe(own);
  });

  it("takes the exercise files of a repository or a zip as a batch does, and names look-alikes", async () => {
    const repo = join(work, "repo");
    write(join(repo, "exercises/05-leader-election.ts"), "from the repo");
    write(join(repo, "exercises/06-fencing copy.ts"), "renamed");
    write(join(repo, "lib/index.ts"), "");
    const fromRepo = await openTarget(repo, "subs/repo", names);
    expect(readFileSync(join(fromRepo.dir, "05-leader-election.ts"), "utf8")).toBe("from the repo");
    // Messages name its files where they are.
    expect(fromRepo.display).toBe("subs/repo/exercises");
    expect(existsSync(join(fromRepo.dir, "06-fencing.ts"))).toBe(false);
    expect(fromRepo.lookAlikes).toEqual({ "06-fencing": ["subs/repo/exercises/06-fencing copy.ts"] });
    expect(fromRepo.refused).toEqual({});
    expect(fromRepo.notes).toContain("From subs/repo: Graded files: exercises/05-leader-election.ts.");
    fromRepo.close();
    expect(existsSync(fromRepo.dir)).toBe(false);

    const zip = join(work, "alice.zip");
    writeFileSync(zip, zipSync({ "alice/exercises/06-fencing.ts": strToU8("zipped") }));
    const fromZip = await openTarget(zip, "subs/alice.zip", names);
    expect(readFileSync(join(fromZip.dir, "06-fencing.ts"), "utf8")).toBe("zipped");
    expect(fromZip.display).toBe("alice/exercises");
    fromZip.close();
  });

  it("says why a file under an exercise's name was not taken, for that exercise's message", async () => {
    const repo = join(work, "erin-repo");
    write(join(repo, "exercises/05-leader-election.ts"), "x".repeat(MAX_EXERCISE_FILE_BYTES + 1));
    mkdirSync(join(repo, "exercises/06-fencing.ts"), { recursive: true });
    const opened = await openTarget(repo, "subs/erin-repo", names);
    try {
      expect(opened.refused).toEqual({
        "05-leader-election": `subs/erin-repo/exercises/05-leader-election.ts is ${MAX_EXERCISE_FILE_BYTES + 1} bytes, over the ${MAX_EXERCISE_FILE_BYTES}-byte limit`,
        "06-fencing": "subs/erin-repo/exercises/06-fencing.ts is a folder, not a file",
      });
      expect(opened.notes).not.toMatch(/Not found/);
    } finally {
      opened.close();
    }
  });

  it("names a zip's look-alikes by their path in the zip, as its notes do, and a repository's by their path from here", async () => {
    const zip = join(work, "carol.zip");
    writeFileSync(zip, zipSync({ "carol/exercises/05-leader-election.ts": strToU8("mine"), "carol/exercises/06-fencing copy.ts": strToU8("renamed") }));
    const opened = await openTarget(zip, "subs/carol.zip", names);
    try {
      expect(opened.lookAlikes).toEqual({ "06-fencing": ["carol/exercises/06-fencing copy.ts"] });
      expect(opened.notes).toContain("exercises/06-fencing.ts is missing; found 'carol/exercises/06-fencing copy.ts' — rename it to 06-fencing.ts and submit again");
    } finally {
      opened.close();
    }
  });

  it("names a copy beside an exercise file it takes, for that exercise's message", async () => {
    const repo = join(work, "dave-repo");
    write(join(repo, "exercises/06-fencing.ts"), "the stub");
    write(join(repo, "exercises/06-fencing copy.ts"), "the work");
    write(join(repo, "lib/index.ts"), "");
    const zip = join(work, "dave.zip");
    writeFileSync(zip, zipSync({ "dave/exercises/06-fencing.ts": strToU8("the stub"), "dave/exercises/06-fencing copy.ts": strToU8("the work") }));
    for (const [path, shown, copy] of [[repo, "subs/dave", "subs/dave/exercises/06-fencing copy.ts"], [zip, "subs/dave.zip", "dave/exercises/06-fencing copy.ts"]]) {
      const opened = await openTarget(path, shown, names);
      try {
        expect(opened.lookAlikes).toEqual({ "06-fencing": [copy] });
        expect(opened.notes).not.toContain("found '");
      } finally {
        opened.close();
      }
    }
  });

  it("names a zip's or a repository's files as plain text: no escape sequence or line break of a file name reaches the terminal", async () => {
    // An instructor replays a batch's submission from its report (`npm run replay -- 05 --seed N
    // --target subs/mallory.zip`): the notes go to their terminal (stderr of npm run grade, stdout
    // of replay). A name could retitle the window, clear the screen and draw a score, or set the
    // clipboard (OSC 52). The "é" makes the zip mark its names as UTF-8, so the escapes survive.
    const hostile = "06-fencé\x1b]0;PWNED\x07\x1b[2J\x1b[H\x1b]52;c;cm0gLXJmIH4=\x07\nTotal: 24 of 24 points\u2028 copy.ts";
    const zip = join(work, "mallory.zip");
    writeFileSync(zip, zipSync({ [`mallory/exercises/05-leader-election.ts`]: strToU8("mine"), [`mallory/exercises/${hostile}`]: strToU8("renamed") }));
    const repo = join(work, "mallory-repo");
    write(join(repo, "exercises/05-leader-election.ts"), "mine");
    write(join(repo, `exercises/${hostile}`), "renamed");
    write(join(repo, "lib/index.ts"), "");
    for (const [path, shown] of [[zip, "subs/mallory.zip"], [repo, "subs/mallory"]]) {
      const opened = await openTarget(path, shown, names);
      try {
        const lookAlike = opened.lookAlikes?.["06-fencing"];
        expect(lookAlike).toHaveLength(1);
        expect(lookAlike![0]).toContain("\ufffd]0;PWNED");
        // eslint-disable-next-line no-control-regex
        expect(lookAlike![0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028]/);
        // eslint-disable-next-line no-control-regex
        expect(opened.notes).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028]/);
        expect(opened.notes!.split("\n").filter((line) => line.startsWith("Total"))).toEqual([]);
      } finally {
        opened.close();
      }
    }
    // The folder the exercise files sit in names them in every message: plain text too.
    const folder = "work\x1b[2J\nTotal: 24 of 24 points$&é";
    const inFolder = join(work, "mallory-folder.zip");
    writeFileSync(inFolder, zipSync({ [`${folder}/05-leader-election.ts`]: strToU8("mine") }));
    const opened = await openTarget(inFolder, "subs/mallory-folder.zip", names);
    try {
      expect(opened.display).toBe("work\ufffd[2J\ufffdTotal: 24 of 24 points$&é");
    } finally {
      opened.close();
    }
  });

  it("says, naming --target, when there is nothing to grade there", async () => {
    await expect(openTarget(join(work, "absent"), "absent", names)).rejects.toThrow("--target absent: no such folder or zip");
    const notZip = write(join(work, "bad.zip"), "not a zip");
    await expect(openTarget(notZip, "bad.zip", names)).rejects.toThrow(/^--target bad\.zip: the uploaded zip could not be read/);
  });
});

/** Runs grader/cli.ts from `cwd` and returns its JSON report. */
function grade(cwd: string, args: string[]): { report: any; stderr: string } {
  const out = join(cwd, "report.json");
  rmSync(out, { force: true });
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "grader/cli.ts"), ...args, "--format", "json", "--out", out], {
    cwd,
    encoding: "utf8",
    timeout: 180_000,
  });
  expect(existsSync(out), r.stderr).toBe(true);
  return { report: JSON.parse(readFileSync(out, "utf8")), stderr: r.stderr };
}

describe("npm run grade --replay-target", () => {
  it("names the given submission in the replay commands instead of the folder graded (a batch grading one submission alone)", () => {
    const staged = join(work, "staged/exercises");
    mkdirSync(staged, { recursive: true });
    copyFileSync(join(ROOT, "grader/variants/05-leader-election/ignores-crashed.ts"), join(staged, "05-leader-election.ts"));
    const { report } = grade(dirname(staged), ["--target", "exercises", "--only", "05", "--public", "--replay-target", "subs/alice.zip"]);
    const replays = report.exercises[0].tests.map((t: { replay?: string }) => t.replay).filter(Boolean);
    expect(replays.length).toBeGreaterThan(0);
    for (const replay of replays) expect(replay).toMatch(/^npm run replay -- 05 .* --target subs\/alice\.zip$/);
  }, 200_000);
});

describe("npm run grade in a student's folder", () => {
  it("names the renamed copy of a missing exercise file, and grades it nowhere", () => {
    // A student's exercises/ where 06-fencing.ts was deleted and a copy of it kept under another name.
    const exercises = join(work, "clone/exercises");
    mkdirSync(exercises, { recursive: true });
    copyFileSync(join(ROOT, "exercises/06-fencing.ts"), join(exercises, "06-fencing copy.ts"));
    const { report } = grade(join(work, "clone"), ["--target", "exercises", "--only", "06"]);
    expect(report.score).toBe(0);
    expect(report.exercises[0].problem).toBe(
      "exercises/06-fencing.ts is missing; found 'exercises/06-fencing copy.ts' — rename it to 06-fencing.ts and grade again; " +
        "until then this exercise scores zero (a file is graded only under its exact name)",
    );
  }, 200_000);
});

describe("npm run grade in a student's folder with the stub and a worked copy", () => {
  it("names the copy beside the untouched stub", () => {
    const exercises = join(work, "clone2/exercises");
    mkdirSync(exercises, { recursive: true });
    copyFileSync(join(ROOT, "exercises/06-fencing.ts"), join(exercises, "06-fencing.ts"));
    copyFileSync(join(ROOT, "solutions/06-fencing.ts"), join(exercises, "06-fencing copy.ts"));
    const { report } = grade(join(work, "clone2"), ["--target", "exercises", "--only", "06", "--public"]);
    expect(report.score).toBe(0);
    for (const t of report.exercises[0].tests) {
      expect(t.message).toMatch(/not implemented yet.*; 'exercises\/06-fencing copy\.ts' is there too, but only exercises\/06-fencing\.ts is graded: move your work into it$/);
    }
  }, 200_000);
});

describe("npm run grade --target a zip", () => {
  it("names a look-alike by its path in the zip, in the notes and in the exercise's message alike, and a worked copy beside an untouched stub", () => {
    const dir = join(work, "zipped");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "erin.zip"),
      zipSync({
        "erin/exercises/05-leader-election copy.ts": strToU8(readFileSync(join(ROOT, "solutions/05-leader-election.ts"), "utf8")),
        "erin/exercises/06-fencing.ts": strToU8(readFileSync(join(ROOT, "exercises/06-fencing.ts"), "utf8")),
        "erin/exercises/06-fencing copy.ts": strToU8(readFileSync(join(ROOT, "solutions/06-fencing.ts"), "utf8")),
      }),
    );
    const { report, stderr } = grade(dir, ["--target", "erin.zip", "--only", "05,06", "--public"]);
    expect(report.score).toBe(0);
    const [missing, stub] = report.exercises;
    // The path in the zip is the path in the folder that was zipped: what the student renames.
    const found = "found 'erin/exercises/05-leader-election copy.ts' — rename it to 05-leader-election.ts and submit again";
    expect(stderr).toContain(`exercises/05-leader-election.ts is missing; ${found} (not graded`);
    // Each file is named where it is in the zip (the exercise files' folder there), not as "erin.zip/06-fencing.ts".
    expect(missing.problem).toBe(`erin/exercises/05-leader-election.ts is missing; ${found}; until then this exercise scores zero (a file is graded only under its exact name)`);
    expect(stub.tests.length).toBeGreaterThan(0);
    for (const t of stub.tests) {
      expect(t.message).toMatch(/not implemented yet.*; 'erin\/exercises\/06-fencing copy\.ts' is there too, but only erin\/exercises\/06-fencing\.ts is graded: move your work into it$/);
    }
    // The report and its replay commands name the zip given.
    expect(report.target).toBe("erin.zip");
  }, 200_000);
});

describe("npm run grade with a mistake in its command", () => {
  it("says nothing was graded, and why, rather than that the grader failed", () => {
    // A number no exercise has, however many a course adds.
    const unknown = String(Math.max(...loadExercises(ROOT).map((e) => Number(e.id))) + 1);
    const { report } = grade(work, ["--only", unknown]);
    expect(report.error).toMatch(new RegExp(`^nothing was graded: --only: no exercise "${unknown}"; the exercises are 01-read-your-writes, `));
    const missing = grade(work, ["--target", "no-such-folder"]);
    expect(missing.report.error).toBe("nothing was graded: --target no-such-folder: no such folder or zip");
    const validation = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "grader/cli.ts"), "--validate", "--only", unknown], { encoding: "utf8", timeout: 180_000 });
    expect([validation.status, validation.stderr]).toEqual([2, `nothing was validated: --only: no exercise "${unknown}"; the exercises are ${loadExercises(ROOT).map((e) => e.name).join(", ")}\n`]);
  }, 200_000);
});
