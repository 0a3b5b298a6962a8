/**
 * A stand-in grader copy for testing the platform tooling without running real exercise tests:
 * a folder with exercises/ stubs, a grader/cli.ts that follows the real CLI's contract and a
 * grader/batch-worker.ts that follows the chunk scorer's, both scoring each exercise file by a
 * keyword in it:
 *   "full" -> full marks, "half" -> half, "hang" -> never finishes, "crash" -> exits without a report,
 *   "garbage" -> writes a report that is not JSON, anything else (a missing file too) -> zero.
 */
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PROJECT_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

export const FAKE_EXERCISES = ["01-alpha", "02-beta"];

/** Scores one folder of exercise files by keyword; may hang, exit or return "garbage". */
const SCORE = String.raw`
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
export const ids = ${JSON.stringify(FAKE_EXERCISES)};
export async function score(target) {
  const exercises = [];
  for (const id of ids) {
    const file = join(target, id + ".ts");
    const text = existsSync(file) ? readFileSync(file, "utf8") : "missing";
    if (text.includes("hang")) await new Promise(() => setInterval(() => {}, 1000));
    if (text.includes("crash")) { console.error("boom: the grader crashed on " + id); process.exit(3); }
    if (text.includes("garbage")) return "garbage";
    const points = text.includes("full") ? 10 : text.includes("half") ? 5 : 0;
    exercises.push({ id, score: points, maxScore: 10, tests: [{ name: id + " works", status: points === 10 ? "passed" : "failed", score: points, maxScore: 10, message: points === 10 ? "" : "not implemented yet" }] });
  }
  return { score: exercises.reduce((s, e) => s + e.score, 0), maxScore: 10 * ids.length, exercises };
}
`;

/** The CLI's contract: --target DIR --format json|gradescope|classroom --out FILE. */
const CLI = String.raw`
import { writeFileSync } from "node:fs";
import { score } from "./fake-score.mjs";
const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(name); return i < 0 ? fallback : argv[i + 1]; };
const target = opt("--target"), format = opt("--format", "table"), out = opt("--out");
const report = await score(target);
if (report === "garbage") { writeFileSync(out, "not json {"); process.exit(0); }
const { exercises } = report;
let body;
if (format === "json") body = report;
else if (format === "gradescope") body = { score: report.score, output: "graded as uid " + process.getuid() + (process.env.RL_GRADER_SECRET ? " with a secret" : ""), tests: exercises.flatMap((e) => e.tests.map((t) => ({ name: t.name, score: t.score, max_score: t.maxScore, status: t.status === "passed" ? "passed" : "failed", output: t.message }))) };
else if (format === "classroom") body = { version: 1, status: report.score === report.maxScore ? "pass" : "fail", max_score: report.maxScore, secret: Boolean(process.env.RL_GRADER_SECRET), tests: exercises.flatMap((e) => e.tests.map((t) => ({ name: t.name, status: t.status === "passed" ? "pass" : "fail", score: t.score, message: t.message }))) };
else { console.log("score " + report.score); process.exit(0); }
writeFileSync(out, JSON.stringify(body));
process.exit(report.score === report.maxScore ? 0 : 1);
`;

/** batch-worker.ts's contract: JOB.json in, [{ id, report }] out; one bad submission spoils the chunk. */
const BATCH_WORKER = String.raw`
import { readFileSync, writeFileSync } from "node:fs";
import { score } from "./fake-score.mjs";
const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = [];
for (const s of job.submissions) {
  const report = await score(s.dir);
  if (report === "garbage") { writeFileSync(job.out, "not json {"); process.exit(0); }
  results.push({ id: s.id, report });
}
writeFileSync(job.out, JSON.stringify(results));
`;

/**
 * Creates a fake grader copy and returns its path: in a new temporary folder, or in `root` when
 * given. The real grader/platforms/ code is copied in, as the platform scripts run it from there.
 */
export function makeFakeGrader(root = mkdtempSync(join(tmpdir(), "rl-fake-grader-"))): string {
  mkdirSync(root, { recursive: true });
  cpSync(join(PROJECT_ROOT, "grader/platforms"), join(root, "grader/platforms"), { recursive: true });
  mkdirSync(join(root, "exercises"));
  for (const id of FAKE_EXERCISES) writeFileSync(join(root, "exercises", `${id}.ts`), "// stub: not implemented\n");
  writeFileSync(join(root, "grader/fake-score.mjs"), SCORE);
  writeFileSync(join(root, "grader/cli.ts"), CLI);
  writeFileSync(join(root, "grader/batch-worker.ts"), BATCH_WORKER);
  writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module", scripts: { grade: "tsx grader/cli.ts" } }));
  // Only tsx is linked: a link to the whole node_modules would let setup steps that add
  // node_modules/replication-lab write into this project's own install.
  mkdirSync(join(root, "node_modules"));
  symlinkSync(join(PROJECT_ROOT, "node_modules/tsx"), join(root, "node_modules/tsx"));
  return root;
}
