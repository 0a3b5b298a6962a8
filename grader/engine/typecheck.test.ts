/**
 * The type check of a grading call: several submissions checked in one program, each error
 * attributed to the submission and exercise it belongs to, and nothing of one submission
 * reaching another.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { libBundle } from "./lib-bundle";
import { TypeChecker } from "./type-checker";
import { declarationsFolder, typeErrors, typeErrorsMany, type CompileInput } from "./typecheck";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const work = mkdtempSync(join(tmpdir(), "rl-compile-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const solution05 = readFileSync(join(root, "solutions/05-leader-election.ts"), "utf8");
const solution06 = readFileSync(join(root, "solutions/06-fencing.ts"), "utf8");
const tests = new Map([
  ["05-leader-election", join(root, "grader/exercises/05-leader-election.test.ts")],
  ["06-fencing", join(root, "grader/exercises/06-fencing.test.ts")],
]);

/** A staged submission: `files` maps an exercise name to its source. */
function submission(name: string, files: Record<string, string>): CompileInput {
  const stageDir = join(work, name, "exercises");
  mkdirSync(stageDir, { recursive: true });
  // As the grader stages a submission: beside a link to the library, for its `../lib` imports.
  symlinkSync(join(root, "lib"), join(work, name, "lib"), "dir");
  for (const [exercise, text] of Object.entries(files)) writeFileSync(join(stageDir, `${exercise}.ts`), text);
  return { root, stageDir, displayDir: name, exercises: new Map([...tests].filter(([e]) => e in files)) };
}

describe("type check of several submissions at once", () => {
  test("each error goes to its own submission and exercise, worded as for one submission alone", () => {
    const inputs = [
      submission("good", { "05-leader-election": solution05, "06-fencing": solution06 }),
      submission("own-error", { "05-leader-election": solution05.replace("let best: FollowerState | null = null;", "let best: number = null;"), "06-fencing": solution06 }),
      submission("renamed", { "05-leader-election": solution05.replace("export function chooseNewLeader", "export function chooseLeader"), "06-fencing": solution06 }),
      // No import or export: were it a script, its declarations would be global and meet the next one's.
      submission("script-a", { "05-leader-election": "function sharedHelper(): number { return 1; }\n" }),
      submission("script-b", { "05-leader-election": `${solution05}\nexport const extra = sharedHelper();\n` }),
    ];
    const [good, own, renamed, scriptA, scriptB] = typeErrorsMany(inputs);
    expect(good.size).toBe(0);
    expect([...own.keys()]).toEqual(["05-leader-election"]);
    expect(own.get("05-leader-election")!.join("\n")).toMatch(/^own-error\/05-leader-election\.ts:\d+:\d+ error TS2322/);
    expect([...renamed.keys()]).toEqual(["05-leader-election"]);
    expect(renamed.get("05-leader-election")!.join("\n")).toMatch(/does not fit the exercise's signature[\s\S]*grader\/exercises\/05-leader-election\.test\.ts:\d+:\d+ error TS2345: Argument of type '"chooseNewLeader"' is not assignable to parameter of type '"chooseLeader"'/);
    expect(scriptA.get("05-leader-election")!.join("\n")).toMatch(/signature/);
    expect(scriptB.get("05-leader-election")!.join("\n")).toMatch(/script-b\/05-leader-election\.ts:\d+:\d+ error TS2304: Cannot find name 'sharedHelper'/);
    // The same verdicts as checking each submission alone.
    inputs.forEach((input, i) => expect(typeErrors(input)).toEqual([good, own, renamed, scriptA, scriptB][i]));
  }, 60_000);
});

describe("the declaration files the check reads", () => {
  test("give the same verdicts, word for word, as the sources of the library and the grader's helpers", () => {
    const inputs = [
      submission("decl-good", { "05-leader-election": solution05, "06-fencing": solution06 }),
      submission("decl-own", { "05-leader-election": solution05.replace("let best: FollowerState | null = null;", "let best: number = null;"), "06-fencing": solution06 }),
      // A parameter of the wrong type, and one more parameter than the tests give.
      submission("decl-param", { "05-leader-election": solution05.replace("followers: readonly FollowerState[]", "followers: readonly number[]"), "06-fencing": solution06 }),
      submission("decl-arity", { "05-leader-election": solution05.replace("followers: readonly FollowerState[]", "followers: readonly FollowerState[], quorum: number"), "06-fencing": solution06 }),
      // The library's types, named through the staged folder's `../lib` and by the package's name.
      submission("decl-lib", { "05-leader-election": `import type { SimConfig } from "replication-lab";\nimport { constant } from "../lib";\n${solution05}\nexport const config: SimConfig = { followers: 2 };\nexport const delay: number = constant(5);\n` }),
    ];
    expect(declarationsFolder(root)).toBeDefined();
    const declared = typeErrorsMany(inputs);
    expect(declared[0].size).toBe(0);
    expect(declared[2].get("05-leader-election")!.join("\n")).toMatch(/does not fit the exercise's signature/);
    expect(declared[3].get("05-leader-election")!.join("\n")).toMatch(/does not fit the exercise's signature[\s\S]*TS2554/);
    expect(declared[4].get("05-leader-election")!.join("\n")).toMatch(/decl-lib\/05-leader-election\.ts:\d+:\d+ error TS2322/);
    expect(declared).toEqual(typeErrorsMany(inputs, { sources: true }));
  }, 120_000);
});

describe("a kept type checker", () => {
  test("gives files it has checked the same result again without checking them twice, and checks edited files afresh", async () => {
    const checker = new TypeChecker(undefined);
    try {
      const first = submission("kept-1", { "05-leader-election": solution05.replace("let best: FollowerState | null = null;", "let best: number = null;") });
      const again = submission("kept-2", { "05-leader-election": solution05.replace("let best: FollowerState | null = null;", "let best: number = null;") });
      const edited = submission("kept-3", { "05-leader-election": solution05 });
      const results = checker.check([{ ...first, displayDir: "exercises" }]);
      // Other staged copies of the same text, shown under the same name: the same check.
      expect(checker.check([{ ...again, displayDir: "exercises" }])).toBe(results);
      expect((await results)[0].get("05-leader-election")!.join("\n")).toMatch(/^exercises\/05-leader-election\.ts:\d+:\d+ error TS2322/);
      const fresh = checker.check([{ ...edited, displayDir: "exercises" }]);
      expect(fresh).not.toBe(results);
      expect((await fresh)[0].size).toBe(0);
    } finally {
      checker.close();
    }
  }, 60_000);
});

describe("a type check that cannot finish", () => {
  /** A checker whose checks stop whenever `stops` names a reason for the submissions they hold. */
  class Scripted extends TypeChecker {
    readonly calls: string[][] = [];
    constructor(private readonly stops: (names: string[]) => string | undefined) {
      super(undefined);
    }
    protected override async attempt(inputs: CompileInput[]) {
      const names = inputs.map((i) => i.displayDir);
      this.calls.push(names);
      const why = this.stops(names);
      if (why) return { stopped: why };
      return inputs.map((i) => new Map([...i.exercises.keys()].map((e) => [e, [`${i.displayDir}: an error of its own`]])));
    }
  }
  let made = 0;
  /** Three submissions, shown as alice, mallory and bob. */
  const three = () =>
    ["alice", "mallory", "bob"].map((name) => ({ ...submission(`scripted-${++made}-${name}`, { "05-leader-election": solution05 }), displayDir: name }));
  const said = (results: Map<string, string[]>[]) => results.map((r) => r.get("05-leader-election")?.join("\n"));

  test("costs only the submission whose types stop it: the others, checked again alone, get their own errors", async () => {
    const checker = new Scripted((names) => (names.includes("mallory") ? "used more than 120 s of CPU time and was stopped" : undefined));
    const results = await checker.check(three());
    expect(checker.calls).toEqual([["alice", "mallory", "bob"], ["alice"], ["mallory"], ["bob"]]);
    expect(said(results)).toEqual([
      "alice: an error of its own",
      "the type check used more than 120 s of CPU time and was stopped (no type errors are reported)",
      "bob: an error of its own",
    ]);
  });

  test("is tried once when all went in one check, and once alone; a check that was never stopped is tried once", async () => {
    const lone = new Scripted(() => "failed: its worker stopped (exit code 1)");
    const [one] = three();
    expect(said(await lone.check([one]))).toEqual(["the type check failed: its worker stopped (exit code 1) (no type errors are reported)"]);
    expect(lone.calls).toEqual([["alice"]]);
    const fine = new Scripted(() => undefined);
    await fine.check(three());
    expect(fine.calls).toEqual([["alice", "mallory", "bob"]]);
  });

  test("checks each alone only while the grading call's time lasts, and tries a stopped check again next time", async () => {
    const checker = new Scripted(() => "used more than 1 s of CPU time and was stopped");
    const inputs = three();
    const results = await checker.check(inputs, 1_000, 0);
    expect(checker.calls).toEqual([["alice", "mallory", "bob"]]);
    expect(new Set(said(results))).toEqual(new Set(["the type check was not finished in the grading call's time (no type errors are reported)"]));
    await checker.check(inputs, 1_000, 0);
    expect(checker.calls).toHaveLength(2);
  });

  test("in its worker thread, is stopped at its limit of CPU time, and the next check starts a new worker", async () => {
    const bundle = await libBundle(root);
    expect(bundle, "the precompiled modules (npm run setup builds them)").toBeDefined();
    const checker = new TypeChecker(bundle);
    try {
      const broken = solution05.replace("let best: FollowerState | null = null;", "let best: number = null;");
      const inputs = [submission("limit-1", { "05-leader-election": broken }), submission("limit-2", { "05-leader-election": solution05 })];
      // No check of a real program ends within a millisecond of CPU time (or ten on the wall
      // clock, while the worker starts).
      const stopped = await checker.check(inputs, 1, 60_000);
      for (const line of said(stopped)) expect(line).toMatch(/^the type check (used more than 1 ms of CPU time|took longer than 10 ms) and was stopped \(no type errors are reported\)$/);
      const [errors, clean] = await checker.check(inputs, 120_000);
      expect(errors.get("05-leader-election")!.join("\n")).toMatch(/^limit-1\/05-leader-election\.ts:\d+:\d+ error TS2322/);
      expect(clean.size).toBe(0);
    } finally {
      checker.close();
    }
  }, 120_000);
});
