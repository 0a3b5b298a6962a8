/**
 * Which files of the project a grading environment holds: the library, the grader and the
 * exercise stubs, with the lockfile to install them. Never solutions, known-wrong variants, correct
 * alternatives, the hidden-seed secret file, notebooks or instructor docs: student code runs next to this copy.
 */

const INCLUDE = [/^package(-lock)?\.json$/, /^tsconfig[\w.-]*\.json$/, /^lib\//, /^grader\//, /^exercises\//];
const EXCLUDE = [
  /(^|\/)solutions\//,
  /^grader\/variants\//,
  /^grader\/alternatives\//,
  /^grader\/\.secret$/,
  /^lib\/.*\.test\.ts$/,
  // The grader's self-tests and their fixtures; the graded tests in grader/exercises/ stay.
  /^grader\/(?!exercises\/).*\.test\.ts$/,
  /^grader\/fixtures\//,
];

/** True if a project-relative path (with "/" separators) belongs in a grading environment. */
export function isGradingFile(path: string): boolean {
  return INCLUDE.some((p) => p.test(path)) && !EXCLUDE.some((p) => p.test(path));
}
