import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { screenSource } from "./screen";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const reasons = (code: string) => screenSource("x.ts", code).map((f) => f.reason).join("\n");

describe("screening student files before they run", () => {
  test("the reference solutions, the stubs and the known-wrong variants pass screening", () => {
    const files = [
      ...readdirSync(join(root, "solutions")).map((f) => join(root, "solutions", f)),
      ...readdirSync(join(root, "exercises")).map((f) => join(root, "exercises", f)),
      ...readdirSync(join(root, "grader/variants"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => join(root, "grader/variants", f)),
    ].filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect(screenSource(file, readFileSync(file, "utf8")), file).toEqual([]);
  });

  test("ordinary exercise code is allowed: the library, sibling exercises, types, Math.random reads", () => {
    const code = `
      import { simulate, NotImplementedError, type RunResult } from "../lib";
      import { stream } from "../lib/rng";
      import { NotImplementedError as NIE } from "../lib/errors";
      import { quorum } from "replication-lab";
      import { helper } from "./04-fencing";
      export function f(run: RunResult): number { const self = { process: 1 }; const copy = { ...run }; copy.seed = 2; return self.process + Math.random() + helper(); }
      class Box { constructor(readonly v: number) {} }
      export const g = () => new Box(1).v;`;
    expect(screenSource("x.ts", code)).toEqual([]);
  });

  test.each([
    ['import { readFileSync } from "node:fs";', /imports "node:fs" \(a Node\.js system module\)/],
    ['import * as cp from "child_process";', /imports "child_process"/],
    ['import { createServer } from "node:net";', /imports "node:net"/],
    ['import http from "http";', /imports "http"/],
    ['import { Worker } from "worker_threads";', /imports "worker_threads"/],
    ['import { expect } from "vitest";', /imports "vitest" \(the test runner\)/],
    ["declare global { interface Math { random: string } }\nexport {};", /declares global types/],
    ['declare module "../lib" { export const simulate: number; }', /declares the module "\.\.\/lib"/],
    ['/// <reference path="../grader/graded.ts" />\nexport const x = 1;', /\/\/\/ <reference>/],
    ['/// <reference types="node" />\nexport const x = 1;', /\/\/\/ <reference>/],
    ['import { graded } from "../grader/graded";', /the grader or its answers/],
    ['import { chooseNewLeader } from "../solutions/05-leader-election";', /the grader or its answers/],
    ['import { check } from "../lib";', /notebook helper `check`/],
    ['import { x } from "../workbook/check";', /imports "\.\.\/workbook\/check"/],
    ['export * from "fs";', /imports "fs"/],
    ['const m = await import("../lib");', /dynamic `import\(\)`/],
    ['process.exit(0);', /uses `process`/],
    ['const s = process.env.RL_GRADER_SECRET;', /uses `process`/],
    ['globalThis.fetch = undefined;', /uses `globalThis`/],
    ['const x = eval("1+1");', /uses `eval`/],
    ['const f = new Function("return this")();', /`Function` constructor/],
    ['const f = (() => 0).constructor("return process")();', /reads `\.constructor`/],
    ['const f = (() => 0)["constructor"];', /reads `\["constructor"\]`/],
    ['Math.random = () => 0.5;', /patches the built-in `Math`/],
    ['JSON.stringify = () => "{}";', /patches the built-in `JSON`/],
    ['Array.prototype.sort = function () { return this; };', /patches the built-in `Array`/],
    ['Object.defineProperty(Math, "random", { value: () => 0 });', /changes the built-in `Math` with Object\.defineProperty/],
    ['delete (Promise as any).race;', /deletes from the built-in `Promise`/],
    ['(Math as { random: () => number }).random = () => 0;', /patches the built-in `Math`/],
    ['expect.extend({});', /touches the test runner's `expect`/],
    ['const r = require("fs");', /uses `require`/],
    ['fetch("http://example.com");', /uses the network/],
    ['import * as lib from "../lib";\n(lib as any).checkers.readYourWrites = () => [];', /changes the imported `lib`, which the tests share/],
    ['import { defaults } from "../lib/config";\ndefaults.seed = 1;', /changes the imported `defaults`/],
    ['import { defaults } from "../lib/config";\nObject.assign(defaults, { seed: 1 });', /changes the imported `defaults` with Object\.assign/],
  ])("rejects %s", (code, reason) => {
    expect(reasons(code)).toMatch(reason);
  });

  test("findings carry the line they are on", () => {
    const findings = screenSource("x.ts", 'const a = 1;\n\nprocess.exit(1);\n');
    expect(findings).toEqual([{ line: 3, reason: expect.stringMatching(/process/) }]);
  });
});
