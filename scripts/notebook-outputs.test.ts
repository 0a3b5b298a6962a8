import { describe, expect, it } from "vitest";
import { firstDifference, mergedOutputs, notebookNumber, stableJson, type Notebook, type NotebookOutput } from "./notebook-outputs";

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
    expect(difference).toMatch(/^cell 2, output 1: committed/);
  });

  it("reports a changed printed line", () => {
    const a = notebook([{ output_type: "stream", name: "stdout", text: "p99 = 4.1 ms\n" }]);
    const b = notebook([{ output_type: "stream", name: "stdout", text: "p99 = 4.2 ms\n" }]);
    expect(firstDifference(a, b)).toContain("p99 = 4.2 ms");
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
