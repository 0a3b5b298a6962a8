import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { zipSync, strToU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BatchInputError, BatchStoppedError, fileSafeNames, listSubmissions, removeWorkDir, runBatch } from "./batch";
import { parseBatchArgs } from "./batch-cli";
import { clock, consoleProgress, type BatchProgress } from "./batch-progress";
import { gradebookCsv } from "./gradebook";
import { loadExercises } from "./engine/exercises";
import { makeFakeGrader } from "./fixtures/fake-grader";
import { extractZip, MAX_ZIP_EXERCISE_FILES } from "./platforms/unzip";

let grader: string;
let work: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

beforeAll(() => {
  grader = makeFakeGrader();
  work = mkdtempSync(join(tmpdir(), "rl-batch-test-"));
});
afterAll(() => {
  rmSync(grader, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe("runBatch", () => {
  it("grades every submission folder and zip into a gradebook row and a JSON report", async () => {
    const subs = join(work, "subs");
    write(join(subs, "alice/exercises/01-alpha.ts"), "full");
    write(join(subs, "alice/exercises/02-beta.ts"), "full");
    write(join(subs, "bob/01-alpha.ts"), "half");
    write(join(subs, "carol/exercises/01-alpha.ts"), "crash");
    mkdirSync(join(subs, "dave")); // submitted nothing
    writeFileSync(join(subs, "erin.zip"), zipSync({ "repo/exercises/02-beta.ts": strToU8("full") }));
    const lines: string[] = [];
    const summary = await runBatch({
      submissionsDir: subs,
      outCsv: join(work, "grades.csv"),
      graderRoot: grader,
      workers: 2,
      chunkSize: 1,
      progress: consoleProgress({ write: (t: string) => lines.push(t) }),
    });

    const csv = readFileSync(join(work, "grades.csv"), "utf8").trim().split("\r\n");
    expect(csv[0]).toBe("id,score,max,01,02,error");
    expect(csv[1]).toBe("alice,20,20,10,10,");
    expect(csv[2]).toBe("bob,5,20,5,0,");
    expect(csv[3]).toMatch(/^carol,0,20,0,0,.*boom: the grader crashed on 01-alpha/);
    expect(csv[4]).toBe("dave,0,20,0,0,no exercise files were found in the submission (expected files named like 01-alpha.ts or 02-beta.ts)");
    expect(csv[5]).toBe("erin,10,20,0,10,");

    const bob = JSON.parse(readFileSync(join(summary.reportsDir, "bob.json"), "utf8"));
    expect(bob.submission).toBe("bob");
    expect(bob.notes).toContain("Not found in the submission (they score zero): 02-beta.ts");
    expect(bob.exercises.map((e: { id: string }) => e.id)).toEqual(["01", "02"]);

    expect(lines[0]).toBe("Grading 5 submissions with 2 workers.\n");
    expect(lines.filter((l) => /^\[\d\/5\] \w+: /.test(l))).toHaveLength(5);
    expect(lines).toContain("a chunk of 1 stopped (exit code 3): boom: the grader crashed on 01-alpha; grading its submissions one at a time\n");
    expect(lines.at(-1)).toMatch(/^Graded 3 of 5 submissions in .*; 2 could not be graded/);
  });

  it("names the renamed exercise files of a submission that holds no exercise file, in its error and its report", async () => {
    const subs = join(work, "renamed");
    write(join(subs, "frank/alpha.ts"), "full");
    write(join(subs, "frank/exercises/02-Beta.ts"), "full");
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "renamed.csv"), graderRoot: grader });
    expect(summary.outcomes[0].error).toBe(
      "no exercise files were found in the submission (expected files named like 01-alpha.ts or 02-beta.ts); found 'alpha.ts', 'exercises/02-Beta.ts', not graded under those names (see the report)",
    );
    const frank = JSON.parse(readFileSync(join(summary.reportsDir, "frank.json"), "utf8"));
    expect(frank.notes).toContain("exercises/01-alpha.ts is missing; found 'alpha.ts' — rename it to 01-alpha.ts and submit again");
    expect(frank.notes).toContain("exercises/02-beta.ts is missing; found 'exercises/02-Beta.ts' — rename it to 02-beta.ts and submit again");
  });

  it("keeps submissions whose ids differ only in characters a file name cannot carry apart", async () => {
    const subs = join(work, "look-alike");
    write(join(subs, "e2 zoë/01-alpha.ts"), "full");
    write(join(subs, "e2 zoé/01-alpha.ts"), "half");
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "look-alike.csv"), graderRoot: grader, lanes: 1, chunkSize: 2 });
    expect(summary.outcomes.map((o) => [o.id, o.score])).toEqual([
      ["e2 zoé", 5],
      ["e2 zoë", 10],
    ]);
    expect(readdirSync(summary.reportsDir).sort()).toEqual(["e2_zo_-2.json", "e2_zo_.json"]);
    const reports = readdirSync(summary.reportsDir).map((f) => JSON.parse(readFileSync(join(summary.reportsDir, f), "utf8")));
    expect(reports.map((r) => [r.submission, r.score]).sort()).toEqual([
      ["e2 zoé", 5],
      ["e2 zoë", 10],
    ]);
  });

  it("grades the rest of a chunk one by one when one submission brings its scorer down", async () => {
    const subs = join(work, "chunked");
    write(join(subs, "a/01-alpha.ts"), "full");
    write(join(subs, "b/01-alpha.ts"), "crash");
    write(join(subs, "c/02-beta.ts"), "half");
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "chunked.csv"), graderRoot: grader, lanes: 1, chunkSize: 3 });
    expect(summary.outcomes.map((o) => [o.id, o.score, o.error?.slice(0, 27)])).toEqual([
      ["a", 10, undefined],
      ["b", 0, "the grader wrote no report "],
      ["c", 5, undefined],
    ]);
  });

  it("grades the rest of a chunk one by one with --only too: those exercises alone", async () => {
    const subs = join(work, "chunked-only");
    write(join(subs, "a/01-alpha.ts"), "full");
    write(join(subs, "a/02-beta.ts"), "full");
    write(join(subs, "b/01-alpha.ts"), "crash");
    write(join(subs, "c/01-alpha.ts"), "half");
    write(join(subs, "c/02-beta.ts"), "full");
    const lines: string[] = [];
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "chunked-only.csv"), graderRoot: grader, only: ["01"], lanes: 1, chunkSize: 3, progress: consoleProgress({ write: (t: string) => lines.push(t) }) });
    expect(lines).toContain("a chunk of 3 stopped (exit code 3): boom: the grader crashed on 01-alpha; grading its submissions one at a time\n");
    expect(summary.outcomes.map((o) => [o.id, o.score, Object.keys(o.exercises ?? {}), o.error?.slice(0, 27)])).toEqual([
      ["a", 10, ["01"], undefined],
      ["b", 0, [], "the grader wrote no report "],
      ["c", 5, ["01"], undefined],
    ]);
    const csv = readFileSync(join(work, "chunked-only.csv"), "utf8").trim().split("\r\n");
    expect(csv[0]).toBe("id,score,max,01,exercises,error");
    expect(csv.slice(1).map((row) => row.split(",").slice(0, 5).join(","))).toEqual(["a,10,10,10,01", "b,0,10,0,01", "c,5,10,5,01"]);
    const a = JSON.parse(readFileSync(join(summary.reportsDir, "a.json"), "utf8"));
    expect(a.exercises.map((e: { id: string }) => e.id)).toEqual(["01"]);
  });

  it("grades again alone the submissions a chunk left unfinished when one of them used up its time", async () => {
    const subs = join(work, "unfinished");
    write(join(subs, "a/01-alpha.ts"), "full");
    write(join(subs, "b/01-alpha.ts"), "spoils");
    write(join(subs, "c/01-alpha.ts"), "half");
    const lines: string[] = [];
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "unfinished.csv"), graderRoot: grader, lanes: 1, chunkSize: 3, progress: consoleProgress({ write: (t: string) => lines.push(t) }) });
    expect(summary.outcomes.map((o) => [o.id, o.score, o.error])).toEqual([
      ["a", 10, undefined],
      ["b", 0, undefined],
      ["c", 5, undefined],
    ]);
    expect(lines).toContain("a chunk of 3 left 3 submission(s) unfinished at its time limit; grading them one at a time\n");
    const a = JSON.parse(readFileSync(join(summary.reportsDir, "a.json"), "utf8"));
    expect(a.exercises[0].incomplete).toBeUndefined();
  });

  it("stops a submission whose grading hangs and records the time limit as its error", async () => {
    const subs = join(work, "hang");
    write(join(subs, "mallory/01-alpha.ts"), "hang");
    write(join(subs, "trent/01-alpha.ts"), "full");
    const summary = await runBatch({
      submissionsDir: subs,
      outCsv: join(work, "hang.csv"),
      graderRoot: grader,
      workers: 2,
      timeoutMsPerSubmission: 3000,
      chunkSize: 1,
    });
    const [mallory, trent] = summary.outcomes;
    expect(mallory.error).toMatch(/^grading took longer than 3 s and was stopped/);
    expect(summary.wallMs).toBeLessThan(30_000);
    expect(trent.score).toBe(10);
  });

  it("writes a report over a socket planted at its path, and a report it cannot write costs only its own row", async () => {
    const subs = join(work, "planted");
    write(join(subs, "alice/01-alpha.ts"), "full");
    write(join(subs, "bob/01-alpha.ts"), "half");
    write(join(subs, "carol/01-alpha.ts"), "full");
    const reportsDir = join(work, "planted-reports");
    mkdirSync(join(reportsDir, "bob.json"), { recursive: true }); // nothing can be renamed over a folder
    const socket = createServer();
    await new Promise<void>((done) => socket.listen(join(reportsDir, "alice.json"), done));
    try {
      const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "planted.csv"), reportsDir, graderRoot: grader, chunkSize: 1 });
      const csv = readFileSync(join(work, "planted.csv"), "utf8").trim().split("\r\n");
      expect(csv[1]).toBe("alice,10,20,10,0,");
      expect(csv[2]).toMatch(/^bob,0,20,0,0,"graded, but its report could not be written to .*bob\.json \(EISDIR\): grade it again"$/);
      expect(csv[3]).toBe("carol,10,20,10,0,");
      expect(JSON.parse(readFileSync(join(reportsDir, "alice.json"), "utf8")).score).toBe(10);
      expect(summary.outcomes.map((o) => o.id)).toEqual(["alice", "bob", "carol"]);
    } finally {
      socket.close();
    }
  });

  it("turns a report that is not JSON into an error row instead of crashing", async () => {
    const subs = join(work, "garbage");
    write(join(subs, "x/01-alpha.ts"), "garbage");
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "g.csv"), graderRoot: grader });
    expect(summary.outcomes[0].error).toMatch(/^the grader's report is not JSON/);
  });
});

/** Progress that shows nothing and keeps the batch's notes in `notes`. */
function silentProgress(notes: string[]): BatchProgress {
  return { start() {}, begin() {}, finish() {}, done() {}, note: (t: string) => notes.push(t) };
}

describe("a batch's gradebook, reports and work folder, whatever happens", () => {
  it("still writes the gradebook: the grades it had, and every other submission as an error row to grade again", async () => {
    const subs = join(work, "stops");
    write(join(subs, "ann/exercises/01-alpha.ts"), "full");
    write(join(subs, "ben/exercises/01-alpha.ts"), "full");
    write(join(subs, "cat/exercises/01-alpha.ts"), "half");
    const csvPath = join(work, "stops.csv");
    // What fails is beside the point (a disk that filled up, a bug): here, the third chunk's start.
    let begun = 0;
    const progress = { ...silentProgress([]), begin() { if (++begun === 3) throw new Error("no space left on device"); } };
    const stopped = await runBatch({ submissionsDir: subs, outCsv: csvPath, graderRoot: grader, lanes: 1, chunkSize: 1, progress }).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(BatchStoppedError);
    expect((stopped as BatchStoppedError).message).toBe("the batch stopped: no space left on device");
    expect((stopped as BatchStoppedError).csvPath).toBe(csvPath);
    const csv = readFileSync(csvPath, "utf8").trim().split("\r\n");
    expect(csv).toEqual([
      "id,score,max,01,02,error",
      "ann,10,20,10,0,",
      "ben,10,20,10,0,",
      "cat,0,20,0,0,not graded: the batch stopped before this submission (no space left on device); grade it again",
    ]);
  });

  it("writes a gradebook of error rows when the grader to grade with has no exercises", async () => {
    const subs = join(work, "no-grader");
    write(join(subs, "dan/exercises/01-alpha.ts"), "full");
    const empty = mkdtempSync(join(work, "empty-grader-"));
    const stopped = await runBatch({ submissionsDir: subs, outCsv: join(work, "no-grader.csv"), graderRoot: empty }).catch((e: unknown) => e);
    expect((stopped as BatchStoppedError).message).toMatch(/^the batch stopped: ENOENT/);
    expect(readFileSync(join(work, "no-grader.csv"), "utf8")).toMatch(/^dan,0,\d*,.*not graded: the batch stopped before this submission \(ENOENT/m);
  });

  it("says when the reports folder holds reports of submissions from an earlier batch", async () => {
    const subs = join(work, "again");
    write(join(subs, "eve/exercises/01-alpha.ts"), "full");
    const reports = join(work, "again-reports");
    write(join(reports, "zed.json"), "{}");
    write(join(reports, "eve.json"), "{}");
    const notes: string[] = [];
    const progress = silentProgress(notes);
    await runBatch({ submissionsDir: subs, outCsv: join(work, "again.csv"), reportsDir: reports, graderRoot: grader, progress, env: { RL_GRADER_SECRET: "batch-test-secret" } });
    expect(notes).toEqual([`${reports} also holds 1 report(s) of submissions not in this batch (zed.json), from an earlier batch: remove them before you share the folder`]);
    expect(JSON.parse(readFileSync(join(reports, "eve.json"), "utf8")).submission).toBe("eve");
  });

  it("names a work folder it cannot remove instead of failing", () => {
    const notes: string[] = [];
    const failing = (() => { throw new RangeError("Maximum call stack size exceeded"); }) as unknown as typeof rmSync;
    expect(() => removeWorkDir("/tmp/rl-batch-x", silentProgress(notes), failing)).not.toThrow();
    expect(notes).toEqual(["could not remove the batch's work folder /tmp/rl-batch-x (Maximum call stack size exceeded): remove it by hand"]);
  });
});

describe("a batch's grading secret", () => {
  const digests = (reportsDir: string, ids: string[]): string[] =>
    ids.map((id) => JSON.parse(readFileSync(join(reportsDir, `${id}.json`), "utf8")).exercises[0].tests[0].message);

  it("grades every submission under the configured secret", async () => {
    const subs = join(work, "with-secret");
    for (const id of ["ann", "ben", "cat"]) write(join(subs, `${id}/01-alpha.ts`), "secret-digest");
    const notes: string[] = [];
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "with-secret.csv"), graderRoot: grader, lanes: 1, chunkSize: 1, progress: silentProgress(notes), env: { RL_GRADER_SECRET: "batch-test-secret" } });
    expect(digests(summary.reportsDir, ["ann", "ben", "cat"])).toEqual(Array(3).fill(createHash("sha256").update("batch-test-secret").digest("hex").slice(0, 12)));
    expect(notes).toEqual([]);
  });

  it("without one, grades every chunk under one random secret made for the batch, and says so", async () => {
    const subs = join(work, "no-secret");
    for (const id of ["ann", "ben", "cat"]) write(join(subs, `${id}/01-alpha.ts`), "secret-digest");
    const notes: string[] = [];
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "no-secret.csv"), graderRoot: grader, lanes: 1, chunkSize: 1, progress: silentProgress(notes), env: { RL_GRADER_SECRET: "" } });
    const seen = digests(summary.reportsDir, ["ann", "ben", "cat"]);
    expect(seen[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(seen).size).toBe(1);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^no grading secret \(RL_GRADER_SECRET or grader\/\.secret\): .* openssl rand -hex 32 > grader\/\.secret$/);
  });

  it("refuses a secret too short to keep hidden cases hidden, before grading anything", async () => {
    const subs = join(work, "short-secret");
    write(join(subs, "ann/01-alpha.ts"), "full");
    const csvPath = join(work, "short-secret.csv");
    const refused = await runBatch({ submissionsDir: subs, outCsv: csvPath, graderRoot: grader, env: { RL_GRADER_SECRET: "x" } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BatchInputError);
    expect((refused as Error).message).toBe(
      "nothing was graded: the grading secret in RL_GRADER_SECRET is 1 character long; it needs at least 16: a short secret can be guessed, and with it every hidden case. " +
        "Make one with `openssl rand -hex 32 > grader/.secret` (or set RL_GRADER_SECRET to such a value), and keep it for the whole term",
    );
    expect(existsSync(csvPath)).toBe(false);
  });
});

describe("runBatch with this project's grader", () => {
  it("gives a reference solution full marks, an untouched stub zero and a known-wrong variant less", async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), "..");
    const subs = join(work, "real");
    const names = readdirSync(join(root, "solutions")).filter((f) => /^\d{2}-.*\.ts$/.test(f));
    for (const name of names) {
      write(join(subs, "right/exercises", name), readFileSync(join(root, "solutions", name), "utf8"));
      write(join(subs, "wrong/exercises", name), readFileSync(join(root, "solutions", name), "utf8"));
    }
    const variantDir = join(root, "grader/variants", names[0].replace(/\.ts$/, ""));
    const variant = readdirSync(variantDir).filter((f) => f.endsWith(".ts"))[0];
    write(join(subs, "wrong/exercises", names[0]), readFileSync(join(variantDir, variant), "utf8"));
    mkdirSync(join(subs, "untouched"));
    for (const name of names) write(join(subs, "untouched", name), readFileSync(join(root, "exercises", name), "utf8"));
    // A fixed secret: the hidden cases are the same at every run.
    const env = { RL_GRADER_SECRET: "batch-test-secret" };
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "real.csv"), lanes: 1, chunkSize: 3, env });
    const [right, untouched, wrong] = summary.outcomes;
    expect(right.error).toBeUndefined();
    expect(right.maxScore).toBeGreaterThan(0);
    const lost = JSON.parse(readFileSync(join(summary.reportsDir, "right.json"), "utf8"))
      .exercises.flatMap((e: { tests: { name: string; score: number; maxScore: number; message: string }[] }) => e.tests)
      .filter((t: { score: number; maxScore: number }) => t.score < t.maxScore);
    expect(right.score, JSON.stringify(lost)).toBe(right.maxScore);
    expect(untouched.score).toBe(0);
    expect(wrong.score).toBeLessThan(wrong.maxScore);
    const report = JSON.parse(readFileSync(join(summary.reportsDir, "untouched.json"), "utf8"));
    expect(report.exercises[0].tests[0].message).toContain("not implemented yet");
  }, 600_000);
});

describe("a batch with --only", () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const pointsOf = (ids: string[]) => loadExercises(root).filter((e) => ids.includes(e.id)).reduce((sum, e) => sum + e.tests.reduce((p, t) => p + t.points, 0), 0);

  it("grades those exercises alone in every submission, out of their points, and says so in the gradebook, the reports and its progress", async () => {
    const subs = join(work, "only");
    for (const name of readdirSync(join(root, "solutions")).filter((f) => /^\d{2}-.*\.ts$/.test(f))) {
      write(join(subs, "alice/exercises", name), readFileSync(join(root, "solutions", name), "utf8"));
    }
    write(join(subs, "bob/06-fencing.ts"), readFileSync(join(root, "solutions/06-fencing.ts"), "utf8")); // none of 05
    // A file that does not compile, deep in a zip: its messages name it by its path in the zip.
    writeFileSync(join(subs, "carol.zip"), zipSync({ "carol/hw/Lab 2 (final)/05-leader-election.ts": strToU8("export function chooseNewLeader(: string {}\n") }));
    const lines: string[] = [];
    const env = { RL_GRADER_SECRET: "batch-test-secret" };
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "only.csv"), only: ["leader-election"], lanes: 1, chunkSize: 2, env, progress: consoleProgress({ write: (t: string) => lines.push(t) }) });
    const max = pointsOf(["05"]);
    expect(summary.only).toEqual(["05"]);
    expect(lines[0]).toMatch(/^Grading 3 submissions with \d+ workers?: exercise 05 only \(--only\)\.\n$/);
    expect(readFileSync(join(work, "only.csv"), "utf8").trim().split("\r\n")).toEqual([
      "id,score,max,05,exercises,error",
      `alice,${max},${max},${max},05,`,
      `bob,0,${max},0,05,no file of the exercises this batch grades (--only) was found in the submission (expected files named like 05-leader-election.ts)`,
      `carol,0,${max},0,05,`,
    ]);
    const carol = JSON.parse(readFileSync(join(summary.reportsDir, "carol.json"), "utf8"));
    expect(carol.exercises[0].file).toBe("carol/hw/Lab 2 (final)/05-leader-election.ts");
    expect(carol.exercises[0].problem).toMatch(/^does not compile, so this exercise scores zero:\ncarol\/hw\/Lab 2 \(final\)\/05-leader-election\.ts:1:\d+: /);
    const said = `This batch graded exercise 05 only (--only 05): the score is out of its ${max} points; the other exercises were not graded here.`;
    const alice = JSON.parse(readFileSync(join(summary.reportsDir, "alice.json"), "utf8"));
    expect(alice).toMatchObject({ only: ["05-leader-election"], score: max, maxScore: max });
    expect(alice.exercises.map((e: { id: string }) => e.id)).toEqual(["05"]);
    expect(alice.notes).toBe(`${said}\nGraded files: exercises/05-leader-election.ts.`);
    const bob = JSON.parse(readFileSync(join(summary.reportsDir, "bob.json"), "utf8"));
    expect(bob).toMatchObject({ only: ["05-leader-election"], score: 0, maxScore: max, exercises: [] });
    expect(bob.notes.split("\n").slice(0, 2)).toEqual([said, "No exercise files were found in the submission."]);
  }, 600_000);

  it("runs its sandboxes without V8's helper threads, unless asked to keep them", async () => {
    const subs = join(work, "threads");
    write(join(subs, "ann/05-leader-election.ts"), readFileSync(join(root, "solutions/05-leader-election.ts"), "utf8"));
    // The grader's trace names how each exercise's sandboxes ran (sandbox/sandbox.test.ts shows the flag's effect).
    const traced = async (sandboxHelperThreads: boolean): Promise<string[]> => {
      const file = join(work, `threads-${sandboxHelperThreads}.trace`);
      await runBatch({ submissionsDir: subs, outCsv: join(work, `threads-${sandboxHelperThreads}.csv`), only: ["05"], sandboxHelperThreads, env: { RL_GRADER_TRACE: file } });
      return readFileSync(file, "utf8").split("\n").flatMap((l) => /sandbox (\S+): \d+ started( \(without V8's helper threads\))?,/.exec(l)?.slice(1, 3).map((x) => x ?? "") ?? []);
    };
    expect(await traced(false)).toEqual(["05-leader-election", " (without V8's helper threads)"]);
    expect(await traced(true)).toEqual(["05-leader-election", ""]);
  }, 120_000);

  it("refuses an exercise the grader does not have before it writes anything", async () => {
    const subs = join(work, "only-unknown");
    write(join(subs, "ann/exercises/05-leader-election.ts"), "export {};\n");
    const outCsv = join(work, "only-unknown.csv");
    await expect(runBatch({ submissionsDir: subs, outCsv, only: ["42"] })).rejects.toThrow(/^--only: no exercise "42"; the exercises are 01-read-your-writes, /);
    expect(existsSync(outCsv) || existsSync(join(work, "only-unknown-reports"))).toBe(false);
  });

  it("refuses to replace a gradebook of every exercise with its own, and replaces a partial one", async () => {
    const subs = join(work, "only-over");
    write(join(subs, "ann/notes.md"), "no code");
    const whole = join(work, "only-over.csv");
    const wholeText = "id,score,max,01,02,error\r\nann,3,20,1,2,\r\n";
    writeFileSync(whole, wholeText);
    await expect(runBatch({ submissionsDir: subs, outCsv: whole, only: ["03"] })).rejects.toThrow(
      `--out ${whole} holds a gradebook of every exercise; this batch grades exercise 03 only (--only), and would replace it, and the reports beside it, with that exercise's scores alone: give another --out (such as ${whole.replace(/\.csv$/, "")}-03.csv), then put its scores into this one's with npm run merge-grades -- --whole ${whole} --regraded ${whole.replace(/\.csv$/, "")}-03.csv --out NEW.csv`,
    );
    expect(readFileSync(whole, "utf8")).toBe(wholeText);
    const partial = join(work, "only-over-03.csv");
    writeFileSync(partial, "id,score,max,03,exercises,error\r\nann,0,17,0,03,\r\n");
    await runBatch({ submissionsDir: subs, outCsv: partial, only: ["03"] });
    expect(readFileSync(partial, "utf8")).toMatch(/^id,score,max,03,exercises,error\r\nann,0,\d+,0,03,no file of the exercises/);
  });

  it("gives a gradebook in which nothing could be graded the columns and the points of the exercises it grades", async () => {
    const subs = join(work, "none-graded");
    write(join(subs, "ann/notes.md"), "no code");
    write(join(subs, "ben/fencing.ts"), "export {};\n");
    const all = loadExercises(root).map((e) => e.id);
    await runBatch({ submissionsDir: subs, outCsv: join(work, "none-graded.csv") });
    const csv = readFileSync(join(work, "none-graded.csv"), "utf8").trim().split("\r\n");
    expect(csv[0]).toBe(`id,score,max,${all.join(",")},error`);
    expect(csv[1]).toMatch(new RegExp(`^ann,0,${pointsOf(all)},${all.map(() => "0").join(",")},no exercise files were found`));
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "none-graded-03.csv"), only: ["03"] });
    expect(readFileSync(join(work, "none-graded-03.csv"), "utf8").trim().split("\r\n").slice(0, 2)).toEqual([
      "id,score,max,03,exercises,error",
      `ann,0,${pointsOf(["03"])},0,03,no file of the exercises this batch grades (--only) was found in the submission (expected files named like 03-model-registry.ts)`,
    ]);
    expect(JSON.parse(readFileSync(join(summary.reportsDir, "ben.json"), "utf8")).maxScore).toBe(pointsOf(["03"]));
    // --only naming every exercise is a whole batch: nothing says --only.
    const whole = await runBatch({ submissionsDir: subs, outCsv: join(work, "none-graded-all.csv"), only: all });
    expect(whole.only).toBeUndefined();
    expect(readFileSync(join(work, "none-graded-all.csv"), "utf8").split("\r\n")[0]).toBe(`id,score,max,${all.join(",")},error`);
  }, 120_000);
});

describe("a batch report's replay commands", () => {
  it("name each submission as the batch was given it, a zip or a folder, and replay its failing case from there", async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), "..");
    const wrong = readFileSync(join(root, "grader/variants/05-leader-election/ignores-crashed.ts"), "utf8");
    const subs = join(work, "replayable");
    // Only exercise 05 in each: the others are missing and cost nothing to grade.
    write(join(subs, "bob/repo/exercises/05-leader-election.ts"), wrong);
    write(join(subs, "bob/repo/exercises/06-fencing copy.ts"), "export {};\n"); // renamed: named in the report, not graded
    mkdirSync(subs, { recursive: true });
    writeFileSync(join(subs, "alice.zip"), zipSync({ "alice/exercises/05-leader-election.ts": strToU8(wrong) }));
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "replayable.csv"), lanes: 1, chunkSize: 2 });
    expect(summary.outcomes.map((o) => o.id)).toEqual(["alice", "bob"]);
    const bob = JSON.parse(readFileSync(join(summary.reportsDir, "bob.json"), "utf8"));
    const renamed = "exercises/06-fencing.ts is missing; found 'repo/exercises/06-fencing copy.ts' — rename it to 06-fencing.ts and submit again";
    expect(bob.notes).toContain(renamed);
    expect(bob.exercises.find((e: { id: string }) => e.id === "06").problem).toContain(renamed);
    for (const [id, given] of [["alice", join(subs, "alice.zip")], ["bob", join(subs, "bob")]]) {
      const report = JSON.parse(readFileSync(join(summary.reportsDir, `${id}.json`), "utf8"));
      const exercise = report.exercises.find((e: { id: string }) => e.id === "05");
      const failing = exercise?.tests.find((t: { replay?: string }) => t.replay !== undefined);
      expect(failing, `${id}: ${JSON.stringify(report).slice(0, 3000)}`).toBeDefined();
      // The scratch folder the batch graded is gone; the command names what the instructor has.
      expect(failing.replay).toMatch(new RegExp(`^npm run replay -- 05 (--seed \\d+|--case ".+") --target ${given.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
      expect(failing.message).toContain(`Replay the first: ${failing.replay}`);
      const seed = /--seed (\d+)/.exec(failing.replay)?.[1];
      const label = /--case (".+") --target/.exec(failing.replay)?.[1];
      const { replayCase } = await import("./replay");
      const replayed = await replayCase({ exercise: "05", seed: seed === undefined ? undefined : Number(seed), label: label === undefined ? undefined : JSON.parse(label), target: given }, { root });
      expect(replayed.code, replayed.text).toBe(1);
      expect(replayed.text).toContain("✘ FAILS");
      expect(replayed.text).toContain(`From ${given}: Graded files: `);
    }
  }, 600_000);
});

describe("a batch report of an untouched stub with the work in a copy beside it", () => {
  it("names the copy in the exercise's messages, for a folder and a zip alike", async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), "..");
    const stub = readFileSync(join(root, "exercises/06-fencing.ts"), "utf8");
    const work06 = readFileSync(join(root, "solutions/06-fencing.ts"), "utf8");
    const subs = join(work, "stub-and-copy");
    // Only exercise 06 in each: the others are missing and cost nothing to grade.
    write(join(subs, "carol/repo/exercises/06-fencing.ts"), stub);
    write(join(subs, "carol/repo/exercises/06-fencing copy.ts"), work06);
    writeFileSync(join(subs, "dave.zip"), zipSync({ "dave/exercises/06-fencing.ts": strToU8(stub), "dave/exercises/06-fencing copy.ts": strToU8(work06) }));
    const summary = await runBatch({ submissionsDir: subs, outCsv: join(work, "stub-and-copy.csv"), lanes: 1, chunkSize: 2 });
    expect(summary.outcomes.map((o) => [o.id, o.score, o.error])).toEqual([["carol", 0, undefined], ["dave", 0, undefined]]);
    for (const [id, copy] of [["carol", "repo/exercises/06-fencing copy.ts"], ["dave", "dave/exercises/06-fencing copy.ts"]]) {
      const report = JSON.parse(readFileSync(join(summary.reportsDir, `${id}.json`), "utf8"));
      expect(report.notes).not.toContain("found '");
      // The notes say which of the two was graded, whichever holds the work.
      expect(report.notes).toContain(`06-fencing.ts: graded ${copy.replace(" copy", "")}; ignored '${copy}', named like it (a file is graded only under its exact name).`);
      const tests: { message: string }[] = report.exercises.find((e: { id: string }) => e.id === "06").tests;
      expect(tests.length).toBeGreaterThan(0);
      for (const t of tests) {
        expect(t.message, id).toMatch(/not implemented yet/);
        // The file graded is named as uploaded too: its path in the folder, or in the zip.
        expect(t.message, id).toContain(`; '${copy}' is there too, but only ${copy.replace(" copy", "")} is graded: move your work into it`);
      }
    }
  }, 600_000);
});

describe("listSubmissions", () => {
  it("says what a submissions folder must hold when it is missing", () => {
    expect(() => listSubmissions(join(work, "nope"))).toThrow(/is not a folder; give a folder with one sub-folder or \.zip per submission/);
  });

  it("gives a link to nothing and a .zip that is not a file a row each, and a zip beside a folder of its name its own id", () => {
    const dir = join(work, "odd-entries");
    mkdirSync(join(dir, "e4"), { recursive: true });
    writeFileSync(join(dir, "e4.zip"), zipSync({ "05-x.ts": strToU8("x") }));
    symlinkSync("/nonexistent-rl-test", join(dir, "dangling"));
    execFileSync("mkfifo", [join(dir, "pipe.zip")]);
    writeFileSync(join(dir, "notes.txt"), "not a submission");
    const found = listSubmissions(dir);
    expect(found.map((s) => [s.id, s.zipped, s.problem?.replace(/ \(.*/, "")])).toEqual([
      ["dangling", false, "dangling cannot be opened"],
      ["e4", false, undefined],
      ["e4.zip", true, undefined],
      ["pipe", true, "pipe.zip is not a file"],
    ]);
  });
});

describe("listSubmissions, names that are not UTF-8", () => {
  it("gives each an error row with an id of its own, never the entry its bad bytes, read as �, would name", () => {
    const dir = join(work, "not-utf8");
    mkdirSync(join(dir, "bad\ufffd"), { recursive: true });
    for (const last of [0xfe, 0xff]) mkdirSync(Buffer.concat([Buffer.from(`${dir}/bad`), Buffer.from([last])]));
    const found = listSubmissions(dir);
    expect(found.map((s) => [s.id, s.problem?.replace(/ \(.*/, "")])).toEqual([
      ["bad\ufffd", undefined],
      ["bad\ufffd (not UTF-8)", "bad\ufffd has a name that is not valid UTF-8"],
      ["bad\ufffd (not UTF-8)", "bad\ufffd has a name that is not valid UTF-8"],
    ]);
  });
});

describe("fileSafeNames", () => {
  it("keeps ids that differ only in unsafe characters, or in case, apart", () => {
    expect(fileSafeNames(["e2 zoë", "e2 zoé", "E2_zo_", "bob", "bob.zip"])).toEqual(["e2_zo_", "e2_zo_-2", "E2_zo_-3", "bob", "bob.zip"]);
  });
});

describe("gradebookCsv", () => {
  it("quotes commas and neutralises cells a spreadsheet would run as formulas", () => {
    const csv = gradebookCsv([
      { id: "=HYPERLINK(1)", score: 1.23456, maxScore: 2, exercises: { "01": 1.23456 } },
      { id: "o'neil, j", score: 0, maxScore: 0, exercises: {}, error: 'said "no"' },
      { id: "-1+cmd|' /C calc'!A0", score: -1.5, maxScore: 2, exercises: { "01": -1.5 } },
    ]);
    expect(csv).toBe(
      "id,score,max,01,error\r\n'=HYPERLINK(1),1.23,2,1.23,\r\n\"o'neil, j\",0,2,0,\"said \"\"no\"\"\"\r\n'-1+cmd|' /C calc'!A0,-1.5,2,-1.5,\r\n",
    );
  });

  it("gives a gradebook of error rows alone a column per exercise graded, out of the points the batch gave them", () => {
    const rows = [{ id: "ann", score: 0, maxScore: 149, exercises: {}, error: "no exercise files were found in the submission" }];
    expect(gradebookCsv(rows, { exercises: ["02", "01"] })).toBe("id,score,max,01,02,error\r\nann,0,149,0,0,no exercise files were found in the submission\r\n");
    // Beside a graded row, an error row is out of what the graded rows are.
    expect(gradebookCsv([...rows, { id: "bo", score: 3, maxScore: 20, exercises: { "01": 3 } }], { exercises: ["01"] })).toBe(
      "id,score,max,01,error\r\nann,0,20,0,no exercise files were found in the submission\r\nbo,3,20,3,\r\n",
    );
  });

  it("says in a column of its own which exercises a partial gradebook (--only) graded", () => {
    const csv = gradebookCsv([{ id: "bo", score: 3, maxScore: 20, exercises: { "03": 1, "05": 2 } }], { exercises: ["03", "05"], only: true });
    expect(csv).toBe('id,score,max,03,05,exercises,error\r\nbo,3,20,1,2,"03,05",\r\n');
  });
});

describe("parseBatchArgs", () => {
  it("accepts the folder positionally or after --batch", () => {
    expect(parseBatchArgs(["subs", "--out", "g.csv"])).toEqual({ submissionsDir: "subs", outCsv: "g.csv" });
    expect(parseBatchArgs(["--batch", "subs", "--out", "g.csv", "--workers", "3", "--lanes", "1", "--chunk", "5", "--timeout-s", "60"])).toEqual({
      submissionsDir: "subs",
      outCsv: "g.csv",
      workers: 3,
      lanes: 1,
      chunkSize: 5,
      timeoutMsPerSubmission: 60_000,
    });
  });

  it("takes --only as a single grading does, and refuses a value that names nothing", () => {
    expect(parseBatchArgs(["subs", "--out", "g.csv", "--only", "03, leader-election"])).toEqual({ submissionsDir: "subs", outCsv: "g.csv", only: ["03", "leader-election"] });
    expect(() => parseBatchArgs(["subs", "--out", "g.csv", "--only", ","])).toThrow('--only: give the exercises to grade, as in --only 03 or --only 03,05 (got ",")');
    expect(() => parseBatchArgs(["subs", "--out", "g.csv", "--only"])).toThrow("--only needs a value");
  });

  it("refuses the options of a single grading with the reason they mean nothing for a batch", () => {
    const base = ["--batch", "subs", "--out", "g.csv"];
    expect(() => parseBatchArgs([...base, "--public"])).toThrow("--public does not go with --batch: a batch grades for the record, hidden tests included");
    expect(() => parseBatchArgs([...base, "--target", "x"])).toThrow("--target does not go with --batch: --target grades one submission, and --batch DIR grades each folder or zip in DIR");
    expect(() => parseBatchArgs([...base, "--format", "json"])).toThrow("--format does not go with --batch: a batch writes a CSV gradebook (--out)");
    expect(() => parseBatchArgs([...base, "--reveal-hidden"])).toThrow("--reveal-hidden does not go with --batch: a batch's reports are for students and never show hidden cases");
  });

  it("names the option and the value it refuses", () => {
    expect(() => parseBatchArgs(["subs", "--out", "g.csv", "--workers", "0"])).toThrow(
      '--workers must be a whole number of at least 1, got "0"',
    );
    expect(() => parseBatchArgs(["subs", "--out", "g.json"])).toThrow('--out must name a .csv file, got "g.json"');
    expect(() => parseBatchArgs(["subs"])).toThrow("--out grades.csv is required");
  });
});

describe("consoleProgress", () => {
  it("redraws one status line on a terminal", () => {
    const out: string[] = [];
    let t = 0;
    const progress = consoleProgress({ write: (s: string) => out.push(s), isTTY: true, columns: 200 }, () => t);
    progress.start(4, 2);
    progress.begin("a");
    t = 10_000;
    progress.finish({ id: "a", score: 3, maxScore: 4, exercises: {}, durationMs: 10_000 });
    expect(out.at(-1)).toBe("\r\x1b[2K[1/4] 25% · 0 running · elapsed 10.0s · eta 30.0s · last: a 3/4");
    progress.done([], 10_000);
  });

  it("keeps the terminal's clock moving while a chunk is being graded", () => {
    vi.useFakeTimers();
    try {
      const out: string[] = [];
      let t = 0;
      const progress = consoleProgress({ write: (s: string) => out.push(s), isTTY: true, columns: 200 }, () => t);
      progress.start(2, 2);
      t = 3_000;
      vi.advanceTimersByTime(1000);
      expect(out.at(-1)).toBe("\r\x1b[2K[0/2] 0% · 0 running · elapsed 3.0s");
      progress.done([], 3_000);
      const lines = out.length;
      vi.advanceTimersByTime(5000);
      expect(out).toHaveLength(lines);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows an error naming a student's file as plain text, never as escape sequences", () => {
    // A zip holding only a renamed file: the error names it, and the name is the student's.
    const out: string[] = [];
    const progress = consoleProgress({ write: (s: string) => out.push(s) }, () => 0);
    progress.start(1, 1);
    progress.finish({ id: "mallory\x1b]0;x\x07", score: 0, maxScore: 0, exercises: {}, error: "no exercise files; found 'exercises/05-x\x1b]52;c;cm0=\x07\x1b[2J copy.ts'", durationMs: 0 });
    expect(out.at(-1)).toBe("[1/1] mallory\ufffd]0;x\ufffd: error: no exercise files; found 'exercises/05-x\ufffd]52;c;cm0=\ufffd\ufffd[2J copy.ts' (0.0 s)\n");
  });

  it("says which exercises a batch with --only grades", () => {
    const out: string[] = [];
    const progress = consoleProgress({ write: (t: string) => out.push(t) }, () => 0);
    progress.start(3, 2, ["03", "05"]);
    progress.start(1, 1, ["03"]);
    expect(out).toEqual(["Grading 3 submissions with 2 workers: exercises 03, 05 only (--only).\n", "Grading 1 submission with 1 worker: exercise 03 only (--only).\n"]);
  });

  it("formats long durations in minutes", () => {
    expect(clock(75_000)).toBe("1m15s");
  });
});

describe("extractZip", () => {
  it("unpacks exercise files only, leaving folders the walk skips packed", async () => {
    const dest = join(work, "unzip-skips");
    const zip = zipSync({ "repo/exercises/01-alpha.ts": strToU8("mine"), "repo/node_modules/x/01-alpha.ts": strToU8("a package's"), "repo/notes.md": strToU8("notes") });
    expect(await extractZip(zip, dest)).toBe(1);
    expect(readFileSync(join(dest, "repo/exercises/01-alpha.ts"), "utf8")).toBe("mine");
    expect(readdirSync(join(dest, "repo"))).toEqual(["exercises"]);
  });

  it(`refuses a zip of more than ${MAX_ZIP_EXERCISE_FILES} files named like exercises before writing any`, async () => {
    const dest = join(work, "unzip-many");
    const many = Object.fromEntries(Array.from({ length: MAX_ZIP_EXERCISE_FILES + 1 }, (_, i) => [`copy-${i}/01-alpha.ts`, strToU8("x")]));
    await expect(extractZip(zipSync(many), dest)).rejects.toThrow(`the uploaded zip holds more than ${MAX_ZIP_EXERCISE_FILES} files named like exercise files (NN-name.ts); zip only the exercises/ folder`);
    expect(() => readdirSync(dest)).toThrow(/ENOENT/);
    const allowed = Object.fromEntries(Object.entries(many).slice(1));
    expect(await extractZip(zipSync(allowed), dest)).toBe(MAX_ZIP_EXERCISE_FILES);
  });
});
