import { build } from "esbuild";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { transpile, transpileOptions } from "./transpile";

// Counts the builds transpile() starts (it imports esbuild when it runs).
const builds = vi.hoisted(() => ({ count: 0 }));
vi.mock("esbuild", async (importOriginal) => {
  const esbuild = await importOriginal<typeof import("esbuild")>();
  const counted = (options: Parameters<typeof esbuild.build>[0]) => {
    builds.count++;
    return esbuild.build(options);
  };
  return { ...esbuild, build: counted, default: { ...esbuild, build: counted } };
});

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

describe("compiling an exercise that imports the library", () => {
  it("reads the library's sources and small packages, never the notebook kernel or its TypeScript", async () => {
    // Exercise 04's solution calls the library's policy builders, so the library is bundled in.
    const job = { source: `${ROOT}/solutions/04-choose-ack-policy.ts`, out: "/nowhere/04-choose-ack-policy.mjs", displayDir: "solutions", stageDir: `${ROOT}/solutions` };
    const result = await build({ ...transpileOptions(ROOT, [job]), write: false, metafile: true });
    const inputs = Object.entries(result.metafile.inputs);
    expect(inputs.some(([path]) => path.endsWith("lib/sim/world.ts"))).toBe(true);
    // tslab, loaded by the library only inside a notebook kernel, carries an 8 MB TypeScript
    // compiler: parsing it was most of every compilation's time, for nothing in the output.
    expect(inputs.map(([path]) => path).filter((path) => /node_modules\/(@tslab|tslab|typescript|zeromq)\//.test(path))).toEqual([]);
    const bytes = inputs.reduce((sum, [, input]) => sum + input.bytes, 0);
    expect(bytes).toBeLessThan(2_000_000);
  });
});

describe("compiling for the sandbox runtime", () => {
  it("imports the library from the runtime's lib.mjs, which a sandbox loads once, instead of bundling it into every file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rl-transpile-lib-"));
    try {
      // A stub imports NotImplementedError: bundled, that was 240 KB of library (and its source
      // map) that every fresh load of the file evaluated again.
      const jobs = ["exercises/01-read-your-writes.ts", "solutions/04-choose-ack-policy.ts"].map((file) => ({
        source: `${ROOT}/${file}`,
        out: join(dir, file.replace(/\.ts$/, ".mjs")),
        displayDir: file.split("/")[0],
        stageDir: `${ROOT}/${file.split("/")[0]}`,
      }));
      expect([...(await transpile(ROOT, jobs)).keys()]).toEqual([]);
      for (const job of jobs) {
        const text = readFileSync(job.out, "utf8");
        expect(text).toMatch(/from "file:\/\/[^"]*\/lib\.mjs"/);
        expect(text).not.toContain("class NotImplementedError");
        expect(text.length).toBeLessThan(20_000);
      }
      const { routeRead } = (await import(pathToFileURL(jobs[0].out).href)) as { routeRead(ctx: unknown): unknown };
      expect(() => routeRead({})).toThrow(/01: routeRead is not implemented yet/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a build with broken files among good ones", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rl-transpile-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes a submission's files into its own folder and makes the jobs that compile them. */
  const stage = (name: string, files: Record<string, string>) => {
    const stageDir = join(dir, name);
    mkdirSync(stageDir);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(stageDir, file), text);
    return (file: string) => ({ source: join(stageDir, file), out: join(dir, "build", name, file.replace(/\.ts$/, ".mjs")), displayDir: name, stageDir });
  };

  it("fails the broken files and the ones that import them, each with its own message, and compiles the rest", async () => {
    const good = stage("good", { "01-a.ts": "export const a = 1;\n", "02-b.ts": "export const b = 2;\n" });
    const broken = stage("broken", { "01-a.ts": "export const a = 1;\nexport function oops( {\n", "02-b.ts": "export const b = 2;\n" });
    const importer = stage("importer", { "01-a.ts": "export const a = ;\n", "02-b.ts": 'import { a } from "./01-a";\nexport const b = a;\n' });
    const jobs = [good("01-a.ts"), good("02-b.ts"), broken("01-a.ts"), broken("02-b.ts"), importer("01-a.ts"), importer("02-b.ts")];
    const failures = await transpile(ROOT, jobs);
    expect([...failures.keys()].map((j) => `${j.displayDir}/${j.source.split("/").pop()}`).sort()).toEqual(["broken/01-a.ts", "importer/01-a.ts", "importer/02-b.ts"]);
    expect(failures.get(jobs[2])?.[0]).toMatch(/^broken\/01-a\.ts:\d+:\d+: /);
    // The file that imports a broken one is told where the error is.
    expect(failures.get(jobs[5])?.[0]).toMatch(/^importer\/01-a\.ts:1:\d+: /);
    for (const ok of [jobs[0], jobs[1], jobs[3]]) expect(existsSync(ok.out)).toBe(true);
  });

  it("builds the broken file on its own and the rest together: three builds, however many good files", async () => {
    const jobs = Array.from({ length: 10 }, (_, i) => stage(`s${i}`, { "01-a.ts": i === 4 ? "export const a = ;\n" : `export const a = ${i};\n` })("01-a.ts"));
    builds.count = 0;
    const failures = await transpile(ROOT, jobs);
    expect([...failures.keys()]).toEqual([jobs[4]]);
    expect(builds.count).toBe(3);
    expect(jobs.filter((j) => existsSync(j.out)).length).toBe(9);
  });
});
