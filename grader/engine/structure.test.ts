/**
 * How the code base hangs together, checked from the imports of every source file: the grader has
 * no import cycles; the library (lib/) imports nothing of the grader or of the notebook helpers
 * and starts no process; the notebook helpers (workbook/) reach the grader through grader/api.ts
 * only; and graded tests never import a submission's code, only its types.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { sources } from "./lib-bundle";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const path = join(root, dir, name);
    if (statSync(path).isDirectory()) out.push(...sourcesUnder(join(dir, name)));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(join(dir, name));
  }
  return out;
}

interface Import {
  specifier: string;
  /** The project file it names (relative to the root), for relative imports. */
  target?: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    let target: string | undefined;
    if (specifier.startsWith(".")) {
      const base = relative(root, resolve(root, dirname(file), specifier));
      target = [`${base}.ts`, join(base, "index.ts"), base].find((c) => {
        try {
          return statSync(join(root, c)).isFile();
        } catch {
          return false;
        }
      });
    }
    found.push({ specifier, target, typeOnly });
  };
  for (const s of source.statements) {
    if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(s) ? (s.importClause?.isTypeOnly ?? false) : s.isTypeOnly;
      add(s.moduleSpecifier.text, typeOnly);
    }
  }
  // Dynamic imports load a module too.
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const isTest = (f: string) => f.endsWith(".test.ts");

describe("the structure of the code base", () => {
  test("the grader has no import cycles", () => {
    const files = sourcesUnder("grader").filter((f) => !isTest(f));
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => !i.typeOnly && i.target?.startsWith("grader/")).map((i) => i.target!)]));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const path: string[] = [];
    const visit = (f: string): void => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "open") {
        cycles.push([...path.slice(path.indexOf(f)), f].join(" -> "));
        return;
      }
      state.set(f, "open");
      path.push(f);
      for (const next of graph.get(f) ?? []) visit(next);
      path.pop();
      state.set(f, "done");
    };
    for (const f of files) visit(f);
    expect(cycles).toEqual([]);
  });

  test("lib/ imports nothing of the grader or the notebook helpers, and starts no process", () => {
    const offending = sourcesUnder("lib")
      .filter((f) => !isTest(f))
      .flatMap((f) => importsOf(f).map((i) => ({ f, i })))
      .filter(({ i }) => i.target?.startsWith("grader/") || i.target?.startsWith("workbook/") || /^(node:)?(child_process|worker_threads|cluster)$/.test(i.specifier))
      .map(({ f, i }) => `${f} imports ${i.specifier}`);
    expect(offending).toEqual([]);
  });

  test("the notebook helpers reach the grader through grader/api.ts only", () => {
    const offending = sourcesUnder("workbook")
      .filter((f) => !isTest(f))
      .flatMap((f) => importsOf(f).map((i) => ({ f, i })))
      .filter(({ i }) => i.target?.startsWith("grader/") && i.target !== "grader/api.ts")
      .map(({ f, i }) => `${f} imports ${i.specifier}`);
    expect(offending).toEqual([]);
  });

  test("graded tests and their helpers import a submission's types only, never its code", () => {
    const offending = sourcesUnder("grader/exercises")
      .flatMap((f) => importsOf(f).map((i) => ({ f, i })))
      .filter(({ i }) => i.target?.startsWith("exercises/") && !i.typeOnly)
      .map(({ f, i }) => `${f} imports ${i.specifier}`);
    expect(offending).toEqual([]);
  });

  test("the precompiled modules' sources include every project file they import (the build is named by their contents)", () => {
    const listed = new Set(sources(root).map((f) => relative(root, f)));
    const missing = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      if (!listed.has(file)) missing.add(file);
      for (const i of importsOf(file)) if (!i.typeOnly && i.target && !i.target.startsWith("node_modules/")) visit(i.target);
    };
    for (const file of listed) visit(file);
    expect(listed.size).toBeGreaterThan(30);
    expect([...missing]).toEqual([]);
  });
});
