/**
 * `npm run grade -- --validate [--only 05] [--secrets N [--secret-base TEXT]]`: does the exercise
 * set tell right from wrong, and does it say so the same way under any grading secret?
 *
 * - every exercise has its files: stub, solution, tests, metadata with 2-3 hints, and at least two
 *   known-wrong variants under grader/variants/NN-name/;
 * - the notebooks' committed outputs of check("NN") state the exercise's public tests and points as
 *   they are now (static-checks.ts: read from the files, no notebook is run);
 * - the solutions and every correct alternative (grader/alternatives/NN-name/) score full marks,
 *   and every test the runner reports is in the manifest;
 * - the untouched stubs score zero, every test saying "not implemented yet";
 * - every known-wrong variant compiles and loses points;
 * - with `--secrets N`, all of that under N grading secrets, and every test of every solution,
 *   alternative and variant gets the same verdict (passed, or not) under each of them: a test
 *   whose verdict changes with the secret is reported, and fails the validation; a hidden test that
 *   catches a variant with a single case under some secret is reported as a warning (⚠).
 * Each secret's grading is one run; the exit code is 1 when any check fails.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadSecret, posixRelative, ROOT } from "./project";
import { loadExercises, parseOnly, selectExercises, type Exercise } from "./engine/exercises";
import { gradeSubmissions, type Submission } from "./engine/grade";
import type { ExerciseReport, GradeReport } from "./engine/report";
import { checkOutputs, metaProblems, projectNotebooks, staleOutputLine } from "./static-checks";

export interface ValidationResult {
  ok: boolean;
  lines: string[];
}

/** A file graded in place of one exercise of the solutions: a known-wrong variant or a correct alternative. */
interface Variant {
  exercise: Exercise;
  name: string;
  path: string;
}

function filesIn(root: string, folder: "variants" | "alternatives", exercise: Exercise): Variant[] {
  const dir = join(root, "grader", folder, exercise.name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => ({ exercise, name: f.replace(/\.ts$/, ""), path: join(dir, f) }));
}

/** Known-wrong versions of an exercise file: grader/variants/NN-name/*.ts. */
export function variantsOf(root: string, exercise: Exercise): Variant[] {
  return filesIn(root, "variants", exercise);
}

/** Correct versions of an exercise file other than the reference solution: grader/alternatives/NN-name/*.ts. */
export function alternativesOf(root: string, exercise: Exercise): Variant[] {
  return filesIn(root, "alternatives", exercise);
}

/** Problems with an exercise's files, found without running anything. */
export function structureProblems(root: string, exercise: Exercise): string[] {
  const problems = [...exercise.problems];
  for (const folder of ["exercises", "solutions"]) {
    if (!existsSync(join(root, folder, `${exercise.name}.ts`))) problems.push(`${folder}/${exercise.name}.ts is missing`);
  }
  const stub = join(root, "exercises", `${exercise.name}.ts`);
  if (existsSync(stub) && !readFileSync(stub, "utf8").includes("not implemented yet")) {
    problems.push(`exercises/${exercise.name}.ts does not throw NotImplementedError("${exercise.id}: … not implemented yet: …")`);
  }
  if (/from\s+["'][./]*solutions\//.test(readFileSync(exercise.testFile, "utf8"))) {
    problems.push(`grader/exercises/${exercise.name}.test.ts imports solutions/: tests must import ../../exercises/${exercise.name}`);
  }
  // Graded, a variant or an alternative stands in exercises/, where "../lib" is the library; in
  // its own folder the project's type check (npm run typecheck) finds no such module.
  for (const v of [...variantsOf(root, exercise), ...alternativesOf(root, exercise)]) {
    const shown = shownPath(root, v.path);
    if (/\bfrom\s+["']\.\.\/lib(?:\/[^"']*)?["']|\bimport\s*\(\s*["']\.\.\/lib/.test(readFileSync(v.path, "utf8"))) {
      problems.push(`${shown} imports "../lib", which only an exercise file can (from exercises/): npm run typecheck fails on it here; import from "replication-lab" (the same library) instead`);
    }
  }
  problems.push(...missingImports(root, exercise));
  const variants = variantsOf(root, exercise).length;
  if (variants < 2) problems.push(`grader/variants/${exercise.name}/ has ${variants} known-wrong variant(s); at least 2 are needed`);
  const meta = `grader/exercises/${exercise.name}.meta.json`;
  if (existsSync(join(root, meta)) && readFileSync(join(root, meta), "utf8").includes("TODO(instructor)")) {
    problems.push(`${meta} still says TODO(instructor): write the title and the hints`);
  }
  problems.push(...metaProblems(root, exercise));
  return problems;
}

/** A project file as messages name it: relative to the root, `/` between folders. */
function shownPath(root: string, path: string): string {
  return posixRelative(root, path);
}

/**
 * Imports of the exercise's test file (and of its own support file) from beside it (`./…`, the
 * support files) that name no file: a
 * typo there makes the test file fail to load, and every result of the validation with it, each
 * seeming to blame the file graded. Said once, first, with the line.
 */
function missingImports(root: string, exercise: Exercise): string[] {
  const problems: string[] = [];
  const support = join(dirname(exercise.testFile), `${exercise.name}.support.ts`);
  for (const file of [exercise.testFile, support]) {
    if (!existsSync(file)) continue;
    const shown = shownPath(root, file);
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        for (const m of line.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.\/[^"']+)["']/g)) {
          const target = join(dirname(file), m[1]);
          const found = [target, `${target}.ts`, join(target, "index.ts")].some((candidate) => existsSync(candidate) && statSync(candidate).isFile());
          if (!found) problems.push(`${shown}:${i + 1} imports "${m[1]}", which does not exist: the test file cannot load, so every result below fails for that reason alone`);
        }
      });
  }
  return problems;
}

/** The secrets `--secrets n` grades under: derived from `base`, so that a run can be repeated. */
export function validationSecrets(n: number, base: string): string[] {
  return Array.from({ length: n }, (_, i) => createHash("sha256").update(`${base}/${i + 1}`).digest("hex"));
}

type Kind = "solution" | "alternative" | "variant";

/** One graded file of the validation: what it is, and where its result sits in each secret's reports. */
interface Entry {
  kind: Kind;
  exercise: Exercise;
  name: string;
  label: string;
  /** Index of its submission in every secret's reports. */
  at: number;
}

export interface ValidateOptions {
  /** Grading secrets, one grading each (default: the configured secret, or a random one). */
  secrets?: (string | undefined)[];
  /** How the secrets were made, for the report ("derived from base …"). */
  secretsNote?: string;
}

export async function validate(root: string, exercises: Exercise[], options: ValidateOptions = {}): Promise<ValidationResult> {
  const lines: string[] = [];
  let ok = true;
  const fail = (line: string): void => {
    ok = false;
    // A test file runs as one slot's copy (grader/exercises/.pK/…, settings.ts slotFile): name the real one.
    lines.push(`  ✘ ${line.replace(/grader\/exercises\/\.p\d+\//g, "grader/exercises/")}`);
  };
  const pass = (line: string): void => {
    lines.push(`  ✔ ${line}`);
  };

  const secrets = options.secrets ?? [loadSecret(root)];
  const entries: Entry[] = [];
  const submissions: Submission[] = [{ dir: join(root, "solutions"), display: "solutions" }];
  for (const e of exercises) entries.push({ kind: "solution", exercise: e, name: e.name, label: `solutions/${e.name}.ts`, at: 0 });
  const add = (kind: Kind, v: Variant): void => {
    const folder = kind === "variant" ? "variants" : "alternatives";
    entries.push({ kind, exercise: v.exercise, name: v.name, label: `${kind} ${v.name}`, at: submissions.length });
    submissions.push({ dir: join(root, "solutions"), display: `grader/${folder}/${v.exercise.name}`, files: new Map([[v.exercise.name, v.path]]), only: [v.exercise.id] });
  };
  for (const e of exercises) for (const v of alternativesOf(root, e)) add("alternative", v);
  for (const e of exercises) for (const v of variantsOf(root, e)) add("variant", v);
  const stubsAt = submissions.length;
  const stubSubmission: Submission = { dir: join(root, "exercises"), display: "exercises" };

  // One grading per secret (the stubs only once: they never run anything). The whole run gets as
  // long as its many files need; the per-case limits still stop a hang.
  const runs: GradeReport[][] = [];
  for (const [i, secret] of secrets.entries()) {
    runs.push(await gradeSubmissions(i === 0 ? [...submissions, stubSubmission] : submissions, { root, exercises, secret, timeoutMs: 30 * 60_000 }));
  }
  const byId = (report: GradeReport | undefined, id: string): ExerciseReport | undefined => report?.exercises.find((e) => e.id === id);
  const results = (entry: Entry): (ExerciseReport | undefined)[] => runs.map((r) => byId(r[entry.at], entry.exercise.id));
  const under = (i: number): string => (secrets.length > 1 ? ` under secret ${i + 1}` : "");
  if (secrets.length > 1) lines.push(`Graded under ${secrets.length} secrets${options.secretsNote ? ` (${options.secretsNote})` : ""}`);

  const outputs = checkOutputs(root, projectNotebooks(root), exercises);
  for (const exercise of exercises) {
    lines.push(`${exercise.id} ${exercise.meta.title}`);
    for (const p of structureProblems(root, exercise)) fail(p);
    const stale = outputs.stale.filter((s) => s.id === exercise.id);
    for (const s of stale) fail(`a committed output of check("${exercise.id}") is out of date: ${staleOutputLine(s)}`);
    const shownIn = outputs.shown.get(exercise.id);
    if (shownIn && stale.length === 0) pass(`the committed outputs of check("${exercise.id}") show its public tests and points as they are (${shownIn.join(", ")})`);
    const mine = entries.filter((e) => e.exercise === exercise);

    for (const entry of mine.filter((e) => e.kind !== "variant")) {
      const label = entry.kind === "solution" ? entry.label : `alternative ${entry.name}`;
      const reports = results(entry);
      const short = reports.flatMap((r, i) => (r && r.score === r.maxScore ? [] : [{ r, i }]));
      if (short.length === 0) pass(`${label} scores full marks (${reports[0]?.score}/${reports[0]?.maxScore})${secrets.length > 1 ? ` under all ${secrets.length} secrets` : ""}`);
      for (const { r, i } of short) {
        if (!r) {
          fail(`${label}: no result${under(i)}`);
          continue;
        }
        fail(`${label} scores ${r.score}/${r.maxScore}${under(i)}, not full marks:${r.problem ? ` ${r.problem.split("\n")[0]}` : ""}`);
        for (const t of r.tests.filter((t) => t.status !== "passed")) lines.push(`      ${t.name}: ${t.message.split("\n").join("\n      ")}`);
      }
      const typed = reports.find((r) => r?.typeErrors);
      if (typed?.typeErrors) fail(`${label} has type errors: ${typed.typeErrors.join("; ")}`);
      const unlisted = reports.find((r) => r?.unlisted);
      if (unlisted?.unlisted) fail(`tests that ran but are not in the manifest (use literal graded({ name, points, visibility })): ${unlisted.unlisted.join("; ")}`);
    }

    const stub = byId(runs[0][stubsAt], exercise.id);
    const talking = stub?.tests.filter((t) => !t.message.includes("not implemented yet")) ?? [];
    if (stub && stub.score === 0 && talking.length === 0) pass(`exercises/${exercise.name}.ts scores zero, every test saying "not implemented yet"`);
    else if (stub) {
      fail(`exercises/${exercise.name}.ts scores ${stub.score}/${stub.maxScore}; every test must fail with "not implemented yet"`);
      for (const t of talking) lines.push(`      ${t.name}: ${t.message.split("\n")[0]}`);
    }

    for (const entry of mine.filter((e) => e.kind === "variant")) {
      const label = `variant ${entry.name}`;
      // The variant was graded as the exercise's file: name the variant's own file instead.
      const ownFile = (text: string) => text.replaceAll(`grader/variants/${exercise.name}/${exercise.name}.ts`, `grader/variants/${exercise.name}/${entry.name}.ts`);
      const reports = results(entry);
      const broken = reports.map((r, i) => ({ r, i })).find(({ r }) => !r || r.incomplete || r.problem || r.typeErrors);
      if (broken) {
        const { r, i } = broken;
        if (!r) fail(`${label}: no result${under(i)}`);
        else if (r.incomplete) fail(`${label} could not be graded to the end${under(i)}: ${r.incomplete.split("\n")[0]}`);
        else if (r.problem) fail(`${label} does not run, so it shows nothing about the tests: ${ownFile(r.problem).split("\n").slice(0, 3).join(" ")}`);
        else fail(`${label} has type errors (a variant must compile): ${r.typeErrors!.map(ownFile).join("; ")}`);
        continue;
      }
      const full = reports.map((r, i) => ({ r: r!, i })).filter(({ r }) => r.score >= r.maxScore);
      for (const { i } of full) {
        fail(`${label} scores full marks${under(i)}: the tests do not catch this mistake (add a case aimed at it; if it is a right answer after all, move it to grader/alternatives/${exercise.name}/)`);
      }
      if (full.length > 0) continue;
      const lost = reports.map((r) => Math.round((r!.maxScore - r!.score) * 100) / 100);
      const caught = [...new Set(reports.flatMap((r) => r!.tests.filter((t) => t.status !== "passed").map((t) => t.name)))];
      const points = Math.min(...lost) === Math.max(...lost) ? `${lost[0]}` : `${Math.min(...lost)}-${Math.max(...lost)}`;
      pass(`${label} loses ${points} points${secrets.length > 1 ? ` under every secret` : ""} (caught by: ${caught.join("; ")})`);
    }

    if (secrets.length > 1) {
      const unstable = mine.flatMap((entry) => verdictChanges(entry, results(entry)));
      if (unstable.length === 0) pass(`every test gives every solution, alternative and variant the same verdict under all ${secrets.length} secrets`);
      for (const line of unstable) fail(line);
      for (const entry of mine.filter((e) => e.kind === "variant")) for (const line of narrowCatches(entry, results(entry))) lines.push(`  ⚠ ${line}`);
    }
  }
  return { ok, lines };
}

/** Tests of one graded file whose verdict (passed, or not) differs between secrets, as lines of the report. */
function verdictChanges(entry: Entry, reports: (ExerciseReport | undefined)[]): string[] {
  const names = new Set(reports.flatMap((r) => r?.tests.map((t) => t.name) ?? []));
  const out: string[] = [];
  for (const name of names) {
    const verdicts = reports.map((r) => r?.tests.find((t) => t.name === name));
    const passed = verdicts.map((t) => t?.status === "passed");
    if (passed.every((p) => p === passed[0])) continue;
    const where = (want: boolean) => passed.flatMap((p, i) => (p === want ? [i + 1] : [])).join(", ");
    const scores = verdicts.map((t) => (t ? `${t.score}/${t.maxScore}` : "no result")).join(", ");
    out.push(`${entry.label}: "${name}" passes under secret(s) ${where(true)} and fails under ${where(false)} (points ${scores})`);
  }
  return out;
}

/**
 * Hidden tests that catch a variant under every secret, but under some secret with one case only:
 * a draw without that case would let it pass, so the test should build a case aimed at the
 * mistake in every draw (grader/search/aims.ts). A warning: the verdict did not change, yet.
 */
function narrowCatches(entry: Entry, reports: (ExerciseReport | undefined)[]): string[] {
  const names = new Set(reports.flatMap((r) => r?.tests.filter((t) => t.visibility === "hidden").map((t) => t.name) ?? []));
  const out: string[] = [];
  for (const name of names) {
    const counts = reports.map((r) => r?.tests.find((t) => t.name === name)?.cases);
    if (counts.some((c) => c === undefined || c.passed === c.total || c.total < 2)) continue;
    const failing = counts.map((c) => c!.total - c!.passed);
    const fewest = Math.min(...failing);
    if (fewest > 1) continue;
    const where = failing.flatMap((n, i) => (n === fewest ? [i + 1] : [])).join(", ");
    out.push(`${entry.label}: "${name}" caught by a single case of ${counts[0]!.total} under secret(s) ${where}: a draw without it would pass`);
  }
  return out;
}

export async function validateMain(argv: string[]): Promise<number> {
  const value = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const count = value("--secrets");
  if (count !== undefined && !(/^\d+$/.test(count) && Number(count) >= 1 && Number(count) <= 50)) {
    process.stderr.write(`--secrets ${JSON.stringify(count)}: give how many secrets to grade under, from 1 to 50\n`);
    return 2;
  }
  const base = value("--secret-base") ?? randomBytes(8).toString("hex");
  const options: ValidateOptions =
    count === undefined ? {} : { secrets: validationSecrets(Number(count), base), secretsNote: `derived from --secret-base ${base}` };
  // A student release has no solutions/ and no known-wrong variants: nothing to validate against.
  if (!existsSync(join(ROOT, "solutions"))) {
    process.stderr.write("--validate checks the exercises against their solutions and known-wrong variants, which only the instructor's copy holds (this copy has no solutions/ folder). To grade your own work: npm run grade\n");
    return 2;
  }
  let exercises: Exercise[];
  try {
    exercises = selectExercises(loadExercises(ROOT), parseOnly(argv.includes("--only") ? (value("--only") ?? "") : undefined) ?? []);
    // The configured secret, read now so that one too short stops the run with its reason.
    if (!options.secrets) options.secrets = [loadSecret(ROOT)];
  } catch (error) {
    process.stderr.write(`nothing was validated: ${(error as Error).message}\n`);
    return 2;
  }
  const started = Date.now();
  const result = await validate(ROOT, exercises, options);
  process.stdout.write(`Validating ${exercises.length} exercise(s)\n${result.lines.join("\n")}\n`);
  process.stdout.write(`${result.ok ? "Validation passed" : "Validation FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result.ok ? 0 : 1;
}
