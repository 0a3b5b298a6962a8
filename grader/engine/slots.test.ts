/**
 * The slots of a grading run (engine/run-vitest.ts): where each submission's copy of a test file
 * lives, how the copy finds its submission, and what vite is served for it.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { slotFile, slotOf } from "../settings";
import { slots } from "./run-vitest";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const real = join(root, "grader/exercises/06-fencing.test.ts");

describe("slots", () => {
  it("put the first slot on the test file itself and each other slot on a copy of its own", () => {
    expect(slotFile("p0", real, "p0")).toBe(real);
    const copy = slotFile("p12", real, "p0");
    expect(copy).toBe(join(root, "grader/exercises/.p12/06-fencing.test.ts"));
    expect(slotOf(copy)).toEqual({ slot: "p12", real });
    expect(slotOf(real)).toEqual({ real });
    // Only a folder named like a slot makes one.
    expect(slotOf(join(root, "grader/exercises/.px/06-fencing.test.ts")).slot).toBeUndefined();
    expect(slotOf(join(root, "grader/p3/06-fencing.test.ts")).slot).toBeUndefined();
  });

  it("serve a copy's source from the real file, and resolve what it imports from the real file's folder", async () => {
    const plugin = slots(root) as unknown as {
      resolveId: (this: unknown, source: string, importer: string | undefined, options: object) => Promise<unknown>;
      load: (id: string) => string | null;
    };
    const copy = slotFile("p3", real, "p0");
    expect(plugin.load(copy)).toBe(readFileSync(real, "utf8"));
    expect(plugin.load("/grader/exercises/.p3/06-fencing.test.ts")).toBe(readFileSync(real, "utf8")); // vite's path from the root
    expect(plugin.load(real)).toBeNull();
    const asked: [string, string][] = [];
    const context = { resolve: async (source: string, importer: string) => (asked.push([source, importer]), { id: join(importer, "..", source) }) };
    expect(await plugin.resolveId.call(context, "/grader/exercises/.p3/06-fencing.test.ts", undefined, {})).toBe(copy);
    expect(await plugin.resolveId.call(context, "../student", copy, {})).toEqual({ id: join(root, "grader/student") });
    expect(asked).toEqual([["../student", real]]);
    expect(await plugin.resolveId.call(context, "../student", real, {})).toBeNull(); // the real file resolves as always
    expect(await plugin.resolveId.call(context, "vitest", copy, {})).toBeNull();
  });
});
