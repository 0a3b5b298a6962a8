/** What a check keeps of what the code printed: its first lines, and a count of the rest. */
import { describe, expect, test } from "vitest";
import { PrintedKeeper } from "./printed";

const kept = (chunks: string[], lines = 20, chars = 2_000) => {
  const keeper = new PrintedKeeper(lines, chars);
  for (const chunk of chunks) keeper.add(chunk);
  return keeper.result();
};

describe("PrintedKeeper", () => {
  test("keeps everything printed within its bounds, and nothing when nothing was printed", () => {
    expect(kept([])).toBeUndefined();
    expect(kept(["a\n", "b\nc"])).toEqual({ text: "a\nb\nc", moreLines: 0, moreChars: 0 });
  });

  test("keeps the first lines, however the output was split into chunks, and counts the rest", () => {
    const printed = Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join("");
    const whole = kept([printed]);
    expect(whole).toEqual({ text: Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n"), moreLines: 30, moreChars: printed.length - printed.split("\n").slice(0, 20).join("\n").length - 1 });
    for (const size of [1, 3, 7, 64]) {
      const chunks = printed.match(new RegExp(`[\\s\\S]{1,${size}}`, "g"))!;
      expect(kept(chunks), `chunks of ${size}`).toEqual(whole);
    }
  });

  test("stops at its characters, inside a line if it must, and counts the cut line as one more", () => {
    expect(kept(["x".repeat(30), "y\nz\n"], 20, 10)).toEqual({ text: "x".repeat(10), moreLines: 2, moreChars: 24 });
    expect(kept(["abc\ndef"], 1, 100)).toEqual({ text: "abc", moreLines: 1, moreChars: 3 });
  });
});
