/**
 * A stand-in grader copy for testing the platform tooling without running real exercise tests:
 * a folder with exercises/ stubs and a grader/cli.ts that follows the real CLI's contract
 * (`--target DIR --format json|gradescope|classroom --out FILE`) and scores each exercise file
 * by a keyword in it:
 *   "full" -> full marks, "half" -> half, "hang" -> never finishes, "crash" -> exits without a report,
 *   "garbage" -> writes a report that is not JSON, anything else (a missing file too) -> zero.
 */
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PROJECT_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

export const FAKE_EXERCISES = ["01-alpha", "02-beta"];

const CLI = String.raw`
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(name); return i < 0 ? fallback : argv[i + 1]; };
const target = opt("--target"), format = opt("--format", "table"), out = opt("--out");
const ids = ${JSON.stringify(FAKE_EXERCISES)};
const exercises = [];
for (const id of ids) {
  const file = join(target, id + ".ts");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "missing";
  if (text.includes("hang")) await new Promise(() => setInterval(() => {}, 1000));
  if (text.includes("crash")) { console.error("boom: the grader crashed on " + id); process.exit(3); }
  if (text.includes("garbage")) { writeFileSync(out, "not json {"); process.exit(0); }
  const score = text.includes("full") ? 10 : text.includes("half") ? 5 : 0;
  exercises.push({ id, score, maxScore: 10, tests: [{ name: id + " works", status: score === 10 ? "passed" : "failed", score, maxScore: 10, message: score === 10 ? "" : "not implemented yet" }] });
}
const score = exercises.reduce((s, e) => s + e.score, 0);
const report = { score, maxScore: 10 * ids.length, exercises };
let body;
if (format === "json") body = report;
else if (format === "gradescope") body = { score, output: "graded as uid " + process.getuid() + (process.env.RL_GRADER_SECRET ? " with a secret" : ""), tests: exercises.flatMap((e) => e.tests.map((t) => ({ name: t.name, score: t.score, max_score: t.maxScore, status: t.status === "passed" ? "passed" : "failed", output: t.message }))) };
else if (format === "classroom") body = { version: 1, status: score === report.maxScore ? "pass" : "fail", max_score: report.maxScore, secret: Boolean(process.env.RL_GRADER_SECRET), tests: exercises.flatMap((e) => e.tests.map((t) => ({ name: t.name, status: t.status === "passed" ? "pass" : "fail", score: t.score, message: t.message }))) };
else { console.log("score " + score); process.exit(0); }
writeFileSync(out, JSON.stringify(body));
process.exit(score === report.maxScore ? 0 : 1);
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
  writeFileSync(join(root, "grader/cli.ts"), CLI);
  writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module", scripts: { grade: "tsx grader/cli.ts" } }));
  // Only tsx is linked: a link to the whole node_modules would let setup steps that add
  // node_modules/replication-lab write into this project's own install.
  mkdirSync(join(root, "node_modules"));
  symlinkSync(join(PROJECT_ROOT, "node_modules/tsx"), join(root, "node_modules/tsx"));
  return root;
}
