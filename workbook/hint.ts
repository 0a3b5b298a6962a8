/** `hint("05")`: shows the next hint of an exercise, one more per call, each nearer the answer. */
import { displayHtml } from "../lib/display";
import { hintsSeen, recordHintSeen } from "./hints-store";
import { findExercise, projectRoot } from "./project";
import { messageHtml } from "./render";
import { withSummary } from "./summary";

/** The hint shown: its text and which one it was. */
export interface HintShown {
  id: string;
  /** 1 for the first hint. */
  number: number;
  total: number;
  text: string;
}

/**
 * Shows the next hint of exercise `id` (after the last one, the last again) and returns it. The
 * notebook shows it once: the returned value prints as a one-line note, not the hint again.
 */
export function hint(id: string): HintShown {
  const root = projectRoot();
  const exercise = findExercise(root, id);
  const total = exercise.hints.length;
  if (total === 0) {
    const text = `Exercise ${exercise.id} has no hints.`;
    displayHtml(messageHtml(exercise.title, text), text);
    return withSummary({ id: exercise.id, number: 0, total, text }, `hint("${exercise.id}"): no hints`);
  }
  const seen = Math.min(hintsSeen(root)[exercise.id] ?? 0, total);
  const index = Math.min(seen, total - 1);
  recordHintSeen(root, exercise.id, index + 1);
  const last = index === total - 1;
  const after = last
    ? `That is the last hint. Still stuck? solution("${exercise.id}", { confirm: true }) shows the reference solution.`
    : `Call hint("${exercise.id}") again for the next one.`;
  const title = `Hint ${index + 1} of ${total} · ${exercise.id} ${exercise.title}`;
  displayHtml(messageHtml(title, `${exercise.hints[index]}\n\n${after}`), `${title}\n${exercise.hints[index]}\n${after}`);
  return withSummary({ id: exercise.id, number: index + 1, total, text: exercise.hints[index] }, `hint("${exercise.id}"): hint ${index + 1} of ${total} shown`);
}
