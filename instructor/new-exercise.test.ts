import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseNewExerciseArgs, poseExercise, scaffoldExercise } from "./new-exercise";
import { namesOf } from "./new-exercise-templates";
import { loadExercises } from "../grader/engine/exercises";
import { structureProblems } from "../grader/validate";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 120_000);
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "rl-new-exercise-"));
  dirs.push(dir);
  return dir;
}

describe("namesOf", () => {
  it("derives the function and input type names from the exercise name", () => {
    expect(namesOf("09-quorum-reads")).toEqual({ id: "09", name: "09-quorum-reads", fn: "quorumReads", input: "QuorumReadsInput" });
  });
});

describe("scaffoldExercise", () => {
  it("refuses a name that is not NN-name, naming the expected shape", () => {
    expect(() => scaffoldExercise({ root: tempRoot(), name: "9-reads" })).toThrow(/"9-reads" is not NN-name: two digits, a dash/);
    expect(() => scaffoldExercise({ root: tempRoot(), name: "09-Reads" })).toThrow(/is not NN-name/);
  });

  it("refuses a number already in use and writes nothing", () => {
    const root = tempRoot();
    mkdirSync(join(root, "solutions"));
    writeFileSync(join(root, "solutions/09-old.ts"), "");
    expect(() => scaffoldExercise({ root, name: "09-new" })).toThrow("exercise number 09 is taken: solutions/09-old.ts; choose another NN");
    expect(existsSync(join(root, "exercises"))).toBe(false);
  });

  it("writes the six files and appends the cells to the notebook it is given", () => {
    const root = tempRoot();
    mkdirSync(join(root, "notebooks"));
    writeFileSync(join(root, "notebooks/04-x.ipynb"), JSON.stringify({ cells: [{ cell_type: "markdown", source: ["# X"] }], nbformat: 4 }));
    const made = scaffoldExercise({ root, name: "09-quorum-reads", notebook: "notebooks/04-x.ipynb" });
    expect(made.files).toEqual([
      "exercises/09-quorum-reads.ts",
      "solutions/09-quorum-reads.ts",
      "grader/exercises/09-quorum-reads.test.ts",
      "grader/exercises/09-quorum-reads.meta.json",
      "grader/variants/09-quorum-reads/first-mistake.ts",
      "grader/variants/09-quorum-reads/second-mistake.ts",
    ]);
    const notebook = JSON.parse(readFileSync(join(root, "notebooks/04-x.ipynb"), "utf8"));
    expect(notebook.cells.map((c: { cell_type: string }) => c.cell_type)).toEqual(["markdown", "markdown", "code"]);
    expect(notebook.cells[2].source.join("")).toBe('import { check, hint } from "replication-lab";\nawait check("09");');
    expect(JSON.parse(readFileSync(join(root, "grader/exercises/09-quorum-reads.meta.json"), "utf8")).notebook).toBe("notebooks/04-x.ipynb");
  });

  it("with kind router, writes the same six files for routeRead(ctx), every one saying TODO(instructor)", () => {
    const root = tempRoot();
    const made = scaffoldExercise({ root, name: "09-fresh-reads", kind: "router" });
    expect(made.kind).toBe("router");
    expect(made.names.fn).toBe("routeRead");
    expect(made.files).toEqual([
      "exercises/09-fresh-reads.ts",
      "solutions/09-fresh-reads.ts",
      "grader/exercises/09-fresh-reads.test.ts",
      "grader/exercises/09-fresh-reads.meta.json",
      "grader/variants/09-fresh-reads/first-mistake.ts",
      "grader/variants/09-fresh-reads/second-mistake.ts",
    ]);
    const read = (file: string) => readFileSync(join(root, file), "utf8");
    for (const file of made.files) expect(read(file), file).toContain("TODO(instructor)");
    expect(read("exercises/09-fresh-reads.ts")).toContain('import { NotImplementedError, type ReadContext, type ReadDecision } from "../lib";');
    expect(read("exercises/09-fresh-reads.ts")).toContain("export function routeRead(ctx: ReadContext): ReadDecision {");
    expect(read("solutions/09-fresh-reads.ts")).toContain("export function routeRead(ctx: ReadContext): ReadDecision {");
    expect(read("grader/exercises/09-fresh-reads.test.ts")).toContain('student<typeof Exercise>("09-fresh-reads")');
    for (const variant of made.files.filter((f) => f.startsWith("grader/variants/"))) {
      expect(read(variant)).toContain('import type { ReadContext, ReadDecision } from "replication-lab";');
      expect(read(variant)).toContain("TODO_instructor_write_a_plausible_mistake_here;");
    }
    expect(structureProblems(root, loadExercises(root)[0]).some((p) => p.includes('"../lib"'))).toBe(false);
    expect(made.cells[0].source.join("")).toContain("write `routeRead` there");
  });

  it("with kind router, writes a test file whose relative imports are this project's routing helpers", () => {
    const root = tempRoot();
    scaffoldExercise({ root, name: "09-fresh-reads", kind: "router" });
    const text = readFileSync(join(root, "grader/exercises/09-fresh-reads.test.ts"), "utf8");
    const local = [...text.matchAll(/from "\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(local).toEqual(["routing.support", "sessions.support"]);
    for (const file of local) expect(existsSync(join(ROOT, "grader/exercises", `${file}.ts`)), file).toBe(true);
  });
});

describe("poseExercise", () => {
  function projectWith05(): string {
    const root = tempRoot();
    mkdirSync(join(root, "exercises"));
    mkdirSync(join(root, "grader/exercises"), { recursive: true });
    mkdirSync(join(root, "notebooks"));
    writeFileSync(join(root, "exercises/05-leader-election.ts"), "/** doc */\nexport function chooseNewLeader(x: number): number {\n  return x;\n}\n");
    writeFileSync(join(root, "grader/exercises/05-leader-election.meta.json"), JSON.stringify({ title: "Who leads next?", hints: ["a", "b"] }, null, 2));
    writeFileSync(join(root, "notebooks/04-failover.ipynb"), JSON.stringify({ cells: [{ cell_type: "markdown", metadata: {}, source: ["# Failover"] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    return root;
  }

  it("appends an existing exercise's cells, with its title and function, and records the notebook in meta.json", () => {
    const root = projectWith05();
    const posed = poseExercise({ root, exercise: "05", notebook: "notebooks/04-failover.ipynb" });
    expect(posed.metaUpdated).toBe("grader/exercises/05-leader-election.meta.json");
    const notebook = JSON.parse(readFileSync(join(root, "notebooks/04-failover.ipynb"), "utf8"));
    expect(notebook.cells.map((c: { cell_type: string }) => c.cell_type)).toEqual(["markdown", "markdown", "code"]);
    expect(notebook.cells[1].source.join("")).toContain("## Exercise 05: Who leads next?");
    expect(notebook.cells[1].source.join("")).toContain("write `chooseNewLeader` there");
    expect(notebook.cells[2].source.join("")).toContain('await check("05");');
    const meta = JSON.parse(readFileSync(join(root, "grader/exercises/05-leader-election.meta.json"), "utf8"));
    expect(meta).toEqual({ title: "Who leads next?", hints: ["a", "b"], notebook: "notebooks/04-failover.ipynb" });
  });

  it("refuses a notebook that already poses the exercise and leaves it as it was", () => {
    const root = projectWith05();
    poseExercise({ root, exercise: "05-leader-election", notebook: "notebooks/04-failover.ipynb" });
    const before = readFileSync(join(root, "notebooks/04-failover.ipynb"), "utf8");
    expect(() => poseExercise({ root, exercise: "05", notebook: "notebooks/04-failover.ipynb" })).toThrow(
      'notebooks/04-failover.ipynb already poses exercise 05 (a cell calls check("05")); nothing was changed',
    );
    expect(readFileSync(join(root, "notebooks/04-failover.ipynb"), "utf8")).toBe(before);
  });

  it("names the exercises there are when asked for one that does not exist, and only prints without --notebook", () => {
    const root = projectWith05();
    expect(() => poseExercise({ root, exercise: "07" })).toThrow("--cells 07: no such exercise in exercises/ (there are: 05-leader-election)");
    const printed = poseExercise({ root, exercise: "05" });
    expect(printed.metaUpdated).toBeUndefined();
    expect(JSON.parse(readFileSync(join(root, "notebooks/04-failover.ipynb"), "utf8")).cells).toHaveLength(1);
  });
});

describe("validation of a scaffolded exercise's metadata", () => {
  it("flags a meta.json that still says TODO(instructor) or names a notebook that does not exist", () => {
    const root = tempRoot();
    scaffoldExercise({ root, name: "09-quorum-reads" });
    const meta = join(root, "grader/exercises/09-quorum-reads.meta.json");
    const [todo] = loadExercises(root);
    expect(structureProblems(root, todo)).toContain("grader/exercises/09-quorum-reads.meta.json still says TODO(instructor): write the title and the hints");
    writeFileSync(meta, JSON.stringify({ title: "Quorum reads", notebook: "notebooks/04-quorums.ipynb", hints: ["a", "b"] }));
    const [missing] = loadExercises(root);
    const problems = structureProblems(root, missing);
    expect(problems.some((p) => p.includes("TODO(instructor)") && p.includes("meta.json"))).toBe(false);
    expect(problems).toContain(
      "grader/exercises/09-quorum-reads.meta.json names the notebook notebooks/04-quorums.ipynb, which does not exist (npm run new-exercise -- --cells 09 --notebook PATH poses it in one)",
    );
    mkdirSync(join(root, "notebooks"));
    writeFileSync(join(root, "notebooks/04-quorums.ipynb"), "{}");
    expect(structureProblems(root, loadExercises(root)[0]).some((p) => p.includes("names the notebook"))).toBe(false);
  });

  it("names a relative import of the test file that does not exist, with its line, once", () => {
    const root = tempRoot();
    scaffoldExercise({ root, name: "09-quorum-reads" });
    const test = join(root, "grader/exercises/09-quorum-reads.test.ts");
    const text = readFileSync(test, "utf8");
    expect(structureProblems(root, loadExercises(root)[0]).filter((p) => p.includes("does not exist"))).toEqual([]);
    writeFileSync(join(root, "grader/exercises/09-quorum-reads.support.ts"), 'export { x } from "./shared.support";\n');
    writeFileSync(test, `import { judge } from "./09-quorum-read.support";\n${text}`);
    expect(structureProblems(root, loadExercises(root)[0]).filter((p) => p.includes("does not exist"))).toEqual([
      'grader/exercises/09-quorum-reads.test.ts:1 imports "./09-quorum-read.support", which does not exist: the test file cannot load, so every result below fails for that reason alone',
      'grader/exercises/09-quorum-reads.support.ts:1 imports "./shared.support", which does not exist: the test file cannot load, so every result below fails for that reason alone',
    ]);
  });

  it("flags a variant or an alternative that imports \"../lib\", which the project's type check cannot resolve from its folder", () => {
    const root = tempRoot();
    scaffoldExercise({ root, name: "09-quorum-reads" });
    const variants = join(root, "grader/variants/09-quorum-reads");
    const [first] = readdirSync(variants).filter((f) => f.endsWith(".ts"));
    const text = readFileSync(join(variants, first), "utf8");
    expect(structureProblems(root, loadExercises(root)[0]).some((p) => p.includes('"../lib"'))).toBe(false);
    writeFileSync(join(variants, first), `import { NotImplementedError } from "../lib";\n${text}`);
    mkdirSync(join(root, "grader/alternatives/09-quorum-reads"), { recursive: true });
    writeFileSync(join(root, "grader/alternatives/09-quorum-reads/other.ts"), `import type { ReadContext } from "replication-lab";\nconst lib = await import("../lib/reads");\n`);
    const flagged = structureProblems(root, loadExercises(root)[0]).filter((p) => p.includes('"../lib"'));
    expect(flagged).toEqual([
      `grader/variants/09-quorum-reads/${first} imports "../lib", which only an exercise file can (from exercises/): npm run typecheck fails on it here; import from "replication-lab" (the same library) instead`,
      `grader/alternatives/09-quorum-reads/other.ts imports "../lib", which only an exercise file can (from exercises/): npm run typecheck fails on it here; import from "replication-lab" (the same library) instead`,
    ]);
  });
});

describe("parseNewExerciseArgs", () => {
  it("takes a new exercise's name or --cells NN, each with an optional notebook", () => {
    expect(parseNewExerciseArgs(["09-x", "--notebook", "notebooks/a.ipynb"])).toEqual({ kind: "scaffold", options: { name: "09-x", notebook: "notebooks/a.ipynb" } });
    expect(parseNewExerciseArgs(["--cells", "05"])).toEqual({ kind: "cells", options: { exercise: "05", notebook: undefined } });
    expect(() => parseNewExerciseArgs([])).toThrow("no exercise name given");
    expect(() => parseNewExerciseArgs(["09-x", "10-y"])).toThrow('unexpected argument "10-y"');
    expect(() => parseNewExerciseArgs(["09-x", "--cells", "05"])).toThrow("give either NN-name (a new exercise) or --cells NN");
    expect(() => parseNewExerciseArgs(["--cells"])).toThrow("--cells needs an exercise number");
  });

  it("takes --kind router for a new exercise, and refuses a kind there is not or --kind with --cells", () => {
    expect(parseNewExerciseArgs(["09-x", "--kind", "router"])).toEqual({ kind: "scaffold", options: { name: "09-x", notebook: undefined, kind: "router" } });
    expect(parseNewExerciseArgs(["--kind", "function", "09-x"])).toEqual({ kind: "scaffold", options: { name: "09-x", notebook: undefined, kind: "function" } });
    expect(parseNewExerciseArgs(["09-x"]).options).not.toHaveProperty("kind");
    expect(() => parseNewExerciseArgs(["09-x", "--kind", "class"])).toThrow("--kind class: there is no such kind (there are: function, router)");
    expect(() => parseNewExerciseArgs(["09-x", "--kind"])).toThrow("--kind needs a kind, function or router");
    expect(() => parseNewExerciseArgs(["--cells", "05", "--kind", "router"])).toThrow("--kind applies to a new exercise (NN-name), not to --cells");
  });

  it("answers --help with the usage on stdout and exit code 0, creating nothing", () => {
    const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "instructor/new-exercise.ts", "--help"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("usage: npm run new-exercise -- NN-name [--kind function|router] [--notebook notebooks/NN-topic.ipynb]");
    expect(run.stdout).toContain("--cells NN");
    expect(run.stdout).toContain("--kind KIND");
    expect(run.stderr).toBe("");
  });
});

/** A free exercise number, counting down from 99, so the copy's other exercises stay as they are. */
function freeId(): string {
  const used = new Set(readdirSync(join(ROOT, "grader/exercises")).map((f) => f.slice(0, 2)));
  for (let n = 99; n > 0; n--) if (!used.has(String(n))) return String(n);
  throw new Error("no free exercise number");
}

/** A copy of the project in `root` that can grade, and `--validate --only id` run in it. */
function projectCopy(root: string, id: string) {
  return {
    make(): void {
      for (const item of ["package.json", "tsconfig.json", "lib", "grader", "exercises", "solutions"]) {
        cpSync(join(ROOT, item), join(root, item), { recursive: true });
      }
      // The grader's sandbox allows reads under <root>/node_modules only: a link would point outside.
      const link = spawnSync("cp", ["-al", join(ROOT, "node_modules"), join(root, "node_modules")]);
      if (link.status !== 0) cpSync(join(ROOT, "node_modules"), join(root, "node_modules"), { recursive: true, verbatimSymlinks: true });
    },
    validate: () =>
      spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "grader/cli.ts", "--validate", "--only", id], {
        cwd: root,
        encoding: "utf8",
        timeout: 300_000,
        env: { ...process.env, FORCE_COLOR: "0" },
      }),
    /** What validation says of any unfinished scaffold: the stub scores zero, the variants and meta.json are unwritten. */
    expectUnfinished(run: { status: number | null; stdout: string; stderr: string }, name: string): void {
      expect(run.status, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toContain(`exercises/${name}.ts scores zero, every test saying "not implemented yet"`);
      expect(run.stdout).toMatch(/variant first-mistake has type errors.*TODO_instructor_write_a_plausible_mistake_here/);
      expect(run.stdout).toMatch(/variant second-mistake has type errors.*TODO_instructor_write_a_plausible_mistake_here/);
      // The compiler's message names the variant's own file, not the exercise file it stood in for.
      expect(run.stdout).toContain(`grader/variants/${name}/first-mistake.ts`);
      expect(run.stdout).not.toContain(`grader/variants/${name}/${name}.ts`);
      expect(run.stdout).toContain(`grader/exercises/${name}.meta.json still says TODO(instructor): write the title and the hints`);
    },
    /** Replaces `from` in a file of the copy, which must hold it. */
    fill(file: string, from: string | RegExp, to: string): void {
      const path = join(root, file);
      const text = readFileSync(path, "utf8");
      expect(text).toMatch(from);
      writeFileSync(path, text.replace(from, to));
    },
  };
}

// In a copy of the project: the scaffold fails validation, saying what to fill in, and passes
// once it is filled in. Slow: two grading runs.
describe("a scaffolded exercise in a copy of this project", () => {
  const root = tempRoot();
  const id = freeId();
  const name = `${id}-largest-value`;
  const { make, validate, expectUnfinished, fill } = projectCopy(root, id);

  it("fails validation until filled in, pointing at the solution and the variants", () => {
    make();
    scaffoldExercise({ root, name });
    const run = validate();
    expectUnfinished(run, name);
    expect(run.stdout).toContain(`TODO(instructor): write the reference solution in solutions/${name}.ts`);
  }, 300_000);

  it("passes validation once the solution, the check and the two mistakes are written", () => {
    fill(`solutions/${name}.ts`, /throw new Error\("TODO\(instructor\)[^;]*;/, "return Math.max(...input.values);");
    fill(
      `grader/exercises/${name}.test.ts`,
      /return \{ rule: "TODO\(instructor\): write the check[^;]*;/,
      'const want = Math.max(...input.values);\n  return answer === want ? null : { rule: "the answer is the largest value", got: answer, want, involved: input };',
    );
    fill(`grader/variants/${name}/first-mistake.ts`, "TODO_instructor_write_a_plausible_mistake_here;", "return Math.min(...input.values);");
    fill(`grader/variants/${name}/second-mistake.ts`, "TODO_instructor_write_a_plausible_mistake_here;", "return input.values[0];");
    writeFileSync(
      join(root, `grader/exercises/${name}.meta.json`),
      JSON.stringify({ title: "The largest value", hints: ["Look at every value.", "Math.max takes them all."] }),
    );
    const run = validate();
    expect(run.stdout).toContain("Validation passed");
    expect(run.status).toBe(0);
  }, 300_000);
});

// The same for a router: its solution and tests share a placeholder rule, so the solution scores
// full marks as written; the variants and meta.json are what is left. Slow: two grading runs.
describe("a scaffolded router exercise in a copy of this project", () => {
  const root = tempRoot();
  const id = freeId();
  const name = `${id}-fresh-followers`;
  const { make, validate, expectUnfinished, fill } = projectCopy(root, id);

  it("fails validation until filled in, pointing at the variants and meta.json, while the placeholder solution scores full marks", () => {
    make();
    scaffoldExercise({ root, name, kind: "router" });
    const run = validate();
    expectUnfinished(run, name);
    expect(run.stdout).toMatch(new RegExp(`solutions/${name}\\.ts scores full marks`));
    // The variants import the library as "replication-lab": the only type errors are the placeholders.
    expect(run.stdout).not.toContain("Cannot find module");
  }, 300_000);

  it("passes validation once the mistakes and meta.json are written, each mistake losing points, a sticky router to the aimed case too", () => {
    fill(
      `grader/variants/${name}/first-mistake.ts`,
      "TODO_instructor_write_a_plausible_mistake_here;",
      "const up = ctx.followers.filter((f) => f.up);\n  return up.length === 0 ? ctx.leader : up[Math.floor(ctx.random() * up.length)].name;",
    );
    fill(`grader/variants/${name}/second-mistake.ts`, "TODO_instructor_write_a_plausible_mistake_here;", "return ctx.leader;");
    // A mistake of the kind the aimed case is there for: the lag checked once, then the client kept on that follower.
    writeFileSync(
      join(root, `grader/variants/${name}/sticky.ts`),
      [
        "// Known-wrong: checks a follower's lag at a client's first read, then keeps the client there while it is up.",
        'import type { ReadContext, ReadDecision } from "replication-lab";',
        "export function routeRead(ctx: ReadContext): ReadDecision {",
        "  const session = ctx.session as { stuck?: string };",
        "  const stuck = ctx.followers.find((f) => f.name === session.stuck && f.up);",
        "  if (stuck) return stuck.name;",
        "  const near = ctx.followers.filter((f) => f.up && f.lagMs <= 50);",
        "  if (near.length === 0) return ctx.leader;",
        "  session.stuck = near[Math.floor(ctx.random() * near.length)].name;",
        "  return session.stuck;",
        "}",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(root, `grader/exercises/${name}.meta.json`),
      JSON.stringify({ title: "Fresh followers", hints: ["Look at how far behind each follower is.", "ctx.followers[i].lagMs says it."] }),
    );
    const run = validate();
    expect(run.stdout).toMatch(/variant first-mistake loses [\d.]+ points/);
    expect(run.stdout).toMatch(/variant second-mistake loses [\d.]+ points/);
    expect(run.stdout).toMatch(/variant sticky loses [\d.]+ points[^\n]*caught by: [^\n]*keeps the rule when the follower a client was just sent to falls behind \(hidden seeds\)/);
    expect(run.stdout).toContain("Validation passed");
    expect(run.status).toBe(0);
  }, 300_000);
});

// What validation reads from the files without running them (grader/static-checks.ts): a
// committed check("05") output that no longer states the test file's public points, and a
// meta.json whose hints are not 2 or 3 strings, each fail it, named with the file. The functions
// have unit tests of their own (static-checks.test.ts); this is the wiring. Slow: one grading run.
describe("validation of what a change leaves stale, in a copy of this project", () => {
  const root = tempRoot();
  const { make, validate, fill } = projectCopy(root, "05");

  it("fails on a committed check() output whose points the test file no longer gives, and on invalid hints", () => {
    make();
    cpSync(join(ROOT, "notebooks"), join(root, "notebooks"), { recursive: true });
    const first = '{ name: "promotes the alive follower with the highest received log position", points: ';
    fill("grader/exercises/05-leader-election.test.ts", `${first}2,`, `${first}3,`);
    fill("grader/exercises/05-leader-election.meta.json", /"hints": \[/, '"hints": ["only one"], "unused": [');
    const run = validate();
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/✘ a committed output of check\("05"\) is out of date: notebooks\/[\w-]+\.ipynb, cell \d+ \(.*\): .*Render it again: npm run notebooks:render -- notebooks\/[\w-]+\.ipynb/);
    expect(run.stdout).toContain('05-leader-election.meta.json: "hints" must be 2 or 3 strings, each nearer the answer');
    // The grading itself still ran: the solution still scores full marks.
    expect(run.stdout).toMatch(/solutions\/05-leader-election\.ts scores full marks/);
  }, 300_000);
});
