/**
 * Markdown for a CI job summary ($GITHUB_STEP_SUMMARY): totals, then what failed and why.
 *
 * Feedback holds text the student's code controls (a thrown error's message, a returned value),
 * and GitHub renders job summaries and comments as Markdown with HTML: such text must never leave
 * its code block (a fence longer than any run of backticks in it) nor make HTML, links or table
 * cells of its own outside code (inline text is escaped).
 */
import type { GradeReport } from "../engine/report";
import { PRINTED_WITHHELD, printedWithheld } from "./printed-text";

/** Text for a table cell or inline Markdown (`**name**`): one line, no HTML, no link, code span or cell of its own. */
export function inline(text: string): string {
  return escapedLine(text).replace(/[\\`*_[\]|~]/g, "\\$&");
}

/** `text` on one line (line breaks as spaces), with &, < and > as HTML entities. */
function escapedLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Lines of plain text as Markdown paragraphs, line for line: escaped as `inline` text, and no line
 * starts a heading, list, quote, rule, setext underline, code fence or table.
 */
export function paragraph(text: string): string {
  return text
    .split(/\r\n|[\r\n\u2028\u2029]/)
    .map((line) => inline(line).replace(/^(\s*)([#+=-])/, "$1\\$2").replace(/^(\s*\d+)([.)])/, "$1\\$2"))
    .join("\n");
}

/** Text inside an HTML element (the `<summary>` line of an HTML block): one line, no tags. */
function html(text: string): string {
  return escapedLine(text).replace(/"/g, "&quot;");
}

/**
 * A fenced code block holding `text` whole: its fence is longer than the longest run of
 * backticks in the text, so no line of the text can close it (CommonMark closes a fence of N
 * backticks only with a line of N or more). Every line is indented by `indent` (inside a list item).
 */
export function fence(text: string, indent = "", info = "text"): string[] {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const bar = "`".repeat(Math.max(3, longest + 1));
  return [`${indent}${bar}${info}`, ...text.split(/\r\n|[\r\n]/).map((l) => `${indent}${l}`), `${indent}${bar}`];
}

export function formatMarkdown(report: GradeReport): string {
  const lines = [`## Replication Lab: ${report.score} / ${report.maxScore} points`, ""];
  if (report.error) lines.push(`**${inline(report.error)}**`, "");
  if (report.publicOnly) lines.push("_Public tests only._", "");
  lines.push("| | exercise | points |", "|---|---|---|");
  for (const ex of report.exercises) {
    const mark = ex.score === ex.maxScore ? "✅" : ex.score > 0 ? "🟡" : "❌";
    lines.push(`| ${mark} | ${inline(`${ex.id} ${ex.title}`)} | ${ex.score} / ${ex.maxScore} |`);
  }
  for (const ex of report.exercises) {
    const failing = ex.tests.filter((t) => t.status !== "passed");
    if (failing.length === 0) continue;
    lines.push("", `<details><summary>${html(`${ex.id} ${ex.title}`)}: ${failing.length} test(s) not passed</summary>`, "");
    if (ex.problem) lines.push(...fence(ex.problem));
    else {
      for (const t of failing) {
        lines.push(`- **${inline(t.name)}**${t.visibility === "hidden" ? " (hidden)" : ""}: ${t.score} / ${t.maxScore}`, "", ...fence(t.message, "  "));
      }
    }
    lines.push("", "</details>");
  }
  if (printedWithheld(report)) lines.push("", `_${inline(PRINTED_WITHHELD)}_`);
  return `${lines.join("\n")}\n`;
}
