/**
 * `solution("05", { confirm: true })`: the reference solution, for a student working alone who
 * wants to compare. In a student release there is no solutions/ folder: it says where they are.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { displayHtml } from "../lib/display";
import { findExercise, projectRoot } from "./project";
import { codeHtml, messageHtml } from "./render";
import { withSummary } from "./summary";
import { checkOptions } from "./usage";

export interface SolutionOptions {
  /** Must be true: seeing the answer is a choice, not an accident. */
  confirm?: boolean;
}

/** The solution shown. */
export interface SolutionShown {
  id: string;
  /** The source of solutions/NN-name.ts. */
  code: string;
}

/**
 * Shows the reference solution of exercise `id` when `confirm` is true and returns it; null when
 * it was not shown. The notebook shows it once: the returned value prints as a one-line note.
 */
export function solution(id: string, options: SolutionOptions = {}): SolutionShown | null {
  const root = projectRoot();
  const exercise = findExercise(root, id);
  checkOptions("solution(id, options)", options, { confirm: "boolean" });
  const title = `${exercise.id} ${exercise.title}: reference solution`;
  if (options.confirm !== true) {
    const text = `This shows the answer. Have you tried hint("${exercise.id}")? To see it anyway: solution("${exercise.id}", { confirm: true })`;
    displayHtml(messageHtml(title, text), text);
    return null;
  }
  const file = join(root, "solutions", `${exercise.name}.ts`);
  if (!existsSync(file)) {
    const text = `This copy of the workbook is a student release and has no solutions/ folder. The reference solution ` +
      `(solutions/${exercise.name}.ts) is kept by your instructor in the instructor's copy of the workbook; ask them for it.`;
    displayHtml(messageHtml(title, text), text);
    return null;
  }
  const code = readFileSync(file, "utf8");
  displayHtml(codeHtml(title, code), `${title}\n\n${code}`);
  return withSummary({ id: exercise.id, code }, `solution("${exercise.id}"): shown above`);
}
