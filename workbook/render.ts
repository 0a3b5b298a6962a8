/** Result tables for notebooks (HTML) and terminals (plain text). */
import type { ExerciseReport as ExerciseResult, TestReport as TestResult } from "../grader/api";

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const MARK: Record<TestResult["status"], string> = { passed: "✔", partial: "◐", failed: "✘" };
const COLOR: Record<TestResult["status"], string> = { passed: "#1a7f37", partial: "#9a6700", failed: "#cf222e" };
/** "3/5"; "–/5" for a score not known yet (an exercise never checked). */
const points = (score: number | null, max: number) => `${score ?? "–"}/${max}`;

export function exerciseHtml(ex: ExerciseResult, footer: string): string {
  const rows = ex.tests
    .map((t) => {
      const message = t.status === "passed" ? "" : escapeHtml(t.message);
      return `<tr><td style="color:${COLOR[t.status]};text-align:center">${MARK[t.status]}</td>` +
        `<td style="text-align:right;white-space:nowrap">${points(t.score, t.maxScore)}</td>` +
        `<td style="text-align:left">${escapeHtml(t.name)}</td>` +
        `<td style="text-align:left;white-space:pre-wrap;font-size:90%">${message}</td></tr>`;
    })
    .join("");
  return `<div><p><b>${escapeHtml(ex.id)} · ${escapeHtml(ex.title)}</b> — ${points(ex.score, ex.maxScore)} points</p>` +
    `<table><thead><tr><th></th><th>points</th><th style="text-align:left">test</th><th style="text-align:left">feedback</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>${typeErrorsHtml(ex)}<p style="font-size:90%">${escapeHtml(footer)}</p></div>`;
}

const TYPE_ERRORS_NOTE = "Type errors (shown to help, not scored: the tests judge what your code does):";

function typeErrorsHtml(ex: ExerciseResult): string {
  if (!ex.typeErrors?.length) return "";
  return `<p style="font-size:90%">${escapeHtml(TYPE_ERRORS_NOTE)}</p><pre style="font-size:85%;white-space:pre-wrap">${escapeHtml(ex.typeErrors.join("\n"))}</pre>`;
}

export function exerciseText(ex: ExerciseResult, footer: string): string {
  const lines = [`${ex.id} · ${ex.title} — ${points(ex.score, ex.maxScore)} points`];
  for (const t of ex.tests) {
    lines.push(`  ${MARK[t.status]} ${points(t.score, t.maxScore).padStart(7)}  ${t.name}`);
    if (t.status !== "passed") for (const line of t.message.split("\n")) lines.push(`              ${line}`);
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
