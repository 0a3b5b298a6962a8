/**
 * Runs `npm run pg-lab -- --quick` against real PostgreSQL and checks only what is robust on a noisy
 * two-core machine: counts of lost writes and stale reads, and latency gaps of several times.
 *
 * Without PostgreSQL the suite is skipped, unless CI is set: then the lab installs PostgreSQL itself
 * (as root, with apt), and if it cannot run the suite fails rather than passing silently.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latencyCase, type PgLabResults } from "../lib/pg-compare";
import { findPostgres, INSTALL_COMMAND } from "./pg-lab/postgres-install";

const root = path.resolve(import.meta.dirname, "..");
const inCi = !!process.env.CI && !["false", "0"].includes(process.env.CI.toLowerCase());
const installed = findPostgres() !== null;
const skipReason = installed || inCi ? null : `PostgreSQL is not installed (install it with: ${INSTALL_COMMAND}; or run as root with CI=true to let the lab install it)`;

/** Installing PostgreSQL with apt on a fresh machine takes one to two minutes; the quick lab at most three. */
const LAB_TIMEOUT_MS = 8 * 60_000;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runLab(args: string[], opts: { onOutput?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", "pg-lab", "--", ...args], { cwd: root, env: process.env, detached: true });
    let output = "";
    const onData = (d: Buffer) => {
      output += d.toString();
      opts.onOutput?.(output, child);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGTERM"), LAB_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** The cluster folder the lab printed, e.g. /tmp/pg-lab-AbC123. */
function clusterFolders(output: string): string[] {
  return [...output.matchAll(/ in (\S*pg-lab-\w+);/g)].map((m) => m[1]);
}

/** Command lines of running processes that mention `folder` (a postmaster shows its data folder). */
function serverProcessesUnder(folder: string): string[] {
  const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" });
  return ps.stdout.split("\n").filter((line) => line.includes(folder));
}

if (skipReason) {
  console.warn(`scripts/pg-lab.test.ts skipped: ${skipReason}`);
  describe("the PostgreSQL lab", () => {
    it.skip(`is skipped: ${skipReason}`, () => undefined);
  });
} else {
  describe("the quick PostgreSQL lab", () => {
    let workDir: string;
    let run: Finished;
    let results: PgLabResults;

    beforeAll(async () => {
      workDir = mkdtempSync(path.join(os.tmpdir(), "pg-lab-test-"));
      const jsonFile = path.join(workDir, "results.json");
      run = await runLab(["--quick", "--json", jsonFile]);
      if (run.code !== 0) throw new Error(`npm run pg-lab -- --quick exited with ${run.code ?? run.signal}:\n${run.output}`);
      results = JSON.parse(readFileSync(jsonFile, "utf8")) as PgLabResults;
    }, LAB_TIMEOUT_MS);

    afterAll(() => {
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    it("finishes within three minutes", () => {
      expect(results.quick).toBe(true);
      expect(results.durationMs).toBeLessThan(180_000);
    });

    it("loses no acknowledged write when a synchronous standby is promoted", () => {
      const sync = results.lostWrites.filter((c) => c.standbyNames !== "");
      expect(sync.length).toBeGreaterThanOrEqual(2);
      for (const c of sync) {
        expect(c.ackedWrites, c.label).toBeGreaterThan(0);
        expect(c.lostAckedWrites, c.label).toBe(0);
      }
    });

    it("loses acknowledged writes when an async standby cut off by a partition is promoted", () => {
      const partitioned = results.lostWrites.find((c) => c.standbyNames === "" && c.scenario === "partition-then-crash");
      expect(partitioned).toBeDefined();
      expect(partitioned!.lostAckedWrites).toBeGreaterThan(0);
    });

    it("never reads stale data on the standby right after a remote_apply commit", () => {
      const applied = results.staleReads.filter((c) => c.level === "remote_apply");
      expect(applied.length).toBeGreaterThan(0);
      for (const c of applied) {
        expect(c.trials).toBeGreaterThan(0);
        expect(c.staleReads, c.label).toBe(0);
      }
    });

    it("commits with synchronous_commit=local clearly slower than with off (the WAL fsync)", () => {
      const off = latencyCase(results, "FIRST 1 · off").latency.p50Ms;
      const local = latencyCase(results, "FIRST 1 · local").latency.p50Ms;
      expect(local).toBeGreaterThan(1.5 * off);
    });

    it("commits with a delayed synchronous standby no faster than the round trip, and far slower than local", () => {
      const delay = results.proxy.requestedMs;
      const local = latencyCase(results, "FIRST 1 · local").latency.p50Ms;
      for (const label of [`FIRST 1 · on · s1 +${delay} ms`, `FIRST 2 · on · s1 +${delay} ms`]) {
        const remote = latencyCase(results, label).latency.p50Ms;
        // The proxy holds each direction for at least `delay`: the physics, not a tolerance.
        expect(remote, label).toBeGreaterThanOrEqual(2 * delay);
        // Local has no network trip at all; a full one-way delay is a wide margin against noise.
        expect(remote, label).toBeGreaterThan(local + delay);
      }
    });

    it("removes its temporary clusters when it is done", () => {
      const folders = clusterFolders(run.output);
      expect(folders.length).toBeGreaterThan(0);
      for (const folder of folders) {
        expect(existsSync(folder), folder).toBe(false);
        expect(serverProcessesUnder(folder)).toEqual([]);
      }
    });
  });

  describe("the PostgreSQL lab interrupted with Ctrl-C", () => {
    it("stops its servers and removes its temporary folder", async () => {
      let interrupted = false;
      const run = await runLab(["--quick"], {
        onOutput: (text, child) => {
          // Interrupt once the cluster is up and being measured.
          if (!interrupted && text.includes("Commit latency")) {
            interrupted = true;
            process.kill(-child.pid!, "SIGINT");
          }
        },
      });
      expect(interrupted, run.output).toBe(true);
      const [folder] = clusterFolders(run.output);
      expect(folder, run.output).toBeDefined();
      expect(existsSync(folder), `${folder} still exists:\n${run.output}`).toBe(false);
      expect(serverProcessesUnder(folder), run.output).toEqual([]);
      expect(run.code, run.output).not.toBe(0);
    }, LAB_TIMEOUT_MS);
  });
}
