/**
 * `npm run grade -- --validate`: does the exercise set tell right from wrong?
 *
 * - every exercise has its files: stub, solution, tests, metadata with 2-3 hints, and at least two
 *   known-wrong variants under grader/variants/NN-name/;
 * - the solutions score full marks, and every test the runner reports is in the manifest;
 * - the untouched stubs score zero, every test saying "not implemented yet";
 * - every known-wrong variant compiles and loses points.
 * Everything is graded in one run; the exit code is 1 when any check fails.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSecret, ROOT } from "./cli";
import { loadExercises, selectExercises, type Exercise } from "./engine/exercises";
import { gradeSubmissions, type Submission } from "./engine/grade";
import type { ExerciseReport, GradeReport } from "./engine/report";

export interface ValidationResult {
  ok: boolean;
  lines: string[];
}

interface Variant {
  exercise: Exercise;
  name: string;
  path: string;
}

export function variantsOf(root: string, exercise: Exercise): Variant[] {
  const dir = join(root, "grader", "variants", exercise.name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => ({ exercise, name: f.replace(/\.ts$/, ""), path: join(dir, f) }));
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
  const variants = variantsOf(root, exercise).length;
  if (variants < 2) problems.push(`grader/variants/${exercise.name}/ has ${variants} known-wrong variant(s); at least 2 are needed`);
  const meta = `grader/exercises/${exercise.name}.meta.json`;
  if (existsSync(join(root, meta)) && readFileSync(join(root, meta), "utf8").includes("TODO(instructor)")) {
    problems.push(`${meta} still says TODO(instructor): write the title and the hints`);
  }
  const notebook = exercise.meta.notebook;
  if (typeof notebook === "string" && !notebook.includes("TODO") && !existsSync(join(root, notebook))) {
    problems.push(`${meta} names the notebook ${notebook}, which does not exist (npm run new-exercise -- --cells ${exercise.id} --notebook PATH poses it in one)`);
  }
  return problems;
}

export async function validate(root: string, exercises: Exercise[]): Promise<ValidationResult> {
  const lines: string[] = [];
  let ok = true;
  const fail = (line: string): void => {
    ok = false;
    lines.push(`  ✘ ${line}`);
  };
  const pass = (line: string): void => {
    lines.push(`  ✔ ${line}`);
  };

  const variants = exercises.flatMap((e) => variantsOf(root, e));
  const submissions: Submission[] = [
    { dir: join(root, "solutions"), display: "solutions" },
    { dir: join(root, "exercises"), display: "exercises" },
    ...variants.map((v) => ({
      dir: join(root, "solutions"),
      display: `grader/variants/${v.exercise.name}`,
      files: new Map([[v.exercise.name, v.path]]),
      only: [v.exercise.id],
    })),
  ];
  // Solutions, stubs and variants are the project's own code: workers may be shared.
  // The per-file limits still stop a hang; the whole run gets as long as its many files need.
  const reports = await gradeSubmissions(submissions, { root, exercises, secret: loadSecret(root), shareWorkers: true, timeoutMs: 30 * 60_000 });
  const [solutions, stubs] = reports;
  const byId = (report: GradeReport, id: string): ExerciseReport | undefined => report.exercises.find((e) => e.id === id);

  for (const exercise of exercises) {
    lines.push(`${exercise.id} ${exercise.meta.title}`);
    for (const p of structureProblems(root, exercise)) fail(p);

    const sol = byId(solutions, exercise.id);
    if (sol && sol.score === sol.maxScore) pass(`solutions/${exercise.name}.ts scores full marks (${sol.score}/${sol.maxScore})`);
    else if (sol) {
      fail(`solutions/${exercise.name}.ts scores ${sol.score}/${sol.maxScore}, not full marks:`);
      for (const t of sol.tests.filter((t) => t.status !== "passed")) lines.push(`      ${t.name}: ${t.message.split("\n").join("\n      ")}`);
    }
    if (sol?.unlisted) fail(`tests that ran but are not in the manifest (use literal graded({ name, points, visibility })): ${sol.unlisted.join("; ")}`);

    const stub = byId(stubs, exercise.id);
    const talking = stub?.tests.filter((t) => !t.message.includes("not implemented yet")) ?? [];
    if (stub && stub.score === 0 && talking.length === 0) pass(`exercises/${exercise.name}.ts scores zero, every test saying "not implemented yet"`);
    else if (stub) {
      fail(`exercises/${exercise.name}.ts scores ${stub.score}/${stub.maxScore}; every test must fail with "not implemented yet"`);
      for (const t of talking) lines.push(`      ${t.name}: ${t.message.split("\n")[0]}`);
    }

    variants.forEach((v, i) => {
      if (v.exercise !== exercise) return;
      const r = byId(reports[2 + i], exercise.id);
      const label = `variant ${v.name}`;
      if (!r) fail(`${label}: no result`);
      else if (r.incomplete) fail(`${label} could not be graded to the end: ${r.incomplete.split("\n")[0]}`);
      else if (r.problem) {
        // The variant was graded as the exercise's file: name the variant's own file instead.
        const problem = r.problem.replaceAll(`grader/variants/${exercise.name}/${exercise.name}.ts`, `grader/variants/${exercise.name}/${v.name}.ts`);
        fail(`${label} does not run, so it shows nothing about the tests: ${problem.split("\n").slice(0, 3).join(" ")}`);
      }
      else if (r.score < r.maxScore) {
        const caught = r.tests.filter((t) => t.status !== "passed").map((t) => t.name);
        pass(`${label} loses ${Math.round((r.maxScore - r.score) * 100) / 100} points (caught by: ${caught.join("; ")})`);
      } else fail(`${label} scores full marks: the tests do not catch this mistake`);
    });
  }
  return { ok, lines };
}

export async function validateMain(argv: string[]): Promise<number> {
  const only = argv.includes("--only") ? (argv[argv.indexOf("--only") + 1] ?? "").split(",").filter(Boolean) : [];
  const exercises = selectExercises(loadExercises(ROOT), only);
  const started = Date.now();
  const result = await validate(ROOT, exercises);
  process.stdout.write(`Validating ${exercises.length} exercise(s)\n${result.lines.join("\n")}\n`);
  process.stdout.write(`${result.ok ? "Validation passed" : "Validation FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result.ok ? 0 : 1;
}
