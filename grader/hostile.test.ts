/**
 * The grader against hostile and broken submissions: the corpus in grader/fixtures/ (a student
 * release leaves it out). Each fixture stands in for one exercise file, `NN-what.ts.txt`, and says
 * in its header what it deserves:
 *
 *   // Deserves: 0                                        an exact score
 *   // Deserves: the same as without its attack lines     the score of the same file with the lines
 *                                                          between `// attack {` and `// } attack`
 *                                                          removed, graded in the same call: the
 *                                                          attack gains nothing
 *
 * Every fixture is graded with static screening off, so that only the sandbox stands between it
 * and the grade; none may score more, or less, than it deserves. A second grading with screening
 * on checks the screen's messages. Beside the scores: no trace of the secret, its keys or a
 * canary file in any report, in any encoding; no network connection; no file written; no
 * control character in feedback; and what one submission does costs no other exercise and no
 * other submission its points, within bounded time.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadExercises } from "./engine/exercises";
import { gradeSubmissions, type Submission } from "./engine/grade";
import type { ExerciseReport, GradeReport } from "./engine/report";
import { formatReport } from "./format/index";
import { isolation } from "./sandbox/launch";
import { hiddenSeedKey } from "./seeds";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const exercises = loadExercises(root);
const SECRET = "hostile-corpus-secret-7f3a9c";
const FORGED = "/tmp/rl-forged";
const WRITTEN = "/tmp/rl-computed-names-was-here";
/** Where 05-unix-socket tries to make a socket file outside its own folder. */
const SOCKET_MADE = "/tmp/rl-made-by-sandbox.sock";
/** Where 05-native-code tries to create a file with libc's open(), through node:ffi. */
const NATIVE_FILE = "/tmp/rl-native-code-was-here";
const CANARY = `canary-${process.pid}-b2e4c6d8`;
const ATTACK = /^[ \t]*\/\/ attack \{\n[\s\S]*?^[ \t]*\/\/ \} attack\n/gm;
const CALL_LIMIT_MS = 30 * 60_000;
const TYPE_CHECK_LIMIT_MS = 10_000;
/** The screen's limit per file, short here: the slow fixture needs ten times as much. */
const SCREEN_LIMIT_MS = 300;
/** The compiler's limits, short here: the fixture slow to compile needs ten times as much. */
const COMPILE_LIMIT_MS = { allMs: 3_000, aloneMs: 2_000 };

interface Fixture {
  name: string;
  /** The exercise file it stands for, e.g. "05-leader-election". */
  exercise: string;
  text: string;
  deserves: number | "twin";
}

let work: string;
let server: Server;
let connections = 0;
const unscreened = new Map<string, GradeReport>();
const screened = new Map<string, ExerciseReport>();
const fixtures: Fixture[] = [];
let elapsedMs = 0;
/** Killing its process group is safe to try only where the sandbox has its own PID namespace. */
const canSignal = isolation().processes;
/** A sandbox is stopped between questions only where it dies with the judge (sandbox/client.ts). */
const pausable = isolation().diesWithParent;

function loadFixtures(port: number, canaryFile: string, socketDir: string): Fixture[] {
  const dir = join(root, "grader/fixtures");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts.txt"))
    .sort()
    .map((file): Fixture => {
      const name = file.slice(0, -".ts.txt".length);
      const exercise = exercises.find((e) => e.id === name.slice(0, 2));
      if (!exercise) throw new Error(`${file}: no exercise ${name.slice(0, 2)}`);
      const text = readFileSync(join(dir, file), "utf8")
        .replaceAll("__PROJECT_ROOT__", root)
        .replaceAll("__NETWORK_PORT__", String(port))
        .replaceAll("__CANARY_FILE__", canaryFile)
        .replaceAll("__SOCKET_DIR__", socketDir)
        .replaceAll("__NATIVE_FILE__", NATIVE_FILE);
      const said = /^\/\/ Deserves: (.*)$/m.exec(text)?.[1] ?? "";
      const deserves: Fixture["deserves"] | undefined = /^\d+(\.\d+)?$/.test(said) ? Number(said) : said === "the same as without its attack lines" ? "twin" : undefined;
      if (deserves === undefined) throw new Error(`${file}: its header must say "// Deserves: N" or "// Deserves: the same as without its attack lines"`);
      if (deserves === "twin" && !ATTACK.test(text)) throw new Error(`${file}: no "// attack {" … "// } attack" lines`);
      ATTACK.lastIndex = 0;
      return { name, exercise: exercise.name, text, deserves };
    })
    .filter((f) => (canSignal || f.name !== "05-kills-group") && (pausable || f.name !== "04-works-between-answers"));
}

/** A submission folder holding `files` (exercise name -> source), graded for those exercises only. */
function submission(id: string, files: Record<string, string>): Submission {
  const dir = join(work, id);
  mkdirSync(dir, { recursive: true });
  for (const [exercise, text] of Object.entries(files)) writeFileSync(join(dir, `${exercise}.ts`), text);
  return { dir, display: id, only: Object.keys(files) };
}

const solution = (exercise: string) => readFileSync(join(root, "solutions", `${exercise}.ts`), "utf8");
const HONEST = "honest-neighbour";
const LINKED = "05-links-a-file";

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "rl-hostile-"));
  rmSync(FORGED, { recursive: true, force: true });
  rmSync(WRITTEN, { force: true });
  rmSync(SOCKET_MADE, { force: true });
  rmSync(NATIVE_FILE, { force: true });
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as { port: number }).port;
  const canaryFile = join(work, "canary.ts");
  writeFileSync(canaryFile, `export const ${CANARY.replaceAll("-", "_")} = "${CANARY}";\n`);
  // Where the Unix socket fixture aims in the corpus: a folder with no listener (the last test
  // below grades it again with one).
  const socketDir = join(work, "sockets");
  mkdirSync(socketDir);
  fixtures.push(...loadFixtures(port, canaryFile, socketDir));

  const runtime: Submission[] = [];
  for (const f of fixtures) {
    // The process killer also hands in a right answer to another exercise, which must keep its points.
    const extra: Record<string, string> = f.name === "05-kills-group" ? { "06-fencing": solution("06-fencing") } : {};
    runtime.push(submission(f.name, { [f.exercise]: f.text, ...extra }));
    if (f.deserves === "twin") runtime.push(submission(`${f.name}.twin`, { [f.exercise]: f.text.replace(ATTACK, "") }));
  }
  runtime.push(submission(HONEST, { "05-leader-election": solution("05-leader-election"), "06-fencing": solution("06-fencing") }));
  // A link in place of an exercise file, to a file the grader may read and the student may not.
  const linked = submission(LINKED, {});
  symlinkSync(canaryFile, join(linked.dir, "05-leader-election.ts"));
  runtime.push({ ...linked, only: ["05-leader-election"] });
  // A generous limit for the whole call: a busy machine slows everything, and the point here is
  // that every fixture is stopped and graded, not how fast (bench:grader measures speed).
  // The type check's limit is short here so that the type bomb costs a test run seconds, not minutes.
  const options = { root, exercises, secret: SECRET, timeoutMs: CALL_LIMIT_MS, typeCheckLimitMs: TYPE_CHECK_LIMIT_MS, compileLimitMs: COMPILE_LIMIT_MS };
  const started = Date.now();
  const [withoutScreen, withScreen] = await Promise.all([
    gradeSubmissions(runtime, { ...options, screen: false }),
    gradeSubmissions(fixtures.map((f) => ({ ...submission(`screened-${f.name}`, { [f.exercise]: f.text }), display: f.name })), { ...options, screenLimitMs: SCREEN_LIMIT_MS }),
  ]);
  elapsedMs = Date.now() - started;
  withoutScreen.forEach((r) => unscreened.set(r.target, r));
  withScreen.forEach((r) => screened.set(r.target, r.exercises[0]));
}, CALL_LIMIT_MS + 120_000);

afterAll(() => {
  server?.close();
  rmSync(work, { recursive: true, force: true });
  // Made where the sandbox has no root of its own (the documented weaker case).
  rmSync(SOCKET_MADE, { force: true });
});

const exerciseOf = (id: string, exercise: string) => unscreened.get(id)?.exercises.find((e) => e.name === exercise);
const messages = (r: ExerciseReport | undefined) => (r ? [r.problem ?? "", ...r.tests.map((t) => t.message)].join("\n") : "");

describe("every submission of the hostile corpus gets exactly the score it deserves, with the sandbox alone", () => {
  test("the corpus has a fixture for every class of attack", () => {
    const names = fixtures.map((f) => f.name);
    for (const expected of ["computed-names", "rewrites-results", "getter-reads-twice", "patched-iterator", "leaks-secret", "network", "unix-socket", "atomics-wait", "native-code"]) {
      expect(names.some((n) => n.endsWith(expected)), expected).toBe(true);
    }
    if (canSignal) expect(names).toContain("05-kills-group");
  });

  test.each(readdirSync(join(root, "grader/fixtures")).filter((f) => f.endsWith(".ts.txt")).map((f) => f.slice(0, -7)))("%s", (name) => {
    const f = fixtures.find((x) => x.name === name);
    if (!f) return; // the process killer, where signals cannot be confined, or the loop left running, where sandboxes are not stopped (see above)
    const got = exerciseOf(name, f.exercise);
    expect(got, `no report for ${name}`).toBeDefined();
    const want = f.deserves === "twin" ? exerciseOf(`${name}.twin`, f.exercise)!.score : f.deserves;
    expect(got!.score, messages(got)).toBe(want);
    expect(messages(got)).not.toMatch(/ESCAPED/);
  });
});

describe("what the hostile corpus must not get, besides points", () => {
  test("no report holds the secret, a key derived from it or a canary file's text, in any encoding", () => {
    const everything = JSON.stringify([...unscreened.values(), ...screened.values()]);
    const keys = exercises.map((e) => hiddenSeedKey(SECRET, e.id));
    for (const secret of [SECRET, ...keys, CANARY]) {
      for (const encoded of [secret, [...secret].reverse().join(""), Buffer.from(secret).toString("base64").slice(0, 24), Buffer.from(secret).toString("hex").slice(0, 32)]) {
        expect(everything).not.toContain(encoded);
      }
    }
  });

  test.skipIf(!isolation().network)("no submission reaches the network, not even this machine's loopback", () => {
    expect(exerciseOf("05-network", "05-leader-election")?.score).toBeGreaterThan(0);
    expect(connections).toBe(0);
  });

  test("nothing a submission kept from a hidden case reaches any feedback", () => {
    const kept = exerciseOf("05-keeps-hidden-inputs", "05-leader-election");
    expect(kept).toBeDefined();
    expect(JSON.stringify(kept)).not.toContain("LEAK");
  });

  test("an error named like the grader's own shows nothing of the hidden case it was thrown in", () => {
    const named = exerciseOf("05-names-its-error", "05-leader-election")!;
    expect(named).toBeDefined();
    for (const r of [...unscreened.values()]) expect(JSON.stringify(r)).not.toContain("NAMES-ITS-ERROR");
    const large = named.tests.find((t) => /large clusters/.test(t.name))!;
    expect(large.message).toMatch(/^0 of 10 hidden cases passed \(hidden cases show no details; the public tests check the same rules\)$/);
  });

  test("no file is written", () => {
    expect(existsSync(FORGED)).toBe(false);
    expect(existsSync(WRITTEN)).toBe(false);
    expect(existsSync(NATIVE_FILE)).toBe(false);
  });

  test("feedback holds no control characters (a terminal escape cannot redraw the score)", () => {
    const r = exerciseOf("05-terminal-escapes", "05-leader-election");
    expect(messages(r)).toContain("\ufffd[2J");
    // eslint-disable-next-line no-control-regex
    expect(JSON.stringify([...unscreened.values()]).replace(/\\n/g, "")).not.toMatch(/\\u00(0[0-8bcef]|1[0-9a-f])/);
  });

  test.skipIf(!canSignal)("a submission that kills its process group costs only its own exercise: its other exercise and its neighbours keep their points", () => {
    const killer = unscreened.get("05-kills-group")!;
    expect(killer.exercises.find((e) => e.name === "06-fencing")?.score).toBe(20);
    for (const r of unscreened.values()) {
      if (r.target === "05-kills-group") continue;
      expect(JSON.stringify(r)).not.toContain("100/100");
    }
  });

  test("a grading with hidden tests shows nothing the code printed: it sees the hidden inputs", () => {
    expect(exerciseOf("05-prints-inputs", "05-leader-election")?.score).toBe(24);
    for (const r of [...unscreened.values(), ...screened.values()]) {
      const exercisesOf = "exercises" in r ? r.exercises : [r];
      for (const e of exercisesOf) expect(e.printed, e.name).toBeUndefined();
      expect(JSON.stringify(r)).not.toContain("PRINTS-INPUTS");
    }
  });

  test("a grading with hidden tests runs every test after a case that ran out of time, for its partial credit", () => {
    for (const r of unscreened.values()) for (const e of r.exercises) for (const t of e.tests) expect(t.message, `${r.target} ${t.name}`).not.toMatch(/not run in this check/);
    const looping = exerciseOf("05-infinite-loop", "05-leader-election")!;
    const hung = looping.tests.findIndex((t) => /CaseTimeout/.test(t.message));
    expect(hung).toBeGreaterThanOrEqual(0);
    expect(looping.tests.slice(hung + 1).some((t) => t.status === "passed")).toBe(true);
  });

  test("the submissions graded with the corpus keep their full marks", () => {
    const honest = unscreened.get(HONEST)!;
    expect(honest.exercises.map((e) => [e.name, e.score, e.maxScore])).toEqual([
      ["05-leader-election", 24, 24],
      ["06-fencing", 20, 20],
    ]);
  });

  test("the whole corpus grades to the end, blocking and looping submissions included: no exercise is left unfinished", () => {
    expect(elapsedMs).toBeLessThan(CALL_LIMIT_MS);
    for (const r of unscreened.values()) for (const e of r.exercises) expect(e.incomplete, `${r.target} ${e.name}`).toBeUndefined();
  });

  test("types that take the compiler minutes cost only their own submission its type errors", () => {
    // Stopped at its limit of CPU time (or, on a machine too busy to give it one, at ten times that on the wall clock).
    const stopped = new RegExp(`^the type check (used more than ${TYPE_CHECK_LIMIT_MS / 1000} s of CPU time|took longer than ${(10 * TYPE_CHECK_LIMIT_MS) / 1000} s) and was stopped \\(no type errors are reported\\)$`);
    expect(exerciseOf("05-type-bomb", "05-leader-election")?.typeErrors).toEqual([expect.stringMatching(stopped)]);
    expect(exerciseOf("05-type-bomb.twin", "05-leader-election")?.typeErrors).toBeUndefined();
    // Graded in the same calls, with and without the screen: their type errors are still reported.
    expect(exerciseOf("05-type-error", "05-leader-election")?.typeErrors?.join("\n")).toMatch(/does not fit the exercise's signature/);
    expect(screened.get("05-type-error")?.typeErrors?.join("\n")).toMatch(/does not fit the exercise's signature/);
  });

  test("a failure says what happened: a timeout, running out of memory, exiting, failing to load", () => {
    expect(messages(exerciseOf("05-atomics-wait", "05-leader-election"))).toMatch(/did not answer within .* (Atomics\.wait|never settles)/);
    // Filling 128 MB a step reaches the heap limit after about 1 CPU-s on a quiet machine; on a busy
    // one, its page faults can use up the case's 2 s of CPU first. Either message says what
    // happened (grader/sandbox/sandbox.test.ts pins the out-of-memory message itself).
    expect(messages(exerciseOf("05-huge-allocation", "05-leader-election"))).toMatch(/ran out of memory|used more than 2 s of CPU time/);
    expect(messages(exerciseOf("05-process-exit", "05-leader-election"))).toMatch(/exited with code 0 .*process\.exit/);
    expect(exerciseOf("05-top-level-loop", "05-leader-election")?.problem).toMatch(/^loading the exercise never finished: it (used more than 5 s of CPU time|did not answer within)/);
    expect(exerciseOf("05-throws-on-import", "05-leader-election")?.problem).toMatch(/^the exercise failed to load: SyntaxError: .*JSON.*\(at 05-throws-on-import\/05-leader-election\.ts:\d+:\d+\)/);
    expect(exerciseOf("05-syntax-error", "05-leader-election")?.problem).toMatch(/does not compile[\s\S]*05-syntax-error\/05-leader-election\.ts:\d+:\d+/);
    expect(exerciseOf("05-imports-solution-by-path", "05-leader-election")?.problem).toMatch(/cannot import .*solutions\/05-leader-election.*: exercise files may import only the library/);
    expect(exerciseOf("05-imports-package", "05-leader-election")?.problem).toMatch(/does not compile[\s\S]*cannot import "fast-check": exercise files may import only the library/);
    expect(exerciseOf("05-type-error", "05-leader-election")?.typeErrors?.join("\n")).toMatch(/does not fit the exercise's signature/);
    expect(messages(exerciseOf("01-random-afterwards", "01-read-your-writes"))).toMatch(/ctx\.random\(\) was called after the router had returned/);
    expect(messages(exerciseOf("01-forged-draws", "01-read-your-writes"))).toMatch(/read 0: the router's log says it drew 10000 numbers from ctx\.random\(\), but a read may draw at most 1000/);
    expect(exerciseOf(LINKED, "05-leader-election")?.problem).toMatch(/is a link, not a file/);
  });
});

describe("with screening on, the screen refuses what it recognises, with the line and the reason", () => {
  test.each([
    ["05-process-exit", /uses `process`/],
    ["05-patched-expect", /imports "vitest" \(the test runner\)/],
    ["05-patched-math-random", /patches the built-in `Math`/],
    ["05-forged-results", /imports "node:fs"/],
    ["05-reads-secret", /imports "node:fs"[\s\S]*uses `process`/],
    ["05-imports-grader", /imports "\.\.\/solutions\/05-leader-election" \(the grader or its answers\)/],
    ["05-computed-names", /imports "node:child_process"/],
    // esbuild would fail on it too: the screen's reason comes first.
    ["05-broken-and-reaching", /uses `process`/],
  ])("%s", (name, reason) => {
    const r = screened.get(name);
    expect(r?.score).toBe(0);
    expect(r?.problem).toMatch(/^rejected before running/);
    expect(r?.problem).toMatch(reason);
    expect(r?.problem).toMatch(new RegExp(`${name}/05-leader-election\\.ts:\\d+:`));
  });

  test("a file nested too deeply for the screen's parser is refused alone, and says why", () => {
    const r = screened.get("05-deep-nesting");
    expect(r?.score).toBe(0);
    expect(r?.problem).toMatch(/^05-deep-nesting\/05-leader-election\.ts is nested too deeply to read \(.*\), so this exercise scores zero$/);
    // The rest of the same grading call was graded: every fixture has its report.
    expect(fixtures.filter((f) => !screened.has(f.name)).map((f) => f.name)).toEqual([]);
    expect(screened.get("05-type-bomb")?.score).toBe(24);
  });

  test("a file that takes the screen's parser too long is refused alone, and says why", () => {
    const r = screened.get("05-slow-to-parse");
    expect(r?.score).toBe(0);
    expect(r?.problem).toMatch(/^05-slow-to-parse\/05-leader-election\.ts took too long to read: screening it before it runs used more than 300 ms of CPU time \(.*\), so this exercise scores zero$/);
    // Graded after it in the same call, by a new worker: the other fixtures have their own results.
    expect(screened.get("05-syntax-error")?.problem).toMatch(/does not compile/);
    expect(screened.get("05-type-bomb")?.score).toBe(24);
  });

  test("a file that takes esbuild too long is refused alone, with the screen on or off, and says why", () => {
    const said = /^05-slow-to-compile\/05-leader-election\.ts could not be compiled in time: esbuild used more than 2 s of CPU time compiling it \(.*\), so this exercise scores zero$/;
    expect(screened.get("05-slow-to-compile")?.problem).toMatch(said);
    expect(exerciseOf("05-slow-to-compile", "05-leader-election")?.problem).toMatch(said);
    // The rest of both calls compiled: the honest neighbour keeps its points.
    expect(unscreened.get(HONEST)?.score).toBe(unscreened.get(HONEST)?.maxScore);
    expect(screened.get("05-type-bomb")?.score).toBe(24);
  });

  test("no fixture scores more with the screen than without it", () => {
    for (const f of fixtures) {
      const without = exerciseOf(f.name, f.exercise)!.score;
      expect(screened.get(f.name)!.score, f.name).toBeLessThanOrEqual(without);
    }
  });
});

describe("a check (public tests only) of code that loops, stops or prints", () => {
  const checked = new Map<string, ExerciseReport>();
  const fixture = (name: string) => readFileSync(join(root, `grader/fixtures/${name}.ts.txt`), "utf8");
  beforeAll(async () => {
    const names = ["05-infinite-loop", "05-process-exit", "05-prints-inputs"];
    const subs = names.map((name) => submission(`check-${name}`, { "05-leader-election": fixture(name) }));
    const reports = await gradeSubmissions(subs, { root, exercises, publicOnly: true, screen: false, typeCheck: false, timeoutMs: CALL_LIMIT_MS });
    reports.forEach((r, i) => checked.set(names[i], r.exercises[0]));
  }, CALL_LIMIT_MS);

  /** The test at which the code stopped, and the tests after it. */
  const stoppedAt = (e: ExerciseReport, failure: RegExp) => {
    const at = e.tests.findIndex((t) => failure.test(t.message));
    expect(at, messages(e)).toBeGreaterThanOrEqual(0);
    return { at, stopper: e.tests[at], before: e.tests.slice(0, at), after: e.tests.slice(at + 1) };
  };

  test("after a case runs out of time, the exercise's later tests are not run, each saying why", () => {
    const e = checked.get("05-infinite-loop")!;
    const { stopper, before, after } = stoppedAt(e, /threw CaseTimeout/);
    expect(after.length).toBeGreaterThan(0);
    for (const t of before) expect(t.status, t.name).toBe("passed");
    const why = new RegExp(`^not run in this check: test "${stopper.name.replace(/[()]/g, "\\$&")}" ran out of time at (seed \\d+|case ".+") \\(an endless loop\\?\\); fix that first \\(a full grading runs every test\\)$`);
    for (const t of after) {
      expect(t.message, t.name).toMatch(why);
      expect([t.status, t.score, t.notRun]).toEqual(["failed", 0, true]);
    }
    for (const t of [...before, stopper]) expect(t.notRun, t.name).toBeUndefined();
  });

  test("after the code stops answering (its process exits), the later tests are not run, each saying why", () => {
    const e = checked.get("05-process-exit")!;
    const { stopper, after } = stoppedAt(e, /stopped answering: .*exited with code 0/);
    expect(after.length).toBeGreaterThan(0);
    for (const t of after) expect(t.notRun).toBe(true);
    for (const t of after) expect(t.message).toBe(`not run in this check: the exercise's code stopped answering in test "${stopper.name}" at ${/^(seed \d+|case ".+?"): threw/m.exec(stopper.message.split("\n")[1])?.[1]}; fix that first (a full grading runs every test)`);
  });

  test("what the code printed comes with the result: its first lines, cleaned, with what was left out counted", () => {
    const e = checked.get("05-prints-inputs")!;
    expect(e.score).toBe(e.maxScore);
    const printed = e.printed!;
    expect(printed).toBeDefined();
    const lines = printed.text.split("\n");
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(printed.text.length).toBeLessThanOrEqual(2_000);
    expect(lines.some((l) => /^PRINTS-INPUTS \d+ \[\{"name":/.test(l))).toBe(true);
    expect(printed.text).toContain("\ufffd[2J\ufffd[HTotal: 24/24 points");
    // eslint-disable-next-line no-control-regex
    expect(printed.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(printed.moreLines).toBeGreaterThan(0);
    expect(printed.moreChars).toBeGreaterThan(0);
    // On the terminal, every printed line is marked as the student's: none passes for the grader's total.
    const table = formatReport({ score: e.score, maxScore: e.maxScore, exercises: [e], target: "x", publicOnly: true, hiddenSeeds: "not run", durationMs: 0 }, "table").trimEnd().split("\n");
    expect(table.filter((l) => /^\s*Total:/.test(l))).toEqual([`Total: ${e.score}/${e.maxScore} points`]);
    expect(table).toContain("  Printed by your code while the public tests ran (your own output, not the grader's; not graded):");
    expect(table.filter((l) => l.includes("PRINTS-INPUTS")).every((l) => l.startsWith("    │ PRINTS-INPUTS"))).toBe(true);
  });
});

describe("a grading call that runs out of time", () => {
  test("still reports every test of every exercise, with the reason", async () => {
    const blocked = submission("out-of-time", { "05-leader-election": readFileSync(join(root, "grader/fixtures/05-atomics-wait.ts.txt"), "utf8") });
    const [report] = await gradeSubmissions([blocked], { root, exercises, timeoutMs: 5_000, screen: false });
    const e = report.exercises[0];
    expect(e.incomplete).toMatch(/time limit ran out/);
    expect(e.tests).toHaveLength(exercises.find((x) => x.id === "05")!.tests.length);
    expect(e.score).toBe(0);
  }, 120_000);
});

describe("an error the student's code throws", () => {
  test("is shown with its place in the student's own file, not the compiled one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rl-thrown-"));
    try {
      const entry = "export function chooseNewLeader(followers: readonly FollowerState[]): string | null {\n";
      const text = solution("05-leader-election");
      expect(text).toContain(entry);
      const throwing = text.replace(entry, `${entry}  const nobody = followers.find((f) => f.name === "nobody") as FollowerState;\n  if (followers.length > 0) return nobody.name;\n`);
      const line = throwing.split("\n").findIndex((l) => l.includes("return nobody.name")) + 1;
      mkdirSync(join(dir, "mine"));
      writeFileSync(join(dir, "mine", "05-leader-election.ts"), throwing);
      const [report] = await gradeSubmissions([{ dir: join(dir, "mine"), display: "mine" }], { root, exercises: exercises.filter((e) => e.id === "05"), screen: false, publicOnly: true });
      const messages = report.exercises[0].tests.map((t) => t.message).join("\n");
      expect(messages).toContain(`threw TypeError: Cannot read properties of undefined (reading 'name') (at mine/05-leader-election.ts:${line}:`);
      expect(messages).not.toMatch(/\.mjs|rl-thrown-/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("submissions graded in one call never share a process", () => {
  test("what one submission leaves in its process's globals, the next one graded does not see", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rl-shared-process-"));
    try {
      const text = solution("05-leader-election");
      const entry = "export function chooseNewLeader(followers: readonly FollowerState[]): string | null {\n";
      expect(text).toContain(entry);
      // The first submission marks its process; the second gives wrong answers in a marked one.
      const marks = text.replace(entry, `(globalThis as Record<string, unknown>).rlMark = "left by the first";\n${entry}`);
      const reads = text.replace(entry, `${entry}  if ((globalThis as Record<string, unknown>).rlMark) return null;\n`);
      const staged = [marks, reads].map((source, i) => {
        const sub = join(dir, `s${i}`);
        mkdirSync(sub);
        writeFileSync(join(sub, "05-leader-election.ts"), source);
        return { dir: sub, display: `s${i}` };
      });
      const [first, second] = await gradeSubmissions(staged, { root, exercises: exercises.filter((e) => e.id === "05"), screen: false, maxWorkers: 1 });
      expect(first.score).toBe(first.maxScore);
      expect(second.score).toBe(second.maxScore);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("the host's Unix sockets and file system", () => {
  // Where the sandbox has no root of its own, `npm run grade -- --isolation` and every grading's
  // warning say that it can reach them (launch.ts): nothing to check here.
  test.skipIf(!isolation().fileSystem)("a submission reaches no Unix socket of the host and makes no socket file: its own root holds neither, and nothing in it is writable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rl-unix-socket-"));
    let connections = 0;
    const received: string[] = [];
    const listener = createServer((socket) => {
      connections++;
      socket.on("data", (d) => received.push(String(d)));
    });
    try {
      await new Promise<void>((done) => listener.listen(join(dir, "listen.sock"), done));
      const text = readFileSync(join(root, "grader/fixtures/05-unix-socket.ts.txt"), "utf8").replaceAll("__SOCKET_DIR__", dir);
      const [report] = await gradeSubmissions([submission("unix-socket-listened", { "05-leader-election": text })], {
        root,
        exercises: exercises.filter((e) => e.id === "05"),
        screen: false,
      });
      // A right answer, and the attack gains nothing: exactly full marks.
      expect(report.exercises[0].score, messages(report.exercises[0])).toBe(24);
      expect(report.exercises[0].maxScore).toBe(24);
      expect(connections).toBe(0);
      expect(received).toEqual([]);
      expect(readdirSync(dir)).toEqual(["listen.sock"]);
      expect(existsSync(SOCKET_MADE)).toBe(false);
    } finally {
      listener.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
