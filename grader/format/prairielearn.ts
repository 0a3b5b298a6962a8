/**
 * PrairieLearn's external-grading results.json: `score` from 0 to 1, `gradable`, `message`,
 * `output`, and `tests` with `name`, `description`, `points`, `max_points`, `message` and
 * `output`, as the pl-external-grader-results element shows them. A submission that could not be
 * graded on its merits (no file, a file that does not compile or was refused before running, or
 * a grading failure) is `gradable: false` with the reasons in `format_errors`: PrairieLearn then
 * awards and takes no points and does not count the attempt. The file must stay under 1 MB, so
 * long feedback is cut.
 */
import type { ExerciseReport, GradeReport, TestReport } from "../engine/report";

export interface PrairieLearnTest {
  name: string;
  description: string;
  points: number;
  max_points: number;
  message: string;
  output: string;
}

export interface PrairieLearnResults {
  gradable: boolean;
  score?: number;
  message: string;
  output: string;
  format_errors?: string[];
  tests: PrairieLearnTest[];
}

/** Per test and for the whole output: far below PrairieLearn's 1 MB for the whole file. */
const TEST_OUTPUT_MAX = 8_000;
const OUTPUT_MAX = 100_000;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (cut: ${text.length - max} more characters)`;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/**
 * Why an exercise could not be graded on its merits: its file is missing, does not compile, or was
 * refused before running. Other problems (it never finished loading) are the student's code
 * failing: graded, with zero points.
 */
export function notGradable(ex: ExerciseReport): boolean {
  return ex.problem !== undefined && /is missing|does not compile|rejected before running/.test(ex.problem);
}

function test(ex: ExerciseReport, t: TestReport): PrairieLearnTest {
  const [first, ...rest] = t.message.split("\n");
  return {
    name: `${ex.id} · ${t.name}`,
    description: t.visibility === "hidden" ? "Hidden cases: the same rules on cases you cannot see." : "Public cases.",
    points: round(t.score),
    max_points: round(t.maxScore),
    message: t.status === "passed" ? (first || "passed") : first,
    output: cut([...rest, ...(t.replay ? [`Replay the first failing case: ${t.replay}`] : [])].join("\n").trim(), TEST_OUTPUT_MAX),
  };
}

export function prairieLearnResults(report: GradeReport): PrairieLearnResults {
  const output = report.exercises.filter((ex) => ex.problem).map((ex) => `${ex.file}: ${ex.problem}`);
  if (report.error || (report.exercises.length > 0 && report.exercises.every(notGradable))) {
    // PrairieLearn counts no attempt for an ungradable submission, so the grader's "so this
    // exercise scores zero" would contradict the message beside it.
    const reasons = report.error ? [report.error] : report.exercises.map((ex) => `${ex.file}: ${ex.problem?.replace(/, so this exercise scores zero(?=:|$)/m, "")}`);
    return {
      gradable: false,
      message: report.error ? "The autograder could not grade this submission; no attempt was counted." : "Fix the file and submit again; no attempt was counted.",
      output: cut(reasons.join("\n\n"), OUTPUT_MAX),
      format_errors: reasons.map((r) => cut(r, TEST_OUTPUT_MAX)),
      tests: [],
    };
  }
  const score = report.maxScore > 0 ? Math.min(1, Math.max(0, report.score / report.maxScore)) : 0;
  return {
    gradable: true,
    score: Math.round(score * 10_000) / 10_000,
    message: `${round(report.score)} / ${round(report.maxScore)} points`,
    output: cut(output.join("\n\n"), OUTPUT_MAX),
    tests: report.exercises.flatMap((ex) => ex.tests.map((t) => test(ex, t))),
  };
}

export function formatPrairieLearn(report: GradeReport): string {
  return `${JSON.stringify(prairieLearnResults(report), null, 2)}\n`;
}
