/** Reports are written whole, over whatever stands at their path, sockets included. */
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeWhole } from "./write-whole";

const dir = mkdtempSync(join(tmpdir(), "rl-write-whole-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeWhole", () => {
  it("replaces a socket bound at the report's path, which writing through would fail on", async () => {
    const path = join(dir, "report.json");
    const server = createServer();
    await new Promise<void>((done) => server.listen(path, done));
    try {
      expect(lstatSync(path).isSocket()).toBe(true);
      expect(() => writeFileSync(path, "{}")).toThrow(/ENXIO/);
      writeWhole(path, '{"score":1}');
      expect(lstatSync(path).isFile()).toBe(true);
      expect(readFileSync(path, "utf8")).toBe('{"score":1}');
    } finally {
      server.close();
    }
  });

  it("replaces an older file, keeps the mode asked for, and leaves no temporary file behind", () => {
    const path = join(dir, "grades.csv");
    writeFileSync(path, "old");
    writeWhole(path, "new", { mode: 0o640 });
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(lstatSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("fails with the system's reason where it cannot write, and leaves nothing behind", () => {
    const missing = join(dir, "no-such-folder", "report.json");
    expect(() => writeWhole(missing, "x")).toThrow(/ENOENT/);
    expect(existsSync(join(dir, "no-such-folder"))).toBe(false);
  });
});
