/**
 * `hint("05")`: shows the next hint of an exercise, one more per call, each nearer the answer.
 * `hint("05", { all: true })`: shows again every hint of it seen so far, without revealing a new one.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { displayHtml } from "../lib/display";
import { hintsSeen, recordHintSeen } from "./hints-store";
import { findExercise, projectRoot } from "./project";
import { escapeHtml, messageHtml } from "./render";
import { withSummary } from "./summary";
import { checkOptions } from "./usage";

export interface HintOptions {
  /** Show again every hint seen so far (none new), instead of the next one. */
  all?: boolean;
}

/** The hint shown: its text and which one it was. */
export interface HintShown {
  id: string;
  /** 1 for the first hint; with `all`, how many hints were seen (0 for none). */
  number: number;
  total: number;
  /** The hint shown; with `all`, every hint seen so far, numbered, one paragraph each. */
  text: string;
  /** Every hint seen so far, the first first (the one just shown included). */
  seen: string[];
}

/**
 * Shows the next hint of exercise `id` (after the last one, the last again) and returns it; with
 * `{ all: true }`, every hint of it seen so far. The notebook shows it once: the returned value
 * prints as a one-line note, not the hint again.
 */
export function hint(id: string, options: HintOptions = {}): HintShown {
  const root = projectRoot();
  const exercise = findExercise(root, id);
  checkOptions("hint(id, options)", options, { all: "boolean" });
  const total = exercise.hints.length;
  const call = `hint("${exercise.id}")`;
  if (total === 0) {
    const text = `Exercise ${exercise.id} has no hints.`;
    displayHtml(messageHtml(exercise.title, text), text);
    return withSummary({ id: exercise.id, number: 0, total, text, seen: [] }, `${call}: no hints`);
  }
  const seenCount = Math.min(hintsSeen(root)[exercise.id] ?? 0, total);
  if (options.all === true) return showSeen(exercise.id, exercise.title, exercise.hints.slice(0, seenCount), total);

  const index = Math.min(seenCount, total - 1);
  recordHintSeen(root, exercise.id, index + 1);
  const last = index === total - 1;
  // solution() has something to show only where solutions/ is: not in a student release.
  const stillStuck = existsSync(join(root, "solutions", `${exercise.name}.ts`))
    ? `solution("${exercise.id}", { confirm: true }) shows the reference solution.`
    : "Ask your instructor or teaching assistant: the reference solutions are not part of your copy of the workbook.";
  const after = last ? `That is the last hint. Still stuck? ${stillStuck}` : `Call ${call} again for the next one.`;
  const title = `Hint ${index + 1} of ${total} · ${exercise.id} ${exercise.title}`;
  displayHtml(messageHtml(title, `${exercise.hints[index]}\n\n${after}`), `${title}\n${exercise.hints[index]}\n${after}`);
  return withSummary(
    { id: exercise.id, number: index + 1, total, text: exercise.hints[index], seen: exercise.hints.slice(0, index + 1) },
    `${call}: hint ${index + 1} of ${total} shown`,
  );
}

/** Shows again the hints already seen, numbered; none is recorded as seen. */
function showSeen(id: string, exerciseTitle: string, seen: string[], total: number): HintShown {
  const call = `hint("${id}")`;
  const title = `Hints seen: ${seen.length} of ${total} · ${id} ${exerciseTitle}`;
  const numbered = seen.map((text, i) => `Hint ${i + 1}: ${text}`);
  const after = seen.length === 0 ? `No hint seen yet: ${call} shows the first.` : seen.length < total ? `${call} shows the next one.` : "That is every hint.";
  const html = `<div><p><b>${escapeHtml(title)}</b></p>${numbered.map((t) => `<p>${escapeHtml(t)}</p>`).join("")}<p>${escapeHtml(after)}</p></div>`;
  displayHtml(html, [title, ...numbered, after].join("\n"));
  return withSummary({ id, number: seen.length, total, text: numbered.join("\n\n"), seen }, `hint("${id}", { all: true }): ${seen.length} of ${total} hints shown again`);
}
