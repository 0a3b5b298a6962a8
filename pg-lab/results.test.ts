import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLabResults, ResultsFileError, resultsJson } from "./results";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "pg-lab-results-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readLabResults", () => {
  it("reads the recorded run, and reads it back the same after writing it", () => {
    const recorded = readLabResults(path.join(root, "notebooks/data/pg-lab-recorded.json"));
    expect(recorded.latency.length).toBeGreaterThan(0);
    expect(Array.isArray(recorded.standbySteps)).toBe(true);
    const file = path.join(dir, "again.json");
    writeFileSync(file, resultsJson(recorded));
    expect(readLabResults(file)).toEqual(recorded);
  });

  it("says which file is not a results file and how to write one", () => {
    const file = path.join(dir, "other.json");
    writeFileSync(file, JSON.stringify({ version: 1, latency: [] }));
    expect(() => readLabResults(file)).toThrow(ResultsFileError);
    expect(() => readLabResults(file)).toThrow(/other\.json: not a PostgreSQL lab results file \(missing roundTrip, staleReads, lostWrites, proxy\).*npm run pg-lab/);
    writeFileSync(file, "{");
    expect(() => readLabResults(file)).toThrow(/other\.json: cannot be read as JSON/);
    expect(() => readLabResults(path.join(dir, "missing.json"))).toThrow(/missing\.json/);
  });
});
