// Notebook helpers for the graded exercises: this file only re-exports.
export { NotImplementedError, isNotImplemented } from "./not-implemented";
export { check, type CheckResult } from "./check";
export { hint } from "./hint";
export { drawCase, type DrawCaseOptions } from "./draw";
export { solution, type SolutionOptions } from "./solution";
export { progress } from "./progress";
export { projectRoot, listExercises, type ExerciseInfo } from "./project";
export type { GradeResult, ExerciseResult, TestResult } from "./report";
