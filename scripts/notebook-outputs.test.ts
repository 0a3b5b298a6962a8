import { describe, expect, it } from "vitest";
import { firstDifference, firstJsonDifference, mergedOutputs, notebookNumber, stableJson, type Notebook, type NotebookOutput } from "./notebook-outputs";

function notebook(outputs: NotebookOutput[], executionCount = 1): Notebook {
  return {
    cells: [
      { cell_type: "markdown", source: "# Title" },
      { cell_type: "code", source: ["const a = 1;\n", "a"], execution_count: executionCount, outputs },
    ],
  };
}

const chart = (png: string, values: number[]): NotebookOutput => ({
  output_type: "display_data",
  data: { "application/vnd.vegalite.v5+json": { mark: "line", data: { values } }, "image/png": png, "text/plain": "Chart" },
  metadata: { "image/png": { width: 300, height: 200 } },
});

describe("firstDifference", () => {
  it("finds no difference when only the PNG bytes differ", () => {
    expect(firstDifference(notebook([chart("AAAA", [1, 2])]), notebook([chart("BBBB", [1, 2])]))).toBeNull();
  });

  it("names the cell and output whose chart data changed", () => {
    const difference = firstDifference(notebook([chart("AAAA", [1, 2])]), notebook([chart("AAAA", [1, 3])]));
    expect(difference).toBe('cell 2, output 1, data["application/vnd.vegalite.v5+json"].data.values[1]: committed 2\n    fresh run gives 3');
  });

  it("reports a changed printed line", () => {
    const a = notebook([{ output_type: "stream", name: "stdout", text: "p99 = 4.1 ms\n" }]);
    const b = notebook([{ output_type: "stream", name: "stdout", text: "p99 = 4.2 ms\n" }]);
    expect(firstDifference(a, b)).toBe('cell 2, output 1, text: committed "p99 = 4.1 ms\\n"\n    fresh run gives "p99 = 4.2 ms\\n"');
  });

  it("treats a stream split into pieces as the same stream", () => {
    const split = notebook([
      { output_type: "stream", name: "stdout", text: "one\n" },
      { output_type: "stream", name: "stdout", text: ["two\n"] },
    ]);
    const whole = notebook([{ output_type: "stream", name: "stdout", text: "one\ntwo\n" }]);
    expect(firstDifference(split, whole)).toBeNull();
  });

  it("reports a notebook saved without outputs as out of date", () => {
    expect(firstDifference(notebook([], 1), notebook([chart("A", [1])]))).toBe("cell 2 has 0 outputs, a fresh run gives 1");
  });

  it("reports cells run out of order", () => {
    expect(firstDifference(notebook([], 7), notebook([], 1))).toBe("cell 2 has execution count 7, a fresh run gives 1");
  });

  it("reports added or removed cells", () => {
    const shorter: Notebook = { cells: notebook([]).cells.slice(0, 1) };
    expect(firstDifference(shorter, notebook([]))).toBe("it has 1 cells, a fresh run has 2");
  });
});

describe("mergedOutputs", () => {
  it("keeps stdout and stderr apart", () => {
    const merged = mergedOutputs([
      { output_type: "stream", name: "stdout", text: "a" },
      { output_type: "stream", name: "stderr", text: "b" },
      { output_type: "stream", name: "stdout", text: "c" },
    ]);
    expect(merged.map((o) => o.text)).toEqual(["a", "b", "c"]);
  });
});

describe("firstJsonDifference", () => {
  it("names a key that only one side has", () => {
    expect(firstJsonDifference({ a: 1 }, { a: 1, b: 2 })).toBe("b: committed (nothing)\n    fresh run gives 2");
  });

  it("names arrays of different lengths", () => {
    expect(firstJsonDifference({ rows: [1, 2] }, { rows: [1, 2, 3] })).toBe("rows: 2 items, a fresh run gives 3");
  });
});

describe("stableJson", () => {
  it("ignores the order of object keys", () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(stableJson({ a: { c: [3, { e: 5, f: 4 }], d: 2 }, b: 1 }));
  });
});

describe("notebookNumber", () => {
  it("is the notebook's leading number", () => {
    expect(notebookNumber("notebooks/00-start-here.ipynb")).toBe("00");
    expect(notebookNumber("/x/notebooks/12-failover.ipynb")).toBe("12");
    expect(notebookNumber("scratch.ipynb")).toBe("scratch");
  });
});
