/** JUnit XML, for CI systems that show test reports: one testsuite per exercise. */
import type { GradeReport } from "../engine/report";

/**
 * Text as XML 1.0 allows it: characters it forbids (controls, lone surrogates, U+FFFE and U+FFFF,
 * which a student's message may hold) become U+FFFD, and markup characters are escaped.
 */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export function formatJunit(report: GradeReport): string {
  const tests = report.exercises.reduce((n, e) => n + e.tests.length, 0);
  const failures = report.exercises.reduce((n, e) => n + e.tests.filter((t) => t.status !== "passed").length, 0);
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="Replication Lab" tests="${tests}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}">`,
  ];
  for (const ex of report.exercises) {
    const failed = ex.tests.filter((t) => t.status !== "passed").length;
    out.push(`  <testsuite name="${xml(`${ex.id} ${ex.title}`)}" tests="${ex.tests.length}" failures="${failed}">`);
    out.push(`    <properties><property name="score" value="${ex.score}"/><property name="maxScore" value="${ex.maxScore}"/></properties>`);
    for (const t of ex.tests) {
      out.push(`    <testcase classname="${xml(ex.name)}" name="${xml(t.name)}">`);
      out.push(`      <properties><property name="points" value="${t.score}/${t.maxScore}"/><property name="visibility" value="${t.visibility}"/></properties>`);
      if (t.status !== "passed") {
        out.push(`      <failure message="${xml(t.message.split("\n")[0])}" type="${t.status}">${xml(t.message)}</failure>`);
      }
      out.push(`    </testcase>`);
    }
    out.push(`  </testsuite>`);
  }
  out.push(`</testsuites>`);
  return `${out.join("\n")}\n`;
}
