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

  it("names the test a seed came from, quoted for a shell; a labelled case needs no test", () => {
    expect(replayCommand("01", { ok: false, case: "seed 7", seed: 7 }, "exercises", "the text's example: busy clients")).toBe(`npm run replay -- 01 --seed 7 --test "the text's example: busy clients"`);
    expect(replayCommand("01", { ok: false, case: "seed 7", seed: 7 }, "solutions", 'costs $5 "now"')).toBe(`npm run replay -- 01 --seed 7 --test 'costs $5 "now"' --target solutions`);
    expect(replayCommand("05", { ok: false, case: "ties", label: "equal logs" }, "exercises", "ties")).toBe('npm run replay -- 05 --case "equal logs"');
  });
});
