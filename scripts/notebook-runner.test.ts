import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jupyterEnv, jupyterPython, projectRoot } from "./jupyter-env";

const dir = mkdtempSync(path.join(tmpdir(), "runner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function notebookFile(name: string, cells: { source: string; outputs?: unknown[] }[]): string {
  const file = path.join(dir, name);
  const nb = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (tslab)", language: "typescript" } },
    cells: cells.map((c) => ({ cell_type: "code", metadata: {}, execution_count: 3, source: c.source, outputs: c.outputs ?? [] })),
  };
  writeFileSync(file, JSON.stringify(nb));
  return file;
}

function runner(...args: string[]): { result: Record<string, unknown>; status: number | null } {
  const run = spawnSync(jupyterPython(), [path.join(projectRoot, "scripts", "notebook_runner.py"), ...args], {
    encoding: "utf8",
    env: { ...process.env, ...jupyterEnv() },
  });
  const last = run.stdout.trim().split("\n").pop() ?? "";
  return { result: JSON.parse(last) as Record<string, unknown>, status: run.status };
}

describe("notebook_runner.py", () => {
  it("clears outputs and gives every cell an id that is the same on every run", () => {
    const stream = { output_type: "stream", name: "stdout", text: "hello\n" };
    const input = notebookFile("clear.ipynb", [{ source: "console.log('hello')", outputs: [stream] }, { source: "1 + 1" }]);
    const out1 = path.join(dir, "clear-1.ipynb");
    const out2 = path.join(dir, "clear-2.ipynb");
    expect(runner("clear", input, out1).status).toBe(0);
    expect(runner("clear", input, out2).status).toBe(0);
    const cleared = JSON.parse(readFileSync(out1, "utf8"));
    expect(cleared.cells.map((c: { outputs: unknown[] }) => c.outputs)).toEqual([[], []]);
    expect(cleared.cells[0].execution_count).toBeNull();
    expect(cleared.cells[0].id).toMatch(/^[0-9a-f]{8}$/);
    expect(readFileSync(out1, "utf8")).toBe(readFileSync(out2, "utf8"));
  });

  it("reports the failing cell with the kernel's own error, not nbconvert's bare '<Error>:'", () => {
    const input = notebookFile("broken.ipynb", [{ source: "const ok = 1;" }, { source: "const label: string = 42;" }, { source: "ok" }]);
    const { result, status } = runner("execute", input, path.join(dir, "broken-out.ipynb"), "--cwd", dir, "--timeout", "120");
    expect(status).toBe(1);
    expect(result).toMatchObject({ ok: false, cell: 2, source: "const label: string = 42;" });
    expect(result.error).toContain("Type 'number' is not assignable to type 'string'");
  }, 120_000);
});
