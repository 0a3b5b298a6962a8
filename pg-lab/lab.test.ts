/**
 * Runs the quick lab against real PostgreSQL (through runPgLab, as notebook 06 does) and checks only
 * what is robust on a noisy two-core machine: counts of lost writes and stale reads, latency gaps
 * of several times, and orderings that hold by construction. The command line is run once, to be
 * interrupted with Ctrl-C.
 *
 * Without PostgreSQL the suite is skipped, unless CI is set: then the lab installs PostgreSQL itself
 * (as root, with apt), and if it cannot run the suite fails rather than passing silently.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agreement, compareLostWrites, latencyCase, type AgreementRow, type AgreementTargets } from "../lib/pg-compare";
import { runPgLab } from "./index";
import { findPostgres, INSTALL_COMMAND } from "./postgres-install";
import { readLabResults, stepTimings, type LabResults } from "./results";

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

/** `npm run pg-lab -- ARGS`, as a user runs it. */
function runCli(args: string[], opts: { onOutput?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Finished> {
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

/** The cluster folders the lab printed, e.g. /tmp/pg-lab-AbC123. */
function clusterFolders(output: string): string[] {
  return [...output.matchAll(/ in (\S*pg-lab-\w+);/g)].map((m) => m[1]);
}

/** Command lines of running processes that mention `folder` (a postmaster shows its data folder). */
function serverProcessesUnder(folder: string): string[] {
  const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" });
  return ps.stdout.split("\n").filter((line) => line.includes(folder));
}

if (skipReason) {
  console.warn(`pg-lab/lab.test.ts skipped: ${skipReason}`);
  describe("the PostgreSQL lab", () => {
    it.skip(`is skipped: ${skipReason}`, () => undefined);
  });
} else {
  describe("the quick PostgreSQL lab", () => {
    let workDir: string;
    let jsonFile: string;
    const output: string[] = [];
    let results: LabResults;

    beforeAll(async () => {
      workDir = mkdtempSync(path.join(os.tmpdir(), "pg-lab-test-"));
      jsonFile = path.join(workDir, "results.json");
      try {
        results = await runPgLab({ quick: true, jsonFile, log: (line) => output.push(line) });
      } catch (err) {
        throw new Error(`the quick lab failed: ${(err as Error).message}\n${output.join("\n")}`);
      }
    }, LAB_TIMEOUT_MS);

    afterAll(() => {
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    it("returns a quick run and writes the same results to the file asked for", () => {
      expect(results.quick).toBe(true);
      expect(results.commitsPerCase).toBeGreaterThan(0);
      expect(readLabResults(jsonFile)).toEqual(results);
    });

    it("times the primary's WAL fsyncs while the latency cases run", () => {
      for (const c of results.latency) {
        if (Number(results.machine.postgres) < 15) {
          expect(c.walSync, c.label).toBeNull();
          continue;
        }
        // Every commit but `off` flushes its WAL (or finds it flushed by a commit just before).
        expect(c.walSync!.syncs, c.label).toBeGreaterThanOrEqual(results.commitsPerCase / 2);
        expect(c.walSync!.meanMs, c.label).toBeGreaterThan(0);
      }
    });

    it("times local commits in the turns of every latency case, for the simulator's leader", () => {
      for (const c of results.latency) {
        expect(c.local, c.label).not.toBeNull();
        expect(c.local!.count, c.label).toBe(results.commitsPerCase);
        if (c.level === "local") expect(c.local, c.label).toEqual(c.latency);
      }
    });

    it("times the path from a finished commit to a read on s1, which takes at least a moment", () => {
      expect(results.readPath!.count).toBe(results.staleReads[0].trials);
      expect(results.readPath!.p50Ms).toBeGreaterThan(0);
      // And in every stale-read trial, from its own commit's end to its own read.
      for (const c of results.staleReads) {
        expect(c.readPath!.count, c.label).toBe(c.trials);
        expect(c.readPath!.p50Ms, c.label).toBeGreaterThan(0);
      }
    });

    it("times each standby's write, flush and replay, in that order, and the primary's flush before", () => {
      expect(results.standbySteps.map((s) => s.standby)).toEqual(["s1", "s2"]);
      for (const s of results.standbySteps) {
        expect(s.levels.map((l) => l.level)).toEqual(["local", "remote_write", "on", "remote_apply"]);
        for (const l of s.levels) {
          const what = `${s.label} · ${l.level}`;
          expect(l.commits, what).toBe(results.commitsPerCase);
          expect(l.latencyMs.count, what).toBe(l.commits);
          expect(l.writeLagMs.count + l.cleared, what).toBe(l.commits);
          if (Number(results.machine.postgres) >= 15) {
            // Most commits flush their own WAL, once.
            expect(l.primaryFlushMs!.count, what).toBeGreaterThanOrEqual(l.commits / 4);
            expect(l.primaryFlushMs!.p50Ms, what).toBeGreaterThan(0);
          }
        }
        const on = stepTimings(results, s.standby, "on");
        // With `on` nothing forces a second "replayed everything" reply, so lags are rarely cleared.
        expect(on.writeLagMs.count, s.label).toBeGreaterThanOrEqual(results.commitsPerCase / 10);
        // The standby reports a commit written, then flushed: each flush_lag is at least its write_lag.
        expect(on.flushLagMs.p50Ms, s.label).toBeGreaterThanOrEqual(on.writeLagMs.p50Ms);
        expect(on.writeLagMs.p50Ms, s.label).toBeGreaterThan(0);
      }
      expect(results.standbySteps[0].standbyNames).toBe("FIRST 1 (s1, s2)");
      expect(results.standbySteps[1].standbyNames).toBe("FIRST 1 (s2)");
    });

    it("times each commit's moments on the machine's one clock: the WAL sent and received, the standby's reply, the backend back", () => {
      for (const s of [...results.standbySteps, ...results.bothSyncSteps!]) {
        for (const l of s.levels) {
          const what = `${s.label} · ${l.level}`;
          // Most commits' WAL is there by the time the standby is asked (after a `local` commit it may not be yet).
          expect(l.shipMs!.count, what).toBeGreaterThanOrEqual(l.commits / 4);
          expect(l.transitMs!.p50Ms, what).toBeGreaterThanOrEqual(0);
          if (l.level === "local") {
            expect(l.standbyReplyMs!.count, what).toBe(0);
            continue;
          }
          // remote_write keeps only the commits whose flush reply had not come in yet.
          expect(l.standbyReplyMs!.count, what).toBeGreaterThanOrEqual(l.commits / 10);
          expect(l.releaseMs!.count, what).toBeGreaterThanOrEqual(l.commits / 10);
          // The reply's trip back and two processes waking up take some time.
          expect(l.releaseMs!.p50Ms, what).toBeGreaterThan(0);
        }
      }
      // Each standby's `on` reply comes after its write's reply, by at least its fsync.
      for (const s of results.standbySteps) expect(stepTimings(results, s.standby, "on").standbyReplyMs!.p50Ms, s.label).toBeGreaterThan(stepTimings(results, s.standby, "remote_write").standbyReplyMs!.p50Ms);
      expect(results.bothSyncSteps!.map((s) => [s.standby, s.standbyNames, s.levels.map((l) => l.level).join(" ")])).toEqual([
        ["s1", "FIRST 2 (s1, s2)", "local on"],
        ["s2", "FIRST 2 (s1, s2)", "local on"],
      ]);
    });

    it("keeps each timed commit's moments together, a row per commit, the two standbys' rows in step", () => {
      for (const s of [...results.standbySteps, ...results.bothSyncSteps!]) {
        for (const l of s.levels) {
          const what = `${s.label} · ${l.level}`;
          const rows = l.perCommit!;
          const n = rows.commitMs.length;
          expect(n, what).toBeGreaterThanOrEqual(l.commits / 10);
          const waits = l.level !== "local";
          expect([rows.shipMs.length, rows.transitMs.length, rows.replyMs.length, rows.releaseMs.length], what).toEqual([n, n, waits ? n : 0, waits ? n : 0]);
          // A commit that waits for the standby's answer returns after it, on the one clock (to the microsecond).
          if (waits) for (let i = 0; i < n; i++) expect(rows.commitMs[i], `${what} #${i}`).toBeGreaterThanOrEqual(rows.shipMs[i] + rows.transitMs[i] + rows.replyMs[i] - 0.003);
        }
      }
      const [s1, s2] = results.bothSyncSteps!;
      s1.levels.forEach((l, i) => expect(l.perCommit!.commitMs, l.level).toEqual(s2.levels[i].perCommit!.commitMs));
    });

    it("says where s1 was just before each stale read, which accounts for every one of them", () => {
      for (const c of results.staleReads) {
        const b = c.staleBecause!;
        // The positions are read before the read's snapshot is taken, and a standby replays a
        // commit before a snapshot can see it: a read that missed its commit finds s1 short of it,
        // however busy the machine (read after the snapshot, a quarter of them did not, in a CI run).
        expect(b.notWritten + b.notFlushed + b.notReplayed, c.label).toBe(c.staleReads);
        // Once the commit waited for s1's flush, only the replay can be missing (but for a read
        // that the server's own WAL, written meanwhile, moved a step earlier: one or two).
        if (c.level === "on" && c.proxyDelayMs === 0) expect(b.notWritten + b.notFlushed, c.label).toBeLessThanOrEqual(2);
      }
    });

    it("loses no acknowledged write when a synchronous standby is promoted", () => {
      const sync = results.lostWrites.filter((c) => c.standbyNames !== "");
      expect(sync.length).toBeGreaterThanOrEqual(2);
      for (const c of sync) {
        expect(c.ackedWrites, c.label).toBeGreaterThan(0);
        expect(c.lostAckedWrites, c.label).toBe(0);
        // Nor one acknowledged while the server was stopping: s1 had confirmed it.
        expect(c.lostAfterCrash, c.label).toBe(0);
      }
    });

    it("loses acknowledged writes when an async standby cut off by a partition is promoted", () => {
      const partitioned = results.lostWrites.find((c) => c.standbyNames === "" && c.scenario === "partition-then-crash");
      expect(partitioned).toBeDefined();
      expect(partitioned!.lostAckedWrites).toBeGreaterThan(0);
    });

    it("repeats the failover with s1's delayed link cut at the crash, adding up its counts and the proxy's delays", () => {
      const delayed = results.lostWrites.find((c) => c.standbyNames === "" && c.scenario === "delayed-link-cut-at-crash")!;
      expect(delayed.crashes).toBe(6);
      // Each crash ran about 700 ms of writes; the counts are their sums.
      expect(delayed.ackedWrites).toBeGreaterThan(6 * 50);
      expect(delayed.proxyToStandby!.count).toBeGreaterThan(0);
      expect(delayed.proxyToStandby!.p50Ms).toBeGreaterThanOrEqual(results.proxy.requestedMs);
      // Backends may still answer until the signal reaches them (how many depends on the load): counted apart.
      expect(Number.isInteger(delayed.ackedAfterCrash)).toBe(true);
      expect(delayed.lostAfterCrash!).toBeGreaterThanOrEqual(0);
      expect(delayed.lostAfterCrash!).toBeLessThanOrEqual(delayed.ackedAfterCrash!);
      for (const c of results.lostWrites.filter((l) => l !== delayed)) expect(c.crashes, c.label).toBe(1);
    });

    it("times the standby that releases each delayed block's commits inside that block", () => {
      expect(results.blockSteps!.map((b) => [b.standby, b.standbyNames, b.proxyDelayMs, b.applyDelayMs, b.levels.map((l) => l.level).join(" ")])).toEqual([
        ["s2", "ANY 1 (s1, s2)", results.proxy.requestedMs, 0, "on"],
        ["s1", "FIRST 1 (s1, s2)", 0, 20, "on"],
      ]);
      for (const b of results.blockSteps!) {
        const on = b.levels[0];
        // Most commits' moments were all seen, and the standby answered after the WAL arrived.
        expect(on.perCommit!.commitMs.length, b.label).toBeGreaterThan(results.commitsPerCase / 2);
        expect(on.standbyReplyMs!.p50Ms, b.label).toBeGreaterThan(0);
        // s2 answers before s1's delayed link could: these commits are quicker than those that wait for s1.
        if (b.standby === "s2") expect(on.latencyMs.p50Ms, b.label).toBeLessThan(latencyCase(results, "FIRST 1 · on · s1 +5 ms").latency.p50Ms);
      }
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

    describe("beside the simulator fed with what it measured", () => {
      // Wider than the workbook's targets (AGREEMENT_TARGETS: 10 points, 20% or 0.25 ms), for noise:
      // a fresh run on a busy two-core machine drifts further (with two `yes` processes beside a
      // load average of 16, remote_write's stale reads came out 29 points apart; at a load of 6 to
      // 22, local's came out 88-91% against the simulator's 65-71%), yet less than a model without
      // PostgreSQL's shipping point would need. The README's table has the misses against the
      // targets themselves, measured; notebook 06 shows the recorded run's.
      const noisy: AgreementTargets = { staleShare: 0.35, latencyRelative: 1, latencyMs: 1, lostRelative: 0.5, lostCountingSigmas: 3 };
      // Commit medians: a factor either way, as the standby's steps are timed in the first block and
      // fed to every setting, and a later block can meet a quieter or busier moment. At a load
      // average of 12 to 22, FIRST 1 · on took PostgreSQL 1.8 times the simulator's time (6.96
      // against 3.91 ms), and at 11 one run had a row where the simulator said more than twice
      // PostgreSQL's. A simulator without the proxy's delay is 4.6 to 8.1 times too fast on the
      // delayed rows of four recorded runs.
      const LATENCY_FACTOR = 4;
      let rows: AgreementRow[];
      beforeAll(() => {
        rows = agreement(results, noisy, { writes: 1000 });
      });
      const outside = (measure: AgreementRow["measure"]) =>
        rows.filter((r) => r.measure === measure && !r.agrees).map((r) => `${r.label}: PostgreSQL ${r.measured.toFixed(3)}, simulator ${r.simulated.toFixed(3)}`);

      it("agrees on every stale-read share within 35 points (without the shipping point, local would be 10-25% against 80-95%)", () => {
        expect(outside("stale reads")).toEqual([]);
      });

      it(`agrees on every commit p50 within a factor of ${LATENCY_FACTOR} either way, or 1 ms`, () => {
        const apart = rows.filter((r) => r.measure === "commit latency p50" && Math.abs(r.gap) > 1 && Math.max(r.simulated / r.measured, r.measured / r.simulated) > LATENCY_FACTOR);
        expect(apart.map((r) => `${r.label}: PostgreSQL ${r.measured.toFixed(3)}, simulator ${r.simulated.toFixed(3)}`)).toEqual([]);
      });

      // How many writes an asynchronous primary loses depends on how far the standby was behind at
      // the crash, which a busy machine moves a long way: with s1 cut off 400 ms before the crash,
      // PostgreSQL lost 11.7% against the simulator's 57.3% in one run under a full test suite, and
      // about as many in quieter ones. The test holds what always holds; the README's table and
      // notebook 06 give the measured gaps.
      // (With s1 5 ms behind and cut at the crash, a handful are lost, and PostgreSQL may lose none.)
      it("loses no write with a synchronous standby, as PostgreSQL, and where the simulator loses many without one, PostgreSQL loses some", () => {
        const lost = compareLostWrites(results);
        for (const r of lost.filter((r) => r.standbyNames !== "")) expect([r.measuredLost, r.simulatedLost], r.label).toEqual([0, 0]);
        const many = lost.filter((r) => r.standbyNames === "" && r.simulatedLost > 20);
        expect(many.length).toBeGreaterThan(0);
        for (const r of many) expect(r.measuredLost, r.label).toBeGreaterThan(0);
      });
    });

    it("removes its temporary clusters when it is done", () => {
      const folders = clusterFolders(output.join("\n"));
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
      const run = await runCli(["--quick"], {
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
