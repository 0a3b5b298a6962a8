/**
 * `npm run bench`: events per second of the library against a minimal hand-written event loop
 * doing the same work in the same process, and the time of the sweep behind the workbook's main
 * chart. The last line is JSON for tools: {"libEventsPerSec", "floorEventsPerSec", "ratio", ...}.
 *
 * `npm run bench -- --compare REF` instead times the library of a git ref (a branch, tag or commit)
 * against the working tree's, each measurement in a fresh process of its own (bench/compare.ts),
 * and checks that both give the same runs. Its last line is JSON too.
 *
 * Here rounds repeat and the best round counts: on a shared 2-core machine the best round is the
 * least disturbed measurement of the code itself. CPU time is reported beside wall time: when other
 * work shares the cores, CPU time still measures the code.
 */
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { compare } from "./compare";
import { compareInstructions } from "./instructions";
import { floorRun } from "./floor";
import { profileCompare } from "./profile";
import { cpuMs, libRound, sweepRound, type Lib, type Timing } from "./rounds";

const USAGE = `npm run bench [-- options]

  --compare REF   time the library at git ref REF (e.g. main) against the working tree's, each
                  measurement in a fresh process, the two versions alternating; report medians of
                  CPU time, the ratio new/old with a 95% interval and a verdict, and check that
                  both give the same runs (exit code 1 if not)
  --form FORM     with --compare: how both are loaded: "modules" (the TypeScript sources, one
                  module per file, as tests and scripts load them; the default), "bundle" (compiled
                  into one file, as the notebooks load it) or "both"
  --rounds N      rounds (default 5; with --compare, processes per version, form and workload,
                  default 8, with --instructions 2, with --profile 4; BENCH_ROUNDS)
  --runs N        with --compare: runs of the workload in each process, the first fresh and the
                  rest settled (default 3; with --profile 8)
  --instructions  with --compare: count machine instructions with valgrind instead of timing
                  (repeats to a few parts in ten thousand, whatever the load; rounds default to 2)
  --profile       with --compare: sample where the event loop spends its time, function by
                  function, in both versions' bundles (Linux perf; V8 flags as --instructions)
  --writes N      writes in the event-loop workload (default 200000; BENCH_WRITES)
  --help          this text`;

const { values: opts } = parseArgs({
  options: {
    compare: { type: "string" },
    form: { type: "string", default: "modules" },
    rounds: { type: "string", default: process.env.BENCH_ROUNDS },
    runs: { type: "string" },
    writes: { type: "string", default: process.env.BENCH_WRITES ?? "200000" },
    instructions: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const ROUNDS = positive("--rounds", opts.rounds ?? (opts.compare === undefined ? "5" : opts.instructions ? "2" : opts.profile ? "4" : "8"));
const WRITES = positive("--writes", opts.writes);

function positive(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`bench: ${flag} must be a whole number >= 1, got ${JSON.stringify(text)}\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

function floorRound(seed: number): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = floorRun(WRITES, 1000, 1, seed + 1);
  return { events: r.events, ms: performance.now() - t0, cpu: cpuMs(process.cpuUsage(c0)) };
}

const M = (perSec: number) => `${(perSec / 1e6).toFixed(2)} M`;
const load = () => +loadavg()[0].toFixed(2);

if (opts.instructions && opts.compare === undefined) {
  console.error(`bench: --instructions goes with --compare REF\n\n${USAGE}`);
  process.exit(2);
}
if (opts.profile && (opts.compare === undefined || opts.instructions)) {
  console.error(`bench: --profile goes with --compare REF, without --instructions\n\n${USAGE}`);
  process.exit(2);
}
if (opts.compare !== undefined && opts.profile) {
  await profileCompare({ ref: opts.compare, runs: positive("--runs", opts.runs ?? "8"), rounds: ROUNDS, writes: WRITES });
} else if (opts.compare !== undefined && opts.instructions) {
  await compareInstructions({ ref: opts.compare, form: opts.form!, rounds: ROUNDS, writes: WRITES });
} else if (opts.compare !== undefined) {
  await compare({ ref: opts.compare, form: opts.form!, rounds: ROUNDS, runs: positive("--runs", opts.runs ?? "3"), writes: WRITES });
} else await benchmark();

// ------------------------------------------------------------------ the library against the floor

async function benchmark(): Promise<void> {
  const lib = (await import("../lib/index")) as Lib;
  const loadBefore = load();
  let libBest = 0;
  let floorBest = 0;
  let libCpuBest = 0;
  let floorCpuBest = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const l = libRound(lib, round, WRITES);
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
