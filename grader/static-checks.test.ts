import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { loadExercises, type Exercise } from "./engine/exercises";
import { checkCell, exerciseFiles, notebookWith, type FixtureTest } from "./fixtures/check-notebook";
import { checkOutputs, metaProblems, projectNotebooks, staleOutputLine, type NotebookCell } from "./static-checks";
import { structureProblems } from "./validate";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

/** A made-up project: files by path. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "rl-static-checks-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const TESTS: FixtureTest[] = [
  { name: "follows the rule", points: 2 },
  { name: "keeps <order> & \"quotes\"", points: 1 },
  { name: "random cases", points: 1.5 },
  { name: "random cases (hidden seeds)", points: 3, visibility: "hidden" },
];

/** The problems the static check finds in a notebook rendered with `shown`, once the exercise's tests are `now`. */
function staleLines(shown: FixtureTest[], now: FixtureTest[], options: Parameters<typeof checkCell>[2] = {}): string[] {
  const root = project({ ...exerciseFiles("09", now), "notebooks/01-x.ipynb": notebookWith(checkCell("09", shown, options)) });
  return checkOutputs(root, ["notebooks/01-x.ipynb"], loadExercises(root)).stale.map(staleOutputLine);
}

describe("the committed outputs of check()", () => {
  test("pass while they state the exercise's public tests and points, listed under one message or each with its own", () => {
    const root = project({ ...exerciseFiles("09", TESTS), "notebooks/01-x.ipynb": notebookWith(checkCell("09", TESTS), checkCell("09", TESTS, { differently: true })) });
    const result = checkOutputs(root, projectNotebooks(root), loadExercises(root));
    expect(result.stale).toEqual([]);
    expect([...result.shown]).toEqual([["09", ["notebooks/01-x.ipynb"]]]);
  });

  test("fail when a public test's points changed, naming the notebook, the cell and the command that renders it again", () => {
    const now = TESTS.map((t) => (t.name === "random cases" ? { ...t, points: 2.5 } : t));
    expect(staleLines(TESTS, now)).toEqual([
      'notebooks/01-x.ipynb, cell 2 (await check("09");): it says 09 is out of 4.5 points; its public tests are now worth 5.5. ' +
        "Render it again: npm run notebooks:render -- notebooks/01-x.ipynb",
    ]);
  });

  test("fail when points moved between tests, a test was renamed, added or removed, though the total is the same", () => {
    const swapped = TESTS.map((t, i) => (i === 0 ? { ...t, points: 1 } : i === 1 ? { ...t, points: 2 } : t));
    expect(staleLines(TESTS, swapped, { differently: true })).toEqual([expect.stringContaining(`it shows "follows the rule" of 09 out of 2 points; it is now worth 1.`)]);
    const renamed = TESTS.map((t, i) => (i === 1 ? { ...t, name: "keeps the order" } : t));
    expect(staleLines(TESTS, renamed)).toEqual([expect.stringContaining(`it lists the test "keeps <order> & "quotes"" of 09 where there is now "keeps the order".`)]);
    const split = [...TESTS.slice(0, 2), { name: "random cases", points: 1 }, { name: "more random cases", points: 0.5 }, TESTS[3]];
    expect(staleLines(TESTS, split)).toEqual([expect.stringContaining(`it says "All 3 tests"; 09 now has 4 public tests.`)]);
    expect(staleLines(TESTS, split, { differently: true })).toEqual([expect.stringContaining("it lists 3 public tests of 09; there are now 4.")]);
  });

  test("pass however the hidden tests change, with no outputs (cleared, or never run), and in cells they are told to skip", () => {
    expect(staleLines(TESTS, TESTS.map((t) => (t.visibility === "hidden" ? { ...t, points: 10 } : t)))).toEqual([]);
    const cleared = { ...checkCell("09", TESTS), outputs: [], execution_count: null };
    const root = project({ ...exerciseFiles("09", [{ name: "a", points: 1 }]), "notebooks/01-x.ipynb": notebookWith(cleared, checkCell("09", TESTS, { tags: ["notes"] })) });
    const exercises = loadExercises(root);
    expect(checkOutputs(root, ["notebooks/01-x.ipynb"], exercises).stale.map((s) => s.cell)).toEqual([3]);
    expect(checkOutputs(root, ["notebooks/01-x.ipynb"], exercises, (cell: NotebookCell) => cell.metadata?.tags?.includes("notes") === true)).toEqual({ shown: new Map(), stale: [] });
  });

  test("in this project's notebooks state every exercise they check as the graded tests have it, and would tell a renamed test", () => {
    const exercises = loadExercises(ROOT);
    const notebooks = projectNotebooks(ROOT);
    const result = checkOutputs(ROOT, notebooks, exercises);
    expect(result.stale.map(staleOutputLine)).toEqual([]);
    // Every check() cell with outputs is read: each exercise it checks is shown in its notebook.
    for (const notebook of notebooks) {
      const cells = (JSON.parse(readFileSync(join(ROOT, notebook), "utf8")) as { cells: NotebookCell[] }).cells;
      const checked = cells
        .filter((c) => c.cell_type === "code" && (c.outputs?.length ?? 0) > 0)
        .flatMap((c) => [...[c.source].flat().join("").matchAll(/\bcheck\(([^)]*)\)/g)].flatMap((m) => [...m[1].matchAll(/"(\d{2})"/g)].map((id) => id[1])));
      for (const id of checked) expect(result.shown.get(id), `${notebook} checks ${id}`).toContain(notebook);
    }
    // The real outputs' lists of tests are read, not only their totals.
    const e05 = exercises.find((e) => e.id === "05")!;
    const renamed: Exercise = { ...e05, tests: e05.tests.map((t, i) => (i === 2 ? { ...t, name: `${t.name}, renamed` } : t)) };
    const stale = checkOutputs(ROOT, notebooks, [renamed]).stale;
    expect(stale.map((s) => s.notebook)).toEqual(result.shown.get("05"));
    expect(stale[0].problem).toMatch(/^it lists the test ".*" of 05 where there is now ".*, renamed"$/);
  });
});

describe("an exercise's meta.json", () => {
  test("needs 2 or 3 hints: validation and the release report a missing hints list, one hint or four alike", () => {
    for (const meta of [{}, { hints: ["one"] }, { hints: ["1", "2", "3", "4"] }]) {
      const root = project(exerciseFiles("09", TESTS, meta));
      const [exercise] = loadExercises(root);
      const line = '09-x.meta.json: "hints" must be 2 or 3 strings, each nearer the answer';
      expect(metaProblems(root, exercise), JSON.stringify(meta)).toEqual([line]);
      expect(structureProblems(root, exercise)).toContain(line);
    }
    const fine = project(exerciseFiles("09", TESTS, { hints: ["a", "b"] }));
    expect(metaProblems(fine, loadExercises(fine)[0])).toEqual([]);
  });

  test("names a notebook that exists", () => {
    const root = project(exerciseFiles("09", TESTS, { notebook: "notebooks/09-gone.ipynb", hints: ["a", "b"] }));
    expect(metaProblems(root, loadExercises(root)[0])).toEqual([expect.stringMatching(/^grader\/exercises\/09-x\.meta\.json names the notebook notebooks\/09-gone\.ipynb, which does not exist/)]);
  });

  test("of every exercise of this project passes", () => {
    for (const e of loadExercises(ROOT)) expect(metaProblems(ROOT, e), e.name).toEqual([]);
  });
});
