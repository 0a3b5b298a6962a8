/**
 * Feedback where a person reads it as a table (the terminal table, a notebook's check()): a
 * message that several failing tests of one exercise share is shown once. An untouched stub
 * fails each of its tests with the same "not implemented yet", a file that does not compile each
 * with the same compiler message, and a check stopped by an endless loop gives its later tests
 * the same reason: eleven copies of one sentence hide the one row that says something else.
 * Nothing is lost: a test whose message differs still shows its own.
 *
 * Only renderers for people use this. The platforms' outputs (Gradescope, PrairieLearn, JUnit,
 * JSON, Markdown) keep one whole message per test: each test is shown on its own there, or read
 * by a program.
 */
import type { TestReport } from "../engine/report";

export interface SharedFeedback {
  /** Every test of the exercise (two or more) failed with this one message: shown once, for all. */
  all?: { tests: number; message: string };
  /**
   * What each test's row shows under it, in order: its message, a pointer to the test that shows
   * the same one ("same as above", `same as "…"`), or nothing (passed, or said once for all).
   */
  rows: (string | undefined)[];
}

type Shown = Pick<TestReport, "name" | "status" | "message">;

export function sharedFeedback(tests: readonly Shown[]): SharedFeedback {
  const failing = (t: Shown | undefined) => t !== undefined && t.status !== "passed";
  if (tests.length >= 2 && tests.every((t) => failing(t) && t.message === tests[0].message)) {
    return { all: { tests: tests.length, message: tests[0].message }, rows: tests.map(() => undefined) };
  }
  const firstWith = new Map<string, Shown>();
  const rows = tests.map((t, i) => {
    if (!failing(t)) return undefined;
    const first = firstWith.get(t.message);
    if (!first) {
      firstWith.set(t.message, t);
      return t.message;
    }
    const above = tests[i - 1];
    return failing(above) && above.message === t.message ? "same as above" : `same as "${first.name}"`;
  });
  return { rows };
}
