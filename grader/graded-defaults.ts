/** What graded tests (graded.ts) and the scorer that reads their results agree on. */

/** Key of a graded test's result in its vitest metadata. */
export const META_KEY = "replicationLab";

/**
 * The whole test's wall-clock limit: a backstop for the grader's own code. The student's code is
 * bounded by the case limits and the exercise's CPU budget (student.ts).
 */
export const DEFAULT_TIMEOUT_MS = 120_000;

/** One case's limit: CPU time of the student's code (with a wall-clock cap, student.ts). */
export const DEFAULT_CASE_TIMEOUT_MS = 2_000;

/**
 * Key, in a graded file's vitest metadata, of the first lines its exercise's code printed
 * (student.ts keeps them when public tests alone run; the scorer shows them).
 */
export const PRINTED_KEY = "replicationLabPrinted";
