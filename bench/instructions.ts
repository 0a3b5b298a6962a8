/**
 * `npm run bench -- --compare REF --instructions`: the library at a git ref against the working
 * tree's, counted in machine instructions instead of timed.
 *
 * CPU time on a shared machine moves between runs of the same code by more than the differences
 * worth finding (see README, Speed). The number of instructions a process executes hardly depends
 * on the load: valgrind's cachegrind counts them, and with V8 on a single thread
 * (`--single-threaded`: no compiler or collector threads racing the main one), in its predictable
 * mode with a fixed collection schedule (no heap sizing by allocation per millisecond) and with
 * fixed hash and random seeds, the same process counts the same to within a few parts in a
 * hundred thousand (the test allows a tenth of a percent). It is still a proxy: an instruction
 * that misses the cache costs more than one that hits, and under valgrind V8 compiles on the main
 * thread, so it tiers up at slightly different moments than in a normal process. The time-based
 * comparison measures what the instructions leave out; this one gives a verdict that does not
 * move between runs.
 *
 * Each figure is a difference of two fresh processes that load the same version: the process
 * that runs the workload once, less the one that only loads the library (the first run, warm-up
 * included), and the process that runs it twice, less the one that runs it once (the second run).
 * Valgrind runs a program some ten times slower, so one round of both forms takes several minutes.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { collect, fail, prepareVersions, type Form, type Workload } from "./compare";
import { median } from "./ratio";

export interface InstructionOptions {
  ref: string;
  form: string;
  /** repetitions of every count (they agree closely; two show that they do) */
  rounds: number;
  writes: number;
}

/** Above this ratio of new to old instructions the working tree counts as slower. */
export const INSTRUCTION_LIMIT = 1.03;
export const INSTRUCTION_RULE =
  `verdict on instructions: "no slowdown" if new/old is at most ${INSTRUCTION_LIMIT} in every round, "slower" if above it in every round, otherwise "inconclusive"`;

const VALGRIND = [
  "--tool=cachegrind",
  "--cache-sim=no",
  "--branch-sim=no",
  "--cachegrind-out-file=/dev/null",
  // V8 writes the machine code it runs: valgrind must notice code that changes in place.
  "--smc-check=all-non-file",
];
/**
 * One thread for V8's own work, fixed seeds for its hash tables and Math.random, and V8's
 * predictable mode with a fixed garbage-collection schedule: without the last two, the collector
 * sizes the heap by how fast a program allocates per millisecond, so a busier machine changed a
 * count by up to 1% (the event loop's two runs: 5.022 G idle, 5.038-5.068 G busy; with them,
 * 5.0802 G both times).
 */
export const NODE_FLAGS = ["--single-threaded", "--predictable", "--predictable-gc-schedule", "--hash-seed=1", "--random-seed=1"];

const MEASURES = [
  { key: "loopFirst", workload: "loop", first: true, label: "event loop, first run" },
  { key: "loopSecond", workload: "loop", first: false, label: "event loop, second run" },
  { key: "sweepFirst", workload: "sweep", first: true, label: "sweep, first run" },
  { key: "sweepSecond", workload: "sweep", first: false, label: "sweep, second run" },
] as const;

interface Count {
  instructions: number;
  fingerprints: string[];
}

/** The instructions cachegrind counted, from what it printed on stderr; undefined if it printed no count. */
export function parseInstructions(stderr: string): number | undefined {
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  return refs ? Number(refs[1].replaceAll(",", "")) : undefined;
}

/** The verdict on one measure from each round's ratio of new to old instructions (INSTRUCTION_RULE). */
export function instructionVerdict(ratios: readonly number[]): "no slowdown" | "slower" | "inconclusive" {
  if (ratios.length === 0) return "inconclusive";
  if (ratios.every((r) => r <= INSTRUCTION_LIMIT)) return "no slowdown";
  return ratios.every((r) => r > INSTRUCTION_LIMIT) ? "slower" : "inconclusive";
}

/** The command that counts the instructions of `node NODE_ARGS...`: valgrind's, then node's arguments. */
export function countingCommand(nodeArgs: readonly string[]): string[] {
  return [...VALGRIND, process.execPath, ...NODE_FLAGS, ...nodeArgs];
}

export function valgrindVersion(): string | undefined {
  const r = spawnSync("valgrind", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export async function compareInstructions(o: InstructionOptions): Promise<void> {
  const version = valgrindVersion();
  if (!version) {
    fail("--instructions counts with valgrind, which was not found. Install it (`npm run setup -- --with valgrind`, or `apt-get install valgrind`), or compare CPU time without --instructions.");
  }
  const v = await prepareVersions(o.ref, o.form);
  // Counting processes still running when one fails are stopped, and the scratch folder removed.
  const children = new Set<ChildProcess>();
  try {
    const count = async (form: Form, side: "old" | "new", workload: Workload, runs: number): Promise<Count> => {
      const { args, entry } = v.launch.get(`${form}/${side}`)!;
      const { status, stdout, stderr } = await collect("valgrind", countingCommand([...args, entry, workload, String(runs), String(o.writes)]), v.root, children);
      const instructions = parseInstructions(stderr);
      const line = status === 0 ? stdout.trim().split("\n").pop() : undefined;
      if (instructions === undefined || !line) {
        const who = side === "old" ? v.oldName : "working tree's";
        throw new Error(`counting the ${who} library (${form}, ${workload}, ${runs} runs) failed with exit code ${status}\n${stderr.split("\n").slice(-15).join("\n")}`);
      }
      const parsed = JSON.parse(line) as { runs: { fingerprint: string }[] };
      return { instructions, fingerprints: parsed.runs.map((x) => x.fingerprint) };
    };
    // A count does not depend on what else the machine runs, so the processes run side by side,
    // one per core.
    const pool = pLimit(Math.max(1, availableParallelism()));
    const counted = (form: Form, side: "old" | "new", workload: Workload, runs: number) => pool(() => count(form, side, workload, runs));

    console.log(
      `counting instructions (${version}, cachegrind): ${v.oldName} against the working tree, ${o.rounds} round(s) of fresh processes, ` +
        `${availableParallelism()} at a time; ${v.forms.join(" and ")}`,
    );
    const started = performance.now();
    // figures[form/measure/side][round] = instructions
    const figures = new Map<string, number[]>();
    const put = (k: string, x: number) => figures.set(k, [...(figures.get(k) ?? []), x]);
    let sameRuns = true;
    // The loader of the modules form keeps what it compiled in a cache on disk: the first process
    // of each version fills it, and is not counted.
    await Promise.all(v.forms.flatMap((form) => (["old", "new"] as const).map((side) => counted(form, side, "loop", 0))));
    for (let round = 0; round < o.rounds; round++) {
      for (const form of v.forms) {
        const prints = new Map<string, string[]>();
        const sides = await Promise.all(
          (["old", "new"] as const).map(async (side) => {
            const [loaded, ...counts] = await Promise.all([
              counted(form, side, "loop", 0),
              ...(["loop", "sweep"] as const).flatMap((workload) => [counted(form, side, workload, 1), counted(form, side, workload, 2)]),
            ]);
            return { side, loaded: loaded.instructions, counts };
          }),
        );
        for (const { side, loaded, counts } of sides) {
          (["loop", "sweep"] as const).forEach((workload, k) => {
            const [one, two] = [counts[2 * k], counts[2 * k + 1]];
            put(`${form}/${workload}/true/${side}`, one.instructions - loaded);
            put(`${form}/${workload}/false/${side}`, two.instructions - one.instructions);
            prints.set(`${workload}/${side}`, two.fingerprints);
            console.log(
              `round ${round + 1}/${o.rounds} ${form} ${workload.padEnd(5)} ${(side === "old" ? v.oldName : "working tree").padEnd(24)} ` +
                `first ${((one.instructions - loaded) / 1e9).toFixed(3)} G, second ${((two.instructions - one.instructions) / 1e9).toFixed(3)} G`,
            );
          });
        }
        for (const w of ["loop", "sweep"]) sameRuns &&= JSON.stringify(prints.get(`${w}/old`)) === JSON.stringify(prints.get(`${w}/new`));
      }
    }
    const minutes = (performance.now() - started) / 60_000;

    const summary: Record<string, unknown> = {
      ref: o.ref,
      sha: v.sha,
      measure: "instructions",
      valgrind: version,
      rounds: o.rounds,
      writes: o.writes,
      method: "instructions counted by cachegrind in fresh processes (node --single-threaded --predictable --predictable-gc-schedule, fixed seeds); first run = (load + 1 run) - (load); second run = (load + 2 runs) - (load + 1 run)",
      rule: INSTRUCTION_RULE,
    };
    const verdicts: string[] = [];
    for (const form of v.forms) {
      console.log(`\n${form} (billions of instructions, median of ${o.rounds} round(s))`);
      console.log(`  ${"".padEnd(24)}${v.oldName.padStart(24)}${"working tree".padStart(14)}   new/old   rounds' ratios   verdict`);
      const formSummary: Record<string, unknown> = {};
      for (const m of MEASURES) {
        const olds = figures.get(`${form}/${m.workload}/${m.first}/old`)!;
        const news = figures.get(`${form}/${m.workload}/${m.first}/new`)!;
        const ratios = olds.map((x, i) => news[i] / x);
        const verdict = instructionVerdict(ratios);
        verdicts.push(verdict);
        const ratio = median(news) / median(olds);
        console.log(
          `  ${m.label.padEnd(24)}${(median(olds) / 1e9).toFixed(3).padStart(24)}${(median(news) / 1e9).toFixed(3).padStart(14)}` +
            `   ${ratio.toFixed(3)}     ${ratios.map((r) => r.toFixed(3)).join(" ").padEnd(16)} ${verdict}`,
        );
        formSummary[m.key] = { oldInstructions: median(olds), newInstructions: median(news), ratio: +ratio.toFixed(4), roundRatios: ratios.map((r) => +r.toFixed(4)), verdict };
      }
      summary[form] = formSummary;
    }
    const overall = verdicts.includes("slower") ? "slower" : verdicts.includes("inconclusive") ? "inconclusive" : "no slowdown";
    summary.verdict = overall;
    summary.sameRuns = sameRuns;
    console.log(`\n  same runs: ${sameRuns ? "yes: both versions gave the same events, acknowledgement times and sweep rows" : "NO: the two versions give different runs"}`);
    console.log(`\nRatios above 1 mean the working tree executes more instructions. ${INSTRUCTION_RULE}.`);
    console.log(`verdict: ${overall}${sameRuns ? "" : "; and the two versions give DIFFERENT runs"} (${minutes.toFixed(1)} min)`);
    console.log(JSON.stringify(summary));
    if (!sameRuns) process.exitCode = 1;
  } catch (error) {
    for (const child of children) child.kill("SIGKILL");
    v.cleanUp();
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    v.cleanUp();
  }
}

/** Runs the tasks given to it at most `n` at a time, in the order given (a dozen lines, not worth a package). */
function pLimit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A task that waited takes over the slot of the one that finished.
    if (running >= n) await new Promise<void>((go) => waiting.push(go));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
