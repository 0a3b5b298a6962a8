/**
 * The exercise set: found on disk, with each exercise's metadata and its manifest of graded tests.
 *
 * The manifest is read from the pristine test file's source (the literal `name`, `points` and
 * `visibility` of each `graded({...})` call), never from a run: a test that student code managed
 * to skip, rename or crash away is still expected, and so counts as failed.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type * as TS from "typescript";
import ts from "./typescript";
import type { Visibility } from "../graded";

export interface ManifestTest {
  name: string;
  points: number;
  visibility: Visibility;
  timeoutMs?: number;
}

export interface ExerciseMeta {
  title: string;
  /** The notebook that poses the exercise, relative to the project root. */
  notebook?: string;
  /** Two or three hints, each nearer the answer. */
  hints: string[];
}

export interface Exercise {
  /** "05" */
  id: string;
  /** "05-leader-election": the file name used in exercises/, solutions/ and grader/exercises/. */
  name: string;
  testFile: string;
  meta: ExerciseMeta;
  tests: ManifestTest[];
  /** Problems with its test file's manifest (a grader bug, reported by --validate). */
  problems: string[];
  /** Problems with its meta.json as read (missing, not JSON, no title, not 2-3 hints): see metaProblems in ../static-checks.ts. */
  metaProblems: string[];
}

const TEST_FILE = /^(\d{2})-([a-z0-9][a-z0-9-]*)\.test\.ts$/;

/** Every exercise under `<root>/grader/exercises`, sorted by id. */
export function loadExercises(root: string): Exercise[] {
  const dir = join(root, "grader", "exercises");
  const exercises: Exercise[] = [];
  for (const file of readdirSync(dir).sort()) {
    const match = TEST_FILE.exec(file);
    if (!match) continue;
    const name = `${match[1]}-${match[2]}`;
    const problems: string[] = [];
    const metaProblems: string[] = [];
    const testFile = join(dir, file);
    const tests = readManifest(testFile, problems);
    const meta = readMeta(join(dir, `${name}.meta.json`), name, metaProblems);
    exercises.push({ id: match[1], name, testFile, meta, tests, problems, metaProblems });
  }
  return exercises;
}

/**
 * The value of `--only` as a list: "03", "03,05", "03, leader-election"; undefined when the option
 * is absent (every exercise). Every command that takes `--only` reads it here (`npm run grade`, its
 * `--validate` and `--batch`, `npm run classroom50`), and selectExercises says which exercises the
 * words name. A value that names nothing ("", ",") is refused: it would otherwise grade everything.
 */
export function parseOnly(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const words = [...new Set(value.split(",").map((s) => s.trim()).filter(Boolean))];
  if (words.length === 0) throw new Error(`--only: give the exercises to grade, as in --only 03 or --only 03,05 (got ${JSON.stringify(value)})`);
  return words;
}

/**
 * Keeps the exercises named by `only`: ids ("05", "5"), full names ("05-leader-election") or the
 * name without its number ("leader-election"); all when `only` is empty. Any list of exercises
 * with an id and a name will do (the batch selects among a grader copy's exercise files).
 */
export function selectExercises<E extends { id: string; name: string }>(all: E[], only: readonly string[]): E[] {
  if (only.length === 0) return all;
  const names = (o: string) => (e: E) => o === e.id || o === e.name || o === String(Number(e.id)) || o === e.name.slice(3);
  const chosen = all.filter((e) => only.some((o) => names(o)(e)));
  const unknown = only.filter((o) => !all.some(names(o)));
  if (unknown.length > 0) {
    throw new Error(`--only: no exercise ${unknown.map((u) => JSON.stringify(u)).join(", ")}; the exercises are ${all.map((e) => e.name).join(", ")}`);
  }
  return chosen;
}

function readMeta(path: string, name: string, problems: string[]): ExerciseMeta {
  const fallback: ExerciseMeta = { title: name, hints: [] };
  if (!existsSync(path)) {
    problems.push(`${name}.meta.json is missing (title, notebook, hints)`);
    return fallback;
  }
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as Partial<ExerciseMeta>;
    if (typeof data.title !== "string" || data.title === "") problems.push(`${name}.meta.json: "title" must be a non-empty string`);
    if (!Array.isArray(data.hints) || data.hints.length < 2 || data.hints.length > 3 || data.hints.some((h) => typeof h !== "string")) {
      problems.push(`${name}.meta.json: "hints" must be 2 or 3 strings, each nearer the answer`);
    }
    if (data.notebook !== undefined && typeof data.notebook !== "string") problems.push(`${name}.meta.json: "notebook" must be a path`);
    return {
      title: typeof data.title === "string" && data.title ? data.title : name,
      notebook: typeof data.notebook === "string" ? data.notebook : undefined,
      hints: Array.isArray(data.hints) ? data.hints.filter((h): h is string => typeof h === "string") : [],
    };
  } catch (error) {
    problems.push(`${name}.meta.json is not valid JSON: ${(error as Error).message}`);
    return fallback;
  }
}

/** The `graded({...})` calls of a test file, read from its syntax tree. */
export function readManifest(testFile: string, problems: string[]): ManifestTest[] {
  const source = ts.createSourceFile(testFile, readFileSync(testFile, "utf8"), ts.ScriptTarget.ES2022, true);
  const tests: ManifestTest[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "graded") {
      const where = `${testFile.split(/[\\/]/).pop()}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const spec = node.arguments[0];
      const test = spec && ts.isObjectLiteralExpression(spec) ? literalSpec(spec) : undefined;
      if (!test) problems.push(`${where}: graded() needs a literal { name, points, visibility } as its first argument`);
      else if (tests.some((t) => t.name === test.name)) problems.push(`${where}: two graded tests are named ${JSON.stringify(test.name)}`);
      else tests.push(test);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (tests.length === 0) problems.push(`${testFile.split(/[\\/]/).pop()} declares no graded() tests`);
  // A public test after a hidden one would run in the sandbox process that ran the hidden cases,
  // whose inputs the student's code could keep and show in the public test's feedback (the grader
  // then starts a new process for it, at a cost: graded.ts).
  const firstHidden = tests.findIndex((t) => t.visibility === "hidden");
  const late = firstHidden < 0 ? [] : tests.slice(firstHidden).filter((t) => t.visibility === "public");
  if (late.length > 0) {
    problems.push(`${testFile.split(/[\\/]/).pop()}: the public test ${JSON.stringify(late[0].name)} comes after the hidden test ${JSON.stringify(tests[firstHidden].name)}: put the hidden tests last`);
  }
  return tests;
}

function literalSpec(spec: TS.ObjectLiteralExpression): ManifestTest | undefined {
  const fields = new Map<string, TS.Expression>();
  for (const p of spec.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) fields.set(p.name.text, p.initializer);
  }
  const text = (e: TS.Expression | undefined) =>
    e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined;
  const num = (e: TS.Expression | undefined) => (e && ts.isNumericLiteral(e) ? Number(e.text.replace(/_/g, "")) : undefined);
  const name = text(fields.get("name"));
  const points = num(fields.get("points"));
  const visibility = text(fields.get("visibility"));
  const timeoutMs = num(fields.get("timeoutMs"));
  if (name === undefined || name === "" || points === undefined || !(points > 0)) return undefined;
  if (visibility !== "public" && visibility !== "hidden") return undefined;
  if (fields.has("timeoutMs") && timeoutMs === undefined) return undefined;
  return { name, points, visibility, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}
