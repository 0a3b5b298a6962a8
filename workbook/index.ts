// Notebook helpers for the graded exercises: this file only re-exports. They reach the grader
// through grader/api.ts only (points.ts reads the graded tests' files as the grader does, and a
// test holds it to the grader's reading).
export { check, type CheckResult } from "./check";
export { hint, type HintOptions, type HintShown } from "./hint";
export { drawCase, type DrawCaseOptions } from "./draw";
export { solution, type SolutionOptions } from "./solution";
export { progress, type ProgressResult } from "./progress";
export { tryExercise, type ExerciseExports } from "./try";
export { UsageError } from "./usage";
export { projectRoot, listExercises, type ExerciseInfo } from "./project";
export type { GradeReport, ExerciseReport, TestReport } from "../grader/api";
