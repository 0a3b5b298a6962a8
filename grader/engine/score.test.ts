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

describe("a hidden case that stopped the code", () => {
  // The student's code sees the hidden inputs and chooses how its process ends: process.exit(n) with
  // n computed from a hidden cluster would show eight bits of it in the feedback.
  const exercise: Exercise = {
    id: "05",
    name: "05-leader-election",
    testFile: "grader/exercises/05-leader-election.test.ts",
    meta: { title: "Leader election", hints: [] } as unknown as Exercise["meta"],
    tests: [{ name: "hidden clusters", points: 2, visibility: "hidden" }],
    problems: [],
  };
  const stoppedBy = (message: string): string => {
    const event: TestEvent = {
      name: "hidden clusters",
      state: "failed",
      errors: [{ name: "GradedFailure", message: "1 of 10 cases failed", stack: "" }],
      durationMs: 1,
      meta: {
        passed: 9,
        total: 10,
        fraction: 0.9,
        failures: [{ case: "seed 4242", seed: 4242, ok: false, error: { name: "SandboxFailure", message } }],
      },
    };
    const outcome = { kind: "ran" as const, tests: new Map([[event.name, event]]), moduleErrors: [] };
    const ctx = { file: "exercises/05-leader-election.ts", revealHidden: false, redact: [], stagePath: "/stage", displayDir: "exercises" };
    return scoreExercise(exercise, exercise.tests, outcome, ctx).tests[0].message;
  };

  it("says so in the grader's words, without the exit code or signal the code chose", () => {
    const exited = stoppedBy("the exercise's code stopped answering: its process exited with code 173 while the grader was waiting for an answer (process.exit?)");
    expect(exited).toBe(
      "9 of 10 hidden cases passed (hidden cases show no details; the public tests check the same rules). In a hidden case, " +
        "the exercise's code stopped answering: its process exited while the grader was waiting for an answer (process.exit?)",
    );
    expect(exited).not.toMatch(/173|4242/);
    const signalled = stoppedBy("the exercise's code stopped answering: its process was stopped by SIGUSR2");
    expect(signalled).toMatch(/its process was stopped by a signal$/);
    expect(signalled).not.toContain("SIGUSR2");
  });
});
