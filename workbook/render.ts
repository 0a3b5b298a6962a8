/** Result tables for notebooks (HTML) and terminals (plain text). */
import { PRINTED_LABEL, printedLeftOut, sharedFeedback, type ExerciseReport as ExerciseResult, type TestReport as TestResult } from "../grader/api";

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const MARK: Record<TestResult["status"], string> = { passed: "✔", partial: "◐", failed: "✘" };
const COLOR: Record<TestResult["status"], string> = { passed: "#1a7f37", partial: "#9a6700", failed: "#cf222e" };
/** "3/5"; "–/5" for a score not known yet (an exercise never checked). */
const points = (score: number | null, max: number) => `${score ?? "–"}/${max}`;

/** "All 6 tests: …", when every test failed with one message (grader/format/shared-messages.ts). */
const allTests = (all: { tests: number; message: string }) => `All ${all.tests} tests: ${all.message}`;

export function exerciseHtml(ex: ExerciseResult, footer: string): string {
  // A message several tests share is shown once: above the table for all of them, or on the first row.
  const feedback = sharedFeedback(ex.tests);
  const rows = ex.tests
    .map((t, i) => {
      const message = escapeHtml(feedback.rows[i] ?? "");
      return `<tr><td style="color:${COLOR[t.status]};text-align:center">${MARK[t.status]}</td>` +
        `<td style="text-align:right;white-space:nowrap">${points(t.score, t.maxScore)}</td>` +
        `<td style="text-align:left">${escapeHtml(t.name)}</td>` +
        `<td style="text-align:left;white-space:pre-wrap;font-size:90%">${message}</td></tr>`;
    })
    .join("");
  const all = feedback.all ? `<p style="white-space:pre-wrap;font-size:90%">${escapeHtml(allTests(feedback.all))}</p>` : "";
  return `<div><p><b>${escapeHtml(ex.id)} · ${escapeHtml(ex.title)}</b> — ${points(ex.score, ex.maxScore)} points</p>${all}` +
    `<table><thead><tr><th></th><th>points</th><th style="text-align:left">test</th><th style="text-align:left">feedback</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>${printedHtml(ex)}${typeErrorsHtml(ex)}<p style="font-size:90%">${escapeHtml(footer)}</p></div>`;
}

/** What the student's code printed, in a box of its own, labelled as theirs. */
function printedHtml(ex: ExerciseResult): string {
  if (!ex.printed) return "";
  const leftOut = printedLeftOut(ex.printed);
  return `<p style="font-size:90%">${escapeHtml(PRINTED_LABEL)}</p>` +
    `<pre style="font-size:85%;white-space:pre-wrap;border-left:3px solid #8c959f;padding-left:8px">${escapeHtml(ex.printed.text)}</pre>` +
    (leftOut ? `<p style="font-size:85%">${escapeHtml(leftOut)}</p>` : "");
}

const TYPE_ERRORS_NOTE = "Type errors (shown to help, not scored: the tests judge what your code does):";

function typeErrorsHtml(ex: ExerciseResult): string {
  if (!ex.typeErrors?.length) return "";
  return `<p style="font-size:90%">${escapeHtml(TYPE_ERRORS_NOTE)}</p><pre style="font-size:85%;white-space:pre-wrap">${escapeHtml(ex.typeErrors.join("\n"))}</pre>`;
}

export function exerciseText(ex: ExerciseResult, footer: string): string {
  const lines = [`${ex.id} · ${ex.title} — ${points(ex.score, ex.maxScore)} points`];
  const feedback = sharedFeedback(ex.tests);
  if (feedback.all) lines.push(...allTests(feedback.all).split("\n").map((line) => `  ${line}`));
  ex.tests.forEach((t, i) => {
    lines.push(`  ${MARK[t.status]} ${points(t.score, t.maxScore).padStart(7)}  ${t.name}`);
    for (const line of feedback.rows[i]?.split("\n") ?? []) lines.push(`              ${line}`);
  });
  if (ex.printed) {
    const leftOut = printedLeftOut(ex.printed);
    lines.push(PRINTED_LABEL, ...ex.printed.text.split("\n").map((line) => `  │ ${line}`.trimEnd()), ...(leftOut ? [`  ${leftOut}`] : []));
  }
  if (ex.typeErrors?.length) lines.push(TYPE_ERRORS_NOTE, ...ex.typeErrors.map((e) => `  ${e}`));
  lines.push(footer);
  return lines.join("\n");
}

export interface ProgressRow {
  id: string;
  title: string;
  /** Public points of the latest check; null when the exercise was never checked. */
  score: number | null;
  maxScore: number;
  state: string;
  /** When it was last checked, or what to do. */
  checked: string;
  hintsSeen: string;
}

export function progressHtml(rows: ProgressRow[], total: { score: number; maxScore: number }): string {
  const body = rows
    .map((r) => `<tr><td>${escapeHtml(r.id)}</td><td style="text-align:left">${escapeHtml(r.title)}</td>` +
      `<td style="text-align:right">${points(r.score, r.maxScore)}</td><td>${escapeHtml(r.state)}</td><td style="text-align:left">${escapeHtml(r.checked)}</td><td>${escapeHtml(r.hintsSeen)}</td></tr>`)
    .join("");
  return `<table><thead><tr><th>exercise</th><th style="text-align:left">title</th><th>public points</th><th>state</th><th style="text-align:left">checked</th><th>hints seen</th></tr></thead>` +
    `<tbody>${body}</tbody><tfoot><tr><td></td><td style="text-align:left"><b>total</b></td><td style="text-align:right"><b>${points(total.score, total.maxScore)}</b></td><td></td><td></td><td></td></tr></tfoot></table>`;
}

export function progressText(rows: ProgressRow[], total: { score: number; maxScore: number }): string {
  const width = Math.max(5, ...rows.map((r) => r.title.length));
  const lines = rows.map((r) => `${r.id}  ${r.title.padEnd(width)}  ${points(r.score, r.maxScore).padStart(7)}  ${r.state.padEnd(14)}  hints ${r.hintsSeen}  ${r.checked}`);
  lines.push(`    ${"total".padEnd(width)}  ${points(total.score, total.maxScore).padStart(7)}`);
  return lines.join("\n");
}

export function codeHtml(title: string, code: string): string {
  return `<div><p><b>${escapeHtml(title)}</b></p><pre style="font-size:90%"><code>${escapeHtml(code)}</code></pre></div>`;
}

export function messageHtml(title: string, text: string): string {
  return `<div><p><b>${escapeHtml(title)}</b></p><p>${escapeHtml(text)}</p></div>`;
}
