/**
 * The replay command a failing case's feedback prints: run as printed, it must replay what was
 * graded, so files graded from elsewhere than exercises/ are named with --target.
 */
import { describe, expect, it } from "vitest";
import type { Exercise } from "./exercises";
import type { TestEvent } from "./run-vitest";
import { replayCommand, scoreExercise } from "./score";

describe("replayCommand", () => {
  it("replays a student's own exercises/ as it is, and names any other target", () => {
    expect(replayCommand("05", { ok: false, case: "seed 42", seed: 42 })).toBe("npm run replay -- 05 --seed 42");
    expect(replayCommand("05", { ok: false, case: "ties", label: "equal logs" }, "exercises")).toBe('npm run replay -- 05 --case "equal logs"');
    expect(replayCommand("05", { ok: false, case: "seed 42", seed: 42 }, "solutions")).toBe("npm run replay -- 05 --seed 42 --target solutions");
    expect(replayCommand("09", { ok: false, case: "seed 3", seed: 3 }, "../v1")).toBe("npm run replay -- 09 --seed 3 --target ../v1");
    expect(replayCommand("09", { ok: false, case: "seed 3", seed: 3 }, "my work/it's here")).toBe("npm run replay -- 09 --seed 3 --target 'my work/it'\\''s here'");
    expect(replayCommand("09", { ok: false, case: "a case without a seed or label" }, "solutions")).toBeUndefined();
  });

  it("names the test a seed came from, quoted for a shell; a labelled case needs no test", () => {
    expect(replayCommand("01", { ok: false, case: "seed 7", seed: 7 }, "exercises", "the text's example: busy clients")).toBe(`npm run replay -- 01 --seed 7 --test "the text's example: busy clients"`);
    expect(replayCommand("01", { ok: false, case: "seed 7", seed: 7 }, "solutions", 'costs $5 "now"')).toBe(`npm run replay -- 01 --seed 7 --test 'costs $5 "now"' --target solutions`);
    expect(replayCommand("05", { ok: false, case: "ties", label: "equal logs" }, "exercises", "ties")).toBe('npm run replay -- 05 --case "equal logs"');
  });
});

/** An exercise of one graded test, as loadExercises would describe it. */
function oneTestExercise(name: string, test: Exercise["tests"][number]): Exercise {
  return { id: name.slice(0, 2), name, testFile: `grader/exercises/${name}.test.ts`, meta: { title: name, hints: [] } as unknown as Exercise["meta"], tests: [test], problems: [], metaProblems: [] };
}

/** The message `scoreExercise` gives the one test of `exercise` when it failed with `meta`. */
function messageFor(exercise: Exercise, meta: NonNullable<TestEvent["meta"]>, errorName = "GradedFailure"): string {
  const name = exercise.tests[0].name;
  const failed = meta.total - meta.passed;
  const event: TestEvent = {
    name,
    state: "failed",
    errors: [{ name: errorName, message: `${failed} of ${meta.total} cases failed`, stack: "" }],
    durationMs: 1,
    meta,
  };
  const outcome = { kind: "ran" as const, tests: new Map([[name, event]]), moduleErrors: [] };
  const ctx = { file: `exercises/${exercise.name}.ts`, revealHidden: false, redact: [], stagePath: "/stage", displayDir: "exercises" };
  return scoreExercise(exercise, exercise.tests, outcome, ctx).tests[0].message;
}

describe("a hidden case that stopped the code", () => {
  // The student's code sees the hidden inputs and chooses how its process ends: process.exit(n) with
  // n computed from a hidden cluster would show eight bits of it in the feedback.
  const exercise = oneTestExercise("05-leader-election", { name: "hidden clusters", points: 2, visibility: "hidden" });
  const stoppedBy = (message: string): string =>
    messageFor(exercise, {
      passed: 9,
      total: 10,
      fraction: 0.9,
      failures: [{ case: "seed 4242", seed: 4242, ok: false, error: { name: "SandboxFailure", message, stopped: "sandbox" } }],
    });

  it("says so in the grader's words, without the exit code or signal the code chose", () => {
    const exited = stoppedBy("the exercise's code stopped answering: its process exited with code 173 while the grader was waiting for an answer (process.exit, or an error nothing caught: thrown in a timer or a callback, or a promise rejected that nobody awaited)");
    expect(exited).toBe(
      "9 of 10 hidden cases passed (hidden cases show no details; the public tests check the same rules). In a hidden case, " +
        "the exercise's code stopped answering: its process exited while the grader was waiting for an answer (process.exit, or an error nothing caught: thrown in a timer or a callback, or a promise rejected that nobody awaited)",
    );
    expect(exited).not.toMatch(/173|4242/);
    const signalled = stoppedBy("the exercise's code stopped answering: its process was stopped by SIGUSR2");
    expect(signalled).toMatch(/its process was stopped by a signal$/);
    expect(signalled).not.toContain("SIGUSR2");
  });
});

describe("a public test whose code stopped in a case", () => {
  it("counts the cases skipped after it among the failed, and says they were not run", () => {
    const exercise = oneTestExercise("06-fencing", { name: "random runs", points: 2, visibility: "public" });
    const message = messageFor(exercise, {
      passed: 2,
      total: 10,
      fraction: 0.2,
      skipped: 7,
      failures: [
        { case: "seed 3", seed: 3, ok: false, error: { name: "CaseTimeout", message: "ran out of time", stopped: "timeout" } },
        { case: "seed 4", seed: 4, ok: false, rule: "not run", details: "skipped: seed 3 did not finish" },
      ],
    });
    expect(message.split("\n")[0]).toBe("8 of 10 cases failed (7 of them not run: an earlier case stopped the code).");
  });
});

describe("a hidden test, whatever the student's code threw", () => {
  // The code sees the hidden inputs while it runs: any text it chooses (an error's name or message,
  // a stub's message, a note) could carry them into the feedback. Only the grader's words show.
  const exercise = oneTestExercise("05-leader-election", { name: "hidden clusters", points: 2, visibility: "hidden" });
  const cluster = "M/1/4/1001/1001/2,E/1/5/1002/998/3";

  it("does not take an error named like the grader's own for the grader's", () => {
    for (const name of ["SandboxFailure", "CaseTimeout"]) {
      const message = messageFor(exercise, { passed: 9, total: 10, fraction: 0.9, failures: [{ case: "seed 4242", seed: 4242, ok: false, error: { name, message: `LEAKED ${cluster}` } }] });
      expect(message).toBe("9 of 10 hidden cases passed (hidden cases show no details; the public tests check the same rules)");
    }
  });

  it("shows no name the code chose when the test itself threw", () => {
    const meta = { passed: 3, total: 3, fraction: 1, failures: [] };
    expect(messageFor(exercise, meta, `Leak_${cluster}`)).toBe("failed after its cases passed (an error; hidden cases show no details)");
    expect(messageFor(exercise, meta, "AssertionError")).toBe("failed after its cases passed (AssertionError; hidden cases show no details)");
    const none = { passed: 0, total: 0, fraction: 0, failures: [{ case: "the test", ok: false }] };
    expect(messageFor(exercise, none, `Leak_${cluster}`)).toBe("failed on hidden cases (an error; hidden cases show no details)");
  });

  it("says in its own words that the function is not written yet", () => {
    const message = messageFor(exercise, {
      passed: 0,
      total: 10,
      fraction: 0,
      notImplemented: `05: not implemented yet ${cluster}`,
      failures: [{ case: "seed 1", seed: 1, ok: false, error: { name: "NotImplementedError", message: `05: not implemented yet ${cluster}` } }],
    });
    expect(message).toBe("not implemented yet: the function still throws NotImplementedError (the public tests show its message)");
  });

  it("leaves out its notes for a human grader, which could be written from hidden inputs", () => {
    const message = messageFor(exercise, { passed: 10, total: 10, fraction: 1, failures: [], notes: [{ label: "why", text: cluster }] });
    expect(message).not.toContain(cluster);
    const visible = oneTestExercise("05-leader-election", { name: "public clusters", points: 2, visibility: "public" });
    expect(messageFor(visible, { passed: 9, total: 10, fraction: 0.9, failures: [], notes: [{ label: "why", text: "because" }] })).toContain("- why: because");
  });
});
