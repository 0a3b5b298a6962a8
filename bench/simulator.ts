/**
 * `npm run bench`: events per second of the library against a minimal hand-written event loop
 * doing the same work in the same process, and the time of the sweep behind the workbook's main
 * chart. The last line is JSON for tools: {"libEventsPerSec", "floorEventsPerSec", "ratio", ...}.
 *
 * `npm run bench -- --compare REF` instead times the library of a git ref (a branch, tag or commit)
 * against the working tree's, in the same process: both are compiled the same way into a temporary
 * folder, and their rounds alternate so that whatever else the machine does falls on both alike.
 * It also checks that both give the same runs. Its last line is JSON too.
 *
 * Rounds repeat and the best round counts: on a shared 2-core machine the best round is the least
 * disturbed measurement of the code itself. CPU time is reported beside wall time: when other work
 * shares the cores, CPU time still measures the code.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { floorRun } from "./floor";

type Lib = typeof import("../lib/index");

const USAGE = `npm run bench [-- options]

  --compare REF   time the library at git ref REF (e.g. main) against the working tree's, rounds
                  alternating, and check that both give the same runs
  --form FORM     with --compare: how both are loaded: "modules" (the TypeScript sources, one
                  module per file, as tests and scripts load them; the default), "bundle" (compiled
                  into one file, as the notebooks load it) or "both"
  --rounds N      rounds per measurement (default 5; BENCH_ROUNDS)
  --writes N      writes in the event-loop workload (default 200000; BENCH_WRITES)
  --help          this text`;

const { values: opts } = parseArgs({
  options: {
    compare: { type: "string" },
    form: { type: "string", default: "modules" },
    rounds: { type: "string", default: process.env.BENCH_ROUNDS ?? "5" },
    writes: { type: "string", default: process.env.BENCH_WRITES ?? "200000" },
    help: { type: "boolean", default: false },
  },
});
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const ROUNDS = positive("--rounds", opts.rounds);
const WRITES = positive("--writes", opts.writes);

function positive(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`bench: ${flag} must be a whole number >= 1, got ${JSON.stringify(text)}\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

function cpuMs(c: NodeJS.CpuUsage): number {
  return (c.user + c.system) / 1000;
}

interface Timing {
  events: number;
  ms: number;
  cpu: number;
}

/** The event loop itself on the fixed workload; write-only runs otherwise take the faster recurrence. */
function libRound(lib: Lib, seed: number): Timing & { fingerprint: string } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const run = lib.simulate({
    seed,
    followers: 3,
    ack: lib.quorum(2),
    network: { oneWayMs: lib.exponential({ meanMs: 1 }) },
    workload: { writesPerSec: 1000, writes: WRITES },
    recordHistory: false,
    engine: "events",
  });
  const timing = { events: run.eventCount, ms: performance.now() - t0, cpu: cpuMs(process.cpuUsage(c0)) };
  let ackSum = 0;
  for (let i = 0; i < run.writes.count; i++) ackSum += run.writes.ackMs[i];
  return { ...timing, fingerprint: `${run.eventCount}/${run.endMs}/${ackSum}` };
}

function floorRound(seed: number): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = floorRun(WRITES, 1000, 1, seed + 1);
  return { events: r.events, ms: performance.now() - t0, cpu: cpuMs(process.cpuUsage(c0)) };
}

/** The sweep behind the latency-versus-loss chart: 4 ack policies x 5 seeds x 100,000 writes, with `summarize`. */
function sweepRound(lib: Lib): { ms: number; cpu: number; fingerprint: string } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = lib.sweep({
    base: { followers: 3, network: { oneWayMs: lib.exponential({ meanMs: 1 }) }, workload: { writesPerSec: 1000, writes: 100_000 }, recordHistory: false },
    vary: { ack: [lib.asyncAck(), lib.semiSync(), lib.quorum(2), lib.syncAll()] },
    seeds: 5,
    measure: (run) => lib.summarize(run),
    progress: "off",
  });
  return { ms: performance.now() - t0, cpu: cpuMs(process.cpuUsage(c0)), fingerprint: JSON.stringify(rows) };
}

const M = (perSec: number) => `${(perSec / 1e6).toFixed(2)} M`;
const load = () => +loadavg()[0].toFixed(2);

if (opts.compare !== undefined) await compare(opts.compare);
else await benchmark();

// ------------------------------------------------------------------ the library against the floor

async function benchmark(): Promise<void> {
  const lib = (await import("../lib/index")) as Lib;
  const loadBefore = load();
  let libBest = 0;
  let floorBest = 0;
  let libCpuBest = 0;
  let floorCpuBest = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const l = libRound(lib, round);
    const f = floorRound(round);
    libBest = Math.max(libBest, l.events / (l.ms / 1000));
    floorBest = Math.max(floorBest, f.events / (f.ms / 1000));
    libCpuBest = Math.max(libCpuBest, l.events / (l.cpu / 1000));
    floorCpuBest = Math.max(floorCpuBest, f.events / (f.cpu / 1000));
    console.log(`round ${round + 1}/${ROUNDS}: library ${M(l.events / (l.ms / 1000))} events/s (${l.events} events), floor ${M(f.events / (f.ms / 1000))} events/s`);
  }
  const sweep = sweepRound(lib);
  const loadAfter = load();
  console.log(`sweep: 20 runs of 100,000 writes (4 ack policies x 5 seeds) in ${(sweep.ms / 1000).toFixed(2)} s (${(sweep.cpu / 1000).toFixed(2)} s of CPU)`);
  console.log(`library: ${M(libBest)} events/s; floor: ${M(floorBest)} events/s; ratio ${(libBest / floorBest).toFixed(2)}`);
  console.log(`by CPU time: library ${M(libCpuBest)} events/s; floor ${M(floorCpuBest)} events/s; ratio ${(libCpuBest / floorCpuBest).toFixed(2)}`);
  noteLoad(loadBefore);
  console.log(
    JSON.stringify({
      libEventsPerSec: Math.round(libBest),
      floorEventsPerSec: Math.round(floorBest),
      ratio: +(libBest / floorBest).toFixed(3),
      sweepSeconds: +(sweep.ms / 1000).toFixed(3),
      libEventsPerCpuSec: Math.round(libCpuBest),
      floorEventsPerCpuSec: Math.round(floorCpuBest),
      sweepCpuSeconds: +(sweep.cpu / 1000).toFixed(3),
      loadAverage: loadBefore,
      loadAverageAfter: loadAfter,
    }),
  );
}

function noteLoad(before: number): void {
  if (before > 1.5) {
    console.log(`note: load average ${before} on ${cpus().length} cores when it started: other work shared the CPU; the CPU-time figures are the fairer ones`);
  }
}

// ------------------------------------------------------------------ a git ref against the working tree

type Form = "modules" | "bundle";

interface Side {
  name: string;
  form: Form;
  lib: Lib;
  loop: Timing[];
  sweep: { ms: number; cpu: number }[];
  /** What each round's runs gave, in round order. */
  fingerprints: string[];
}

async function compare(ref: string): Promise<void> {
  const forms: Form[] = opts.form === "both" ? ["modules", "bundle"] : opts.form === "bundle" || opts.form === "modules" ? [opts.form] : [];
  if (forms.length === 0) {
    console.error(`bench: --form must be "modules", "bundle" or "both", got ${JSON.stringify(opts.form)}`);
    process.exit(2);
  }
  const root = resolve(import.meta.dirname, "..");
  let sha: string;
  try {
    sha = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch {
    console.error(`bench: --compare ${ref}: not a git ref in ${root} (a branch, tag or commit, e.g. main)`);
    process.exit(2);
  }
  // Inside the project, so that both copies find its packages.
  const cache = join(root, ".cache", "bench");
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, "compare-"));
  try {
    const refSrc = join(scratch, "ref-src");
    mkdirSync(refSrc);
    const archive = execFileSync("git", ["archive", "--format=tar", sha, "lib"], { cwd: root, maxBuffer: 1 << 30 });
    execFileSync("tar", ["-x", "-C", refSrc], { input: archive });
    const sides: Side[] = [];
    for (const form of forms) {
      for (const [name, src] of [
        [`${ref} (${sha.slice(0, 10)})`, refSrc],
        ["working tree", root],
      ] as const) {
        let entry = join(src, "lib", "index.ts");
        if (form === "bundle") {
          entry = join(scratch, `${name === "working tree" ? "new" : "old"}-bundle.mjs`);
          await bundle(join(src, "lib", "index.ts"), entry);
        }
        const lib = (await import(pathToFileURL(entry).href)) as Lib;
        sides.push({ name, form, lib, loop: [], sweep: [], fingerprints: [] });
      }
    }
    const loadBefore = load();
    console.log(`comparing ${ref} (${sha.slice(0, 10)}) with the working tree: ${ROUNDS} rounds, ${forms.join(" and ")}, load average ${loadBefore}`);
    for (let round = 0; round < ROUNDS; round++) {
      for (let f = 0; f < forms.length; f++) {
        const pair = sides.slice(2 * f, 2 * f + 2);
        // Alternate which side goes first, so neither always runs on a warmer or a cooler machine.
        for (const side of round % 2 === 0 ? pair : [...pair].reverse()) {
          const l = libRound(side.lib, round);
          const s = sweepRound(side.lib);
          side.loop.push(l);
          side.sweep.push(s);
          side.fingerprints.push(`${l.fingerprint}|${s.fingerprint}`);
          console.log(`round ${round + 1}/${ROUNDS} ${side.form} ${side.name}: ${M(l.events / (l.ms / 1000))} events/s, sweep ${(s.ms / 1000).toFixed(2)} s`);
        }
      }
    }
    const loadAfter = load();
    const summary: Record<string, unknown> = { ref, sha, rounds: ROUNDS, loadAverage: loadBefore, loadAverageAfter: loadAfter };
    let same = true;
    for (let f = 0; f < forms.length; f++) {
      const [old, cur] = sides.slice(2 * f, 2 * f + 2);
      const o = stats(old);
      const n = stats(cur);
      const sameRuns = JSON.stringify(old.fingerprints) === JSON.stringify(cur.fingerprints);
      same &&= sameRuns;
      console.log(`\n${forms[f]}:                        ${old.name.padEnd(24)} working tree   new/old`);
      console.log(`  event loop, best (wall)     ${M(o.best).padEnd(24)} ${M(n.best).padEnd(14)} ${(n.best / o.best).toFixed(3)}`);
      console.log(`  event loop, best (CPU)      ${M(o.cpuBest).padEnd(24)} ${M(n.cpuBest).padEnd(14)} ${(n.cpuBest / o.cpuBest).toFixed(3)}`);
      console.log(`  event loop, median (wall)   ${M(o.median).padEnd(24)} ${M(n.median).padEnd(14)} ${(n.median / o.median).toFixed(3)}`);
      console.log(`  sweep, best s (wall)        ${(o.sweepBest / 1000).toFixed(2).padEnd(24)} ${(n.sweepBest / 1000).toFixed(2).padEnd(14)} ${(n.sweepBest / o.sweepBest).toFixed(3)}`);
      console.log(`  sweep, best s (CPU)         ${(o.sweepCpuBest / 1000).toFixed(2).padEnd(24)} ${(n.sweepCpuBest / 1000).toFixed(2).padEnd(14)} ${(n.sweepCpuBest / o.sweepCpuBest).toFixed(3)}`);
      console.log(`  same runs                   ${sameRuns ? "yes: every round's events, acknowledgement times and sweep rows are equal" : "NO: the two versions give different runs"}`);
      summary[forms[f]] = {
        oldEventsPerSec: Math.round(o.best),
        newEventsPerSec: Math.round(n.best),
        eventsRatio: +(n.best / o.best).toFixed(3),
        eventsPerCpuSecRatio: +(n.cpuBest / o.cpuBest).toFixed(3),
        eventsMedianRatio: +(n.median / o.median).toFixed(3),
        oldSweepSeconds: +(o.sweepBest / 1000).toFixed(3),
        newSweepSeconds: +(n.sweepBest / 1000).toFixed(3),
        sweepRatio: +(n.sweepBest / o.sweepBest).toFixed(3),
        sweepCpuRatio: +(n.sweepCpuBest / o.sweepCpuBest).toFixed(3),
        sameRuns,
      };
    }
    console.log("\nRatios above 1 mean the working tree is faster (events/s) or slower (sweep seconds).");
    noteLoad(loadBefore);
    console.log(JSON.stringify(summary));
    if (!same) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function stats(side: Side): { best: number; cpuBest: number; median: number; sweepBest: number; sweepCpuBest: number } {
  const rates = side.loop.map((l) => l.events / (l.ms / 1000)).sort((a, b) => a - b);
  return {
    best: rates[rates.length - 1],
    cpuBest: Math.max(...side.loop.map((l) => l.events / (l.cpu / 1000))),
    median: rates[Math.floor(rates.length / 2)],
    sweepBest: Math.min(...side.sweep.map((s) => s.ms)),
    sweepCpuBest: Math.min(...side.sweep.map((s) => s.cpu)),
  };
}

/** Compiles the library whose entry is `index` into the one ES module file `out`, as the notebooks' bundle is made. */
async function bundle(index: string, out: string): Promise<void> {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [index],
    outfile: out,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "silent",
  });
}
