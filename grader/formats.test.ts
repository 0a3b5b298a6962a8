import { describe, expect, test } from "vitest";
import { failedReport, type GradeReport } from "./engine/report";
import { classroomResult } from "./format/classroom";
import { formatReport } from "./format/index";
import { sharedFeedback } from "./format/shared-messages";
import { plainName } from "./format/text";
import { printedByCode } from "./replay";
import { summaryMarkdown as actionsSummary } from "./platforms/github-actions/run";
import { summaryMarkdown as classroomSummary } from "./platforms/classroom/run";
import { loadExercises } from "./engine/exercises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A report with one public pass, one public partial and one hidden failure. */
function sample(): GradeReport {
  return {
    score: 3.5,
    maxScore: 9,
    target: "exercises",
    publicOnly: false,
    hiddenSeeds: "secret",
    durationMs: 4200,
    exercises: [
      {
        id: "05",
        name: "05-leader-election",
        title: "Leader election <&>",
        score: 3.5,
        maxScore: 9,
        file: "exercises/05-leader-election.ts",
        tests: [
          { name: "never promotes a crashed follower", status: "passed", score: 2, maxScore: 2, message: "all 3 cases passed", visibility: "public" },
          {
            name: "picks a correct leader in random clusters",
            status: "partial",
            score: 1.5,
            maxScore: 3,
            message: "10 of 20 cases failed.\nseed 42: a crashed follower is never promoted",
            visibility: "public",
            replay: "npm run replay -- 05 --seed 42",
          },
          { name: "hidden clusters", status: "failed", score: 0, maxScore: 4, message: "0 of 60 hidden cases passed", visibility: "hidden" },
        ],
      },
    ],
  };
}

describe("report formats", () => {
  test("a grading with hidden tests says that what the code printed is withheld; a check does not", () => {
    const withheld = /What your code printed is not shown when hidden tests run/;
    const full = sample();
    expect(formatReport(full, "table")).toMatch(withheld);
    expect(formatReport(full, "markdown")).toMatch(withheld);
    expect(JSON.parse(formatReport(full, "gradescope")).output).toMatch(withheld);
    // Said whatever the code printed, so that it tells nothing: the same with nothing printed.
    expect(full.exercises[0].printed).toBeUndefined();
    const check: GradeReport = { ...sample(), publicOnly: true, hiddenSeeds: "not run" };
    for (const format of ["table", "markdown", "gradescope"] as const) expect(formatReport(check, format)).not.toMatch(withheld);
    const failed = failedReport(loadExercises(resolve(fileURLToPath(new URL(".", import.meta.url)), "..")), "exercises", "no files", false);
    expect(formatReport(failed, "table")).not.toMatch(withheld);
  });

  test("json keeps the documented shape", () => {
    const json = JSON.parse(formatReport(sample(), "json"));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["score", "maxScore", "exercises"]));
    expect(Object.keys(json.exercises[0])).toEqual(expect.arrayContaining(["id", "score", "maxScore", "tests"]));
    expect(Object.keys(json.exercises[0].tests[0])).toEqual(expect.arrayContaining(["name", "status", "score", "maxScore", "message"]));
  });

  test("gradescope hides hidden tests until published and never claims that all tests passed", () => {
    const results = JSON.parse(formatReport(sample(), "gradescope"));
    expect(results.score).toBe(3.5);
    expect(results.tests).toHaveLength(3);
    expect(results.tests.map((t: { visibility: string }) => t.visibility)).toEqual(["visible", "visible", "after_published"]);
    expect(results.tests[1]).toMatchObject({ status: "failed", score: 1.5, max_score: 3 });
    expect(results.output).toMatch(/^Public tests: 3\.5\/5 points\./);
    expect(results.output).toMatch(/Hidden tests \(4 more points\)/);
    expect(results.output).not.toMatch(/all tests passed/i);
    expect(JSON.parse(formatReport(sample(), "gradescope", { hiddenVisibility: "after_due_date" })).tests[2].visibility).toBe("after_due_date");
  });

  test("gradescope's summary stays silent about hidden results even when everything passed", () => {
    const all = sample();
    for (const t of all.exercises[0].tests) Object.assign(t, { status: "passed", score: t.maxScore });
    const results = JSON.parse(formatReport(all, "gradescope"));
    expect(results.output).not.toMatch(/all tests passed/i);
    expect(results.output).toMatch(/Hidden tests/);
  });

  test("junit is well-formed XML with one failure per test not passed, escaped", () => {
    const xml = formatReport(sample(), "junit");
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<testsuites name="Replication Lab" tests="3" failures="2"');
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain("Leader election &lt;&amp;&gt;");
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.match(/<\/testcase>/g)).toHaveLength(3);
  });

  test("junit holds only characters XML 1.0 allows, whatever a message carries", () => {
    const report = sample();
    report.exercises[0].tests[1].message = "bad \uffff char \ufffe, a lone \ud800 surrogate, \u0007 a bell; kept: \u00e9 \u{1f7e1} \t tab";
    const xml = formatReport(report, "junit");
    expect(xml).not.toMatch(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u);
    expect(xml).toContain("bad \ufffd char \ufffd, a lone \ufffd surrogate, \ufffd a bell; kept: \u00e9 \u{1f7e1} \t tab");
  });

  test("markdown totals the grade and lists what failed, with the replay command", () => {
    const md = formatReport(sample(), "markdown");
    expect(md).toMatch(/^## Replication Lab: 3\.5 \/ 9 points/);
    // The title's <&> is escaped, so it shows as written and makes no HTML.
    expect(md).toContain("| 🟡 | 05 Leader election &lt;&amp;&gt; | 3.5 / 9 |");
    expect(md).toContain("seed 42: a crashed follower is never promoted");
    expect(md).toContain("**hidden clusters** (hidden)");
    // Feedback without backticks keeps the fence of three.
    expect(md).toContain("  ```text\n  0 of 60 hidden cases passed\n  ```");
  });

  test("classroom gives the reporter's shape, as JSON or base64", () => {
    const result = classroomResult(sample());
    expect(result).toMatchObject({ version: 1, status: "fail", max_score: 9 });
    expect(result.tests.map((t) => t.status)).toEqual(["pass", "fail", "fail"]);
    const decoded = JSON.parse(Buffer.from(formatReport(sample(), "classroom-base64").trim(), "base64").toString("utf8"));
    expect(decoded).toEqual(JSON.parse(formatReport(sample(), "classroom")));
  });

  test("the table shows points per test and the feedback under failures", () => {
    const table = formatReport(sample(), "table");
    expect(table).toContain("05  Leader election <&>  3.5/9");
    expect(table).toMatch(/◐ +1\.5\/3  picks a correct leader in random clusters/);
    expect(table).toMatch(/✘ +0\/4  hidden clusters \[hidden\]/);
    expect(table).toContain("Total: 3.5/9 points");
    // One-line feedback, and the first line of longer feedback, sit under the test as they always did.
    expect(table).toContain("\n             0 of 60 hidden cases passed\n");
    expect(table).toContain("\n             10 of 20 cases failed.\n");
  });

  test("the table shows a message that every test failed with once, under the exercise", () => {
    const stub = "05: chooseNewLeader is not implemented yet: write it in exercises/05-leader-election.ts (replace this throw)";
    const report = sample();
    report.exercises[0].tests = report.exercises[0].tests.map((t) => ({ ...t, status: "failed", score: 0, message: stub, notImplemented: true }));
    const table = formatReport(report, "table");
    expect(table.split(stub)).toHaveLength(2);
    expect(table).toContain(`05  Leader election <&>  3.5/9\n  all 3 tests: ${stub}\n  ✘     0/2  never promotes a crashed follower\n  ✘     0/3  picks`);
    // The platforms' outputs keep one whole message per test.
    expect(JSON.parse(formatReport(report, "gradescope")).tests.filter((t: { output: string }) => t.output.includes(stub))).toHaveLength(3);
  });

  test("the table shows a message some tests share on the first of them, and says so on the others; different messages stay", () => {
    const report = sample();
    const stop = 'not run in this check: test "picks" ran out of time at seed 4 (an endless loop?); fix that first (a full grading runs every test)';
    const failed = (name: string, message: string) => ({ name, status: "failed" as const, score: 0, maxScore: 1, message, visibility: "public" as const });
    report.exercises[0].tests = [failed("a", "1 of 3 cases failed.\nseed 4: threw CaseTimeout"), failed("b", stop), failed("c", stop), failed("d", "its own"), failed("e", stop)];
    const lines = formatReport(report, "table").split("\n");
    const under = (name: string) => lines[lines.findIndex((l) => l.endsWith(`  ${name}`)) + 1];
    expect(["a", "b", "c", "d", "e"].map(under)).toEqual([
      "             1 of 3 cases failed.",
      `             ${stop}`,
      "             same as above",
      "             its own",
      '             same as "b"',
    ]);
  });

  test("sharedFeedback collapses only failing tests with the very same message", () => {
    const t = (name: string, status: "passed" | "failed", message: string) => ({ name, status, message });
    expect(sharedFeedback([t("a", "failed", "x")])).toEqual({ rows: ["x"] });
    expect(sharedFeedback([t("a", "failed", "x"), t("b", "failed", "x")])).toEqual({ all: { tests: 2, message: "x" }, rows: [undefined, undefined] });
    expect(sharedFeedback([t("a", "failed", "x"), t("b", "passed", "x"), t("c", "failed", "x"), t("d", "failed", "x ")])).toEqual({ rows: ["x", undefined, 'same as "a"', "x "] });
  });

  test("a grading failure still gives every format a report: zero points and the reason", () => {
    const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
    const failed = failedReport(loadExercises(root), "exercises", "the grader failed before it could score this: boom", false);
    expect(failed.score).toBe(0);
    expect(failed.maxScore).toBeGreaterThan(0);
    expect(failed.exercises.every((e) => e.tests.every((t) => t.message.includes("boom")))).toBe(true);
    expect(JSON.parse(formatReport(failed, "gradescope")).output).toMatch(/^the grader failed before it could score this: boom/);
    expect(JSON.parse(formatReport(failed, "classroom")).status).toBe("error");
    expect(formatReport(failed, "table")).toContain("boom");
  });
});

/**
 * Text a student's code controls (a thrown error's message, a returned value, a file's path) as
 * an attack on the report would write it: close the report's code fence, then forge a total.
 */
const FORGED = "## Replication Lab: 149 / 149 points";
const IMG = '<img src="https://example.invalid/x.png">';
const hostile = (fence: string): string => `oops\n${fence}\n</details>\n\n${FORGED}\n\n${IMG}\n\n${fence}text`;
/** Each closes the fence the report put around it before this was fixed. */
const FENCE_BREAKERS: Record<string, string> = {
  "a ``` line": hostile("```"),
  "a ```` line": hostile("````"),
  "a line of 10 backticks": hostile("`".repeat(10)),
  "an indented ```` line": hostile("   ````"),
};
/** Each forges a line of the terminal table. */
const HOSTILE: Record<string, string> = {
  ...FENCE_BREAKERS,
  "a ~~~ line": hostile("~~~"),
  "a forged total": "oops\nTotal: 24/24 points\n05  Leader election  18/18\n  ✔      18/18  every test passed",
  "raw HTML": `</details>\n${IMG}\n<script>alert(1)</script>`,
  "backticks and pipes on one line": "x ``` | </details> | ````` <img src=x> ``",
};

/** One exercise whose failing test carries `text` the way the scorer embeds a thrown error's message. */
function hostileReport(text: string, where: "message" | "problem" = "message"): GradeReport {
  const message = where === "problem" ? text : `1 of 3 cases failed.\nseed 7: threw Error: ${text}\n  got "${text}"\nReplay the first: npm run replay -- 05 --seed 7`;
  return {
    score: 0,
    maxScore: 24,
    target: "exercises",
    publicOnly: false,
    hiddenSeeds: "secret",
    durationMs: 1000,
    exercises: [
      {
        id: "05",
        name: "05-leader-election",
        title: "Leader election",
        score: 0,
        maxScore: 24,
        file: "exercises/05-leader-election.ts",
        ...(where === "problem" ? { problem: text } : {}),
        tests: [
          { name: "picks a correct leader", status: "failed", score: 0, maxScore: 12, message, visibility: "public" },
          { name: "hidden clusters", status: "failed", score: 0, maxScore: 12, message: where === "problem" ? text : "0 of 60 hidden cases passed", visibility: "hidden" },
        ],
      },
    ],
  };
}

/**
 * Splits Markdown into what lies outside fenced code and the fenced blocks, as CommonMark closes
 * them (stricter: any indentation): a fence of N backticks (or tildes) is closed only by a line of
 * N or more of the same character and nothing else.
 */
function fences(md: string): { outside: string; blocks: string[] } {
  const outside: string[] = [];
  const blocks: string[] = [];
  let open: { char: string; length: number; indent: number; body: string[] } | undefined;
  for (const line of md.split("\n")) {
    if (!open) {
      const m = /^( *)(`{3,}(?=[^`]*$)|~{3,})/.exec(line);
      if (m) open = { char: m[2][0], length: m[2].length, indent: m[1].length, body: [] };
      else outside.push(line);
      continue;
    }
    const close = /^\s*(`+|~+)\s*$/.exec(line);
    if (close && close[1][0] === open.char && close[1].length >= open.length) {
      blocks.push(open.body.join("\n"));
      open = undefined;
    } else open.body.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
  }
  expect(open, "every fence the report opens is closed by the report").toBeUndefined();
  return { outside: outside.join("\n"), blocks };
}

function expectNoHtmlOutsideCode(outside: string): void {
  expect(outside).not.toMatch(/<img|<script|<\/script/i);
  expect(outside.match(/<\/details>/g)?.length ?? 0).toBe(outside.match(/<details>/g)?.length ?? 0);
}

describe("text a student's code controls stays feedback in every format", () => {
  for (const [what, text] of Object.entries(FENCE_BREAKERS)) {
    test(`markdown: ${what} stays inside a fence it cannot close (case feedback)`, () => {
      const { outside, blocks } = fences(formatReport(hostileReport(text), "markdown"));
      expect(blocks.some((b) => b.includes(`seed 7: threw Error: ${text}`))).toBe(true);
      expect(blocks.some((b) => b.includes(`got "${text}"`))).toBe(true);
      expect(outside).not.toContain(FORGED);
      expect(outside).not.toContain("Total: 24/24");
      expectNoHtmlOutsideCode(outside);
      // The report's own heading is still the only heading.
      expect(outside.match(/^## /gm)).toHaveLength(1);
    });

    test(`markdown: ${what} stays inside a fence it cannot close (an exercise's problem)`, () => {
      const { outside, blocks } = fences(formatReport(hostileReport(text, "problem"), "markdown"));
      expect(blocks.some((b) => b === text)).toBe(true);
      expect(outside).not.toContain(FORGED);
      expectNoHtmlOutsideCode(outside);
    });
  }

  for (const [what, text] of Object.entries(HOSTILE)) {
    test(`table: ${what} cannot pass for a line of the grader's own`, () => {
      for (const where of ["message", "problem"] as const) {
        const lines = formatReport(hostileReport(text, where), "table").trimEnd().split("\n");
        // The one total is the grader's, on the last line; no student line starts like it or like a test line.
        expect(lines.filter((l) => /^\s*Total:/.test(l))).toEqual(["Total: 0/24 points"]);
        expect(lines.at(-1)).toBe("Total: 0/24 points");
        expect(lines.filter((l) => /^\s*(✔|✘|◐)/.test(l))).toHaveLength(2);
        expect(lines.filter((l) => /^\s*05  /.test(l))).toEqual(["05  Leader election  0/24"]);
        // Every line of the feedback after its first is marked as its continuation, under a test
        // or, for a message every test failed with, under the exercise.
        const feedback = lines.filter((l) => /^ {13}/.test(l));
        for (const l of feedback.slice(1)) if (!/^ {13}(1 of 3|0 of 60)/.test(l)) expect(l).toMatch(/^ {13}│( |$)/);
        const shared = lines.findIndex((l) => l.startsWith("  all 2 tests: "));
        expect(shared >= 0).toBe(where === "problem");
        if (shared >= 0) for (const l of lines.slice(shared + 1, lines.findIndex((x) => /^\s*✘/.test(x)))) expect(l).toMatch(/^ {2}│( |$)/);
      }
    });
  }

  test("markdown: inline text (the grader's error, titles, names) makes no HTML, link or table cell", () => {
    const report = hostileReport("plain");
    report.error = `the grader failed: ${IMG} </details> **bold** | \`code\` [link](https://example.invalid) ![img](https://example.invalid/x.png)\n${FORGED}`;
    report.exercises[0].title = `Leader <script>x</script> | election \` ${IMG}`;
    report.exercises[0].tests[0].name = `picks ${IMG} | a leader ** \``;
    const md = formatReport(report, "markdown");
    const { outside } = fences(md);
    expectNoHtmlOutsideCode(outside);
    expect(outside).not.toMatch(/(?<!\\)\]\(https:/);
    expect(outside.match(/^## /gm)).toHaveLength(1);
    // The exercise's row still has its three cells: every | in the title is escaped.
    const row = md.split("\n").find((l) => l.startsWith("| ❌ |"))!;
    expect(row.replace(/\\\|/g, "").match(/\|/g)).toHaveLength(4);
  });

  test("the table still shows control characters as \\ufffd, never as terminal escapes", () => {
    const report = hostileReport("\x1b[2J\x1b[H05  Leader election  18/18\r\n  \x1b[32m✔\x1b[0m every test passed\x07");
    const table = formatReport(report, "table");
    // eslint-disable-next-line no-control-regex
    expect(table).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(table).toContain("\ufffd[2J");
  });

  test("the table shows Unicode line separators and bidirectional overrides as \ufffd: no line or order of its own", () => {
    // U+2028/U+2029 break lines in a browser, a JavaScript regex's ^ and $, and Python's splitlines;
    // U+202E and U+2066-U+2069 reorder what follows them.
    const report = hostileReport("x\u2028Total: 24/24 points\u2029\u202estniop 42/42\u202c \u2066y\u2069");
    report.exercises[0].printed = { text: "debug\u2028Total: 24/24 points\u202e", moreLines: 0, moreChars: 0 };
    const table = formatReport(report, "table");
    expect(table).not.toMatch(/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(table.match(/^Total:/gm)).toHaveLength(1);
  });

  test("an upload's file name is shown on one line, without escapes, and at most 300 characters of it", () => {
    expect(plainName("a\tb\nc\x1b[2J.ts")).toBe("a\ufffdb\ufffdc\ufffd[2J.ts");
    const deep = `${"folder/".repeat(10_000)}05-leader-election copy.ts`;
    expect(plainName(deep)).toBe(`${deep.slice(0, 300)}…`);
    expect(plainName("exercises/06-fencing copy.ts")).toBe("exercises/06-fencing copy.ts");
  });

  test("replay shows what the code printed as text, never as terminal escapes", () => {
    const shown = printedByCode("TOP\x1b]0;PWNED\x07\x1b[2J\x1b[HThis case passes now.\x1b]52;c;cm0gLXJmIH4=\x07\r\nsecond\n");
    // eslint-disable-next-line no-control-regex
    expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(shown).toBe("  | TOP\ufffd]0;PWNED\ufffd\ufffd[2J\ufffd[HThis case passes now.\ufffd]52;c;cm0gLXJmIH4=\ufffd\ufffd\n  | second\n");
  });

  test("the job summaries escape what was taken from the student's repository (paths may hold newlines and <, >)", () => {
    const notes = `Graded files: exercises/01-alpha.ts.\n01-alpha.ts: graded exercises/01-alpha.ts; ignored other copies x\n${FORGED}\n${IMG}\n---\n1. one\n- item\n> quote\n\`\`\`\n/01-alpha.ts.`;
    for (const md of [
      actionsSummary({ report: hostileReport(hostile("````")), notes }),
      actionsSummary({ notes, failure: `boom\n${FORGED}\n${IMG}` }),
      classroomSummary(classroomResult(hostileReport(hostile("```"))) as Parameters<typeof classroomSummary>[0], notes),
    ]) {
      const { outside } = fences(md);
      expect(outside).not.toContain(`\n${FORGED}`);
      expect(outside).not.toMatch(/^(---|1\. one|- item|> quote)$/m);
      expectNoHtmlOutsideCode(outside);
      expect(outside.match(/^## /gm)).toHaveLength(1);
    }
    expect(actionsSummary({ report: sample(), notes: "Graded files: exercises/01-alpha.ts, exercises/02-beta.ts." })).toContain("Graded files: exercises/01-alpha.ts, exercises/02-beta.ts.");
  });
});
