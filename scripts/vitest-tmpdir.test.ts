import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { expect, test } from "vitest";
import { TEST_TMP_PREFIX } from "./vitest-tmpdir";

test("the unit tests make their temporary files in a folder of their own run, which other users may enter", () => {
  const folder = tmpdir();
  expect(basename(folder).startsWith(TEST_TMP_PREFIX)).toBe(true);
  expect(process.env.TMPDIR).toBe(folder);
  expect(statSync(folder).mode & 0o7777).toBe(0o1777);
  const made = mkdtempSync(join(tmpdir(), "rl-example-"));
  expect(dirname(made)).toBe(folder);
  expect(existsSync(made)).toBe(true);
});
