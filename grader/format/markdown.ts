/** Markdown for a CI job summary ($GITHUB_STEP_SUMMARY): totals, then what failed and why. */
import type { GradeReport } from "../engine/report";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function formatMarkdown(report: GradeReport): string {
  const lines = [`## Replication Lab: ${report.score} / ${report.maxScore} points`, ""];
  if (report.error) lines.push(`**${report.error}**`, "");
  if (report.publicOnly) lines.push("_Public tests only._", "");
  lines.push("| | exercise | points |", "|---|---|---|");
  for (const ex of report.exercises) {
    const mark = ex.score === ex.maxScore ? "✅" : ex.score > 0 ? "🟡" : "❌";
    lines.push(`| ${mark} | ${cell(`${ex.id} ${ex.title}`)} | ${ex.score} / ${ex.maxScore} |`);
  }
  for (const ex of report.exercises) {
    const failing = ex.tests.filter((t) => t.status !== "passed");
    if (failing.length === 0) continue;
    lines.push("", `<details><summary>${ex.id} ${cell(ex.title)}: ${failing.length} test(s) not passed</summary>`, "");
    if (ex.problem) lines.push("```text", ex.problem, "```");
    else {
      for (const t of failing) {
        lines.push(`- **${cell(t.name)}**${t.visibility === "hidden" ? " (hidden)" : ""}: ${t.score} / ${t.maxScore}`, "", "  ```text");
        for (const l of t.message.split("\n")) lines.push(`  ${l}`);
        lines.push("  ```");
      }
    }
    lines.push("", "</details>");
  }
  return `${lines.join("\n")}\n`;
}
