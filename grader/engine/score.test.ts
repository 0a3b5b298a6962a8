/**
 * The replay command a failing case's feedback prints: run as printed, it must replay what was
 * graded, so files graded from elsewhere than exercises/ are named with --target.
 */
import { describe, expect, it } from "vitest";
import { replayCommand } from "./score";

describe("replayCommand", () => {
  it("replays a student's own exercises/ as it is, and names any other target", () => {
    expect(replayCommand("05", { ok: false, case: "seed 42", seed: 42 })).toBe("npm run replay -- 05 --seed 42");
    expect(replayCommand("05", { ok: false, case: "ties", label: "equal logs" }, "exercises")).toBe('npm run replay -- 05 --case "equal logs"');
    expect(replayCommand("05", { ok: false, case: "seed 42", seed: 42 }, "solutions")).toBe("npm run replay -- 05 --seed 42 --target solutions");
    expect(replayCommand("09", { ok: false, case: "seed 3", seed: 3 }, "../v1")).toBe("npm run replay -- 09 --seed 3 --target ../v1");
    expect(replayCommand("09", { ok: false, case: "seed 3", seed: 3 }, "my work/it's here")).toBe("npm run replay -- 09 --seed 3 --target 'my work/it'\\''s here'");
    expect(replayCommand("09", { ok: false, case: "a case without a seed or label" }, "solutions")).toBeUndefined();
  });
});
