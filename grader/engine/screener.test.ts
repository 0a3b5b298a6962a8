import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { libBundle } from "./lib-bundle";
import { Screener } from "./screener";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const ATTACK = /^[ \t]*\/\/ attack \{\n[\s\S]*?^[ \t]*\/\/ \} attack\n/gm;
let dir: string;
/** Files to screen, in order: name -> text. */
const texts: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rl-screener-"));
  // 140 KB that TypeScript's parser takes seconds over (3.2-3.5 CPU-s on the project's machine).
  const slow = readFileSync(join(root, "grader/fixtures/05-slow-to-parse.ts.txt"), "utf8");
  Object.assign(texts, {
    "slow.ts": slow,
    "right.ts": slow.replace(ATTACK, ""),
    "exits.ts": "export function f(): number {\n  process.exit(0);\n}\n",
    "deep.ts": `export const x = ${"(".repeat(5_000)}1${")".repeat(5_000)};\n`,
    "slow-again.ts": slow,
    "last.ts": "export const last = 1;\n",
  });
  for (const [name, text] of Object.entries(texts)) writeFileSync(join(dir, name), text);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = () => Object.keys(texts).map((name) => ({ path: join(dir, name), shown: `exercises/${name}` }));

describe("screening files in a worker thread, each held to a limit of CPU time", () => {
  test("a file that takes the parser too long is refused alone, saying why; the files after it are screened by a new worker", async () => {
    const bundle = await libBundle(root);
    expect(bundle, "the precompiled modules (npm run setup builds them)").toBeDefined();
    const screener = new Screener(bundle);
    try {
      // 100 ms of CPU time: the slow file needs thirty times that, ordinary files a few ms (the
      // worker's own start is not counted).
      const [slow, right, exits, deep, slowAgain, last] = await screener.screen(files(), 100);
      expect(slow).toBe(
        "exercises/slow.ts took too long to read: screening it before it runs used more than 100 ms of CPU time (ordinary code takes a fraction of that; long chains of < comparisons make TypeScript's parser try each one both ways), so this exercise scores zero",
      );
      expect(right).toEqual([]);
      expect(exits).toEqual([{ line: 2, reason: expect.stringMatching(/^uses `process`/) }]);
      expect(deep).toMatch(/^exercises\/deep\.ts is nested too deeply to read \(.*\), so this exercise scores zero$/);
      expect(slowAgain).toMatch(/^exercises\/slow-again\.ts took too long to read: .* used more than 100 ms of CPU time/);
      expect(last).toEqual([]);
    } finally {
      screener.close();
    }
  }, 120_000);

  test("without the precompiled worker, screens in this thread with the same findings (and no limit)", async () => {
    const inThread = new Screener(undefined);
    const list = files().filter((f) => !f.path.includes("slow"));
    const [right, exits, deep, last] = await inThread.screen(list, 1);
    expect(right).toEqual([]);
    expect(exits).toEqual([{ line: 2, reason: expect.stringMatching(/^uses `process`/) }]);
    expect(deep).toMatch(/^exercises\/deep\.ts is nested too deeply to read/);
    expect(last).toEqual([]);
    const bundled = new Screener(await libBundle(root));
    try {
      expect(await bundled.screen(list)).toEqual([right, exits, deep, last]);
    } finally {
      bundled.close();
    }
  }, 120_000);

});
