import { build } from "esbuild";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { transpileOptions } from "./transpile";

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
