/**
 * `npm run bench -- --compare REF`: the library at a git ref against the working tree's.
 *
 * Every measurement runs in a fresh child process (bench/compare-child.ts) that loads one version
 * and runs one workload a few times: two versions loaded into one process would share its heap,
 * its garbage collector and its JIT, and each would be timed partly on the other's garbage and
 * type feedback. The two versions' processes alternate in ABBA order (old-new, then new-old), so
 * that neither always runs on the warmer or the busier machine, and each pair is one round. The
 * main figure is each child's CPU time (process.cpuUsage), which other work on a shared machine
 * disturbs far less than wall time; medians over the rounds, and the ratio's 95% interval from a
 * paired bootstrap (bench/ratio.ts), decide the verdict.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { median, pairedRatio, verdict, VERDICT_RULE, type RatioEstimate, type Verdict } from "./ratio";

export type Form = "modules" | "bundle";
export type Workload = "loop" | "sweep";

export interface CompareOptions {
  ref: string;
  form: string;
  /** processes per version, form and workload */
  rounds: number;
  /** runs of the workload in each process: the first fresh, the rest settled */
  runs: number;
  /** writes in the event-loop workload */
  writes: number;
}

interface ChildRun {
  ms: number;
  cpu: number;
  events?: number;
  fingerprint: string;
}

/** One figure of one process: the first run's, or the median of the settled runs'. */
interface Figure {
  cpu: number;
  ms: number;
}

const MEASURES = [
  { key: "loopFirst", workload: "loop", first: true, label: "event loop, first run" },
  { key: "loopSettled", workload: "loop", first: false, label: "event loop, settled" },
  { key: "sweepFirst", workload: "sweep", first: true, label: "sweep, first run" },
  { key: "sweepSettled", workload: "sweep", first: false, label: "sweep, settled" },
] as const;

const load = () => +loadavg()[0].toFixed(2);
export const fail = (message: string): never => {
  console.error(`bench: ${message}`);
  process.exit(2);
};

/** What a program printed and how it ended; `status` is -1 when it could not be started. */
export interface Collected {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end and collects what it prints. `running`, when given, holds the child
 * while it runs, so that a caller can stop the ones still running when another fails.
 */
export function collect(command: string, args: readonly string[], cwd: string, running?: Set<ChildProcess>): Promise<Collected> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd });
    running?.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => {
      running?.delete(child);
      done({ status: -1, stdout, stderr: stderr + error.message });
    });
    child.on("close", (status) => {
      running?.delete(child);
      done({ status, stdout, stderr });
    });
  });
}

/** The two versions of the library, ready to load in fresh processes. */
export interface Versions {
  sha: string;
  /** "REF (sha)" */
  oldName: string;
  root: string;
  forms: Form[];
  /** How a child of each form ("modules/old", "bundle/new", ...) starts: node's arguments before the library's file, and the file. */
  launch: Map<string, { args: string[]; entry: string }>;
  /** Removes the compiled copies. */
  cleanUp(): void;
}

/**
 * Extracts lib/ at `ref` into a scratch folder under .cache/bench, compiles the measuring child
 * once (so the same harness code times every version in every form), and for the bundle form
 * compiles each version into one file as the notebooks' bundle is made.
 */
export async function prepareVersions(ref: string, form: string): Promise<Versions> {
  const forms: Form[] = form === "both" ? ["modules", "bundle"] : form === "bundle" || form === "modules" ? [form] : [];
  if (forms.length === 0) fail(`--form must be "modules", "bundle" or "both", got ${JSON.stringify(form)}`);
  const root = resolve(import.meta.dirname, "..");
  let sha = "";
  try {
    sha = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch {
    fail(`--compare ${ref}: not a git ref in ${root} (a branch, tag or commit, e.g. main)`);
  }
  // Inside the project, so that both copies find its packages and its tsconfig.
  const cache = join(root, ".cache", "bench");
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, "compare-"));
  const cleanUp = () => rmSync(scratch, { recursive: true, force: true });
  try {
    const refSrc = join(scratch, "ref-src");
    mkdirSync(refSrc);
    const archive = execFileSync("git", ["archive", "--format=tar", sha, "lib"], { cwd: root, maxBuffer: 1 << 30 });
    execFileSync("tar", ["-x", "-C", refSrc], { input: archive });
    const child = join(scratch, "child.mjs");
    await bundle(join(import.meta.dirname, "compare-child.ts"), child);
    const tsxLoader = import.meta.resolve("tsx");
    const launch = new Map<string, { args: string[]; entry: string }>();
    for (const f of forms) {
      for (const [side, src] of [
        ["old", refSrc],
        ["new", root],
      ] as const) {
        let entry = join(src, "lib", "index.ts");
        if (f === "bundle") {
          entry = join(scratch, `${side}-bundle.mjs`);
          await bundle(join(src, "lib", "index.ts"), entry);
        }
        launch.set(`${f}/${side}`, { args: f === "modules" ? ["--import", tsxLoader, child] : [child], entry });
      }
    }
    return { sha, oldName: `${ref} (${sha.slice(0, 10)})`, root, forms, launch, cleanUp };
  } catch (error) {
    cleanUp();
    throw error;
  }
}

export async function compare(o: CompareOptions): Promise<void> {
  const { sha, oldName, root, forms, launch, cleanUp } = await prepareVersions(o.ref, o.form);
  try {
    const runChild = (form: Form, side: "old" | "new", workload: Workload): ChildRun[] => {
      const { args, entry } = launch.get(`${form}/${side}`)!;
      const r = spawnSync(process.execPath, [...args, entry, workload, String(o.runs), String(o.writes)], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 1 << 24,
      });
      const line = r.status === 0 ? r.stdout.trim().split("\n").pop() : undefined;
      if (!line) {
        fail(`measuring the ${side === "old" ? oldName : "working tree's"} library (${form}, ${workload}) failed${r.error ? `: ${r.error.message}` : ` with exit code ${r.status}`}\n${r.stderr}`);
      }
      return (JSON.parse(line!) as { runs: ChildRun[] }).runs;
    };

    const loadBefore = load();
    console.log(
      `comparing ${oldName} with the working tree: ${o.rounds} rounds of one fresh process per version, ` +
        `each running its workload ${o.runs} times; ${forms.join(" and ")}; load average ${loadBefore}`,
    );
    // results[form][workload][side][round] = that process's runs
    const results = new Map<string, ChildRun[][]>();
    const slot = (form: Form, workload: Workload, side: string) => {
      const k = `${form}/${workload}/${side}`;
      if (!results.has(k)) results.set(k, []);
      return results.get(k)!;
    };
    const started = performance.now();
    for (let round = 0; round < o.rounds; round++) {
      for (const form of forms) {
        for (const workload of ["loop", "sweep"] as const) {
          // ABBA: old first in even rounds, new first in odd ones.
          for (const side of round % 2 === 0 ? (["old", "new"] as const) : (["new", "old"] as const)) {
            const runs = runChild(form, side, workload);
            slot(form, workload, side).push(runs);
            const settled = runs.length > 1 ? ` settled ${(median(runs.slice(1).map((r) => r.cpu)) / 1000).toFixed(3)} s` : "";
            console.log(
              `round ${round + 1}/${o.rounds} ${form} ${workload.padEnd(5)} ${(side === "old" ? oldName : "working tree").padEnd(24)} ` +
                `CPU: first ${(runs[0].cpu / 1000).toFixed(3)} s${settled}`,
            );
          }
        }
      }
    }
    const loadAfter = load();
    const minutes = (performance.now() - started) / 60_000;

    const summary: Record<string, unknown> = {
      ref: o.ref,
      sha,
      rounds: o.rounds,
      runsPerProcess: o.runs,
      writes: o.writes,
      method: "one fresh process per measurement, ABBA order; medians of CPU time; 95% interval of new/old by paired bootstrap (10,000 resamples, fixed seed)",
      rule: VERDICT_RULE,
      loadAverage: loadBefore,
      loadAverageAfter: loadAfter,
    };
    let allSame = true;
    const verdicts: Verdict[] = [];
    for (const form of forms) {
      // Every round's pair must agree run for run: events, end time and acknowledgement times of
      // the event loop, every field of every sweep row.
      const sameRuns = (["loop", "sweep"] as const).every((w) => {
        const olds = slot(form, w, "old");
        const news = slot(form, w, "new");
        return olds.every((runs, i) => JSON.stringify(runs.map((r) => r.fingerprint)) === JSON.stringify(news[i].map((r) => r.fingerprint)));
      });
      allSame &&= sameRuns;
      const events = slot(form, "loop", "new")[0][0].events ?? 0;
      console.log(`\n${form} (CPU seconds, medians of ${o.rounds} processes each)`);
      console.log(`  ${"".padEnd(24)}${oldName.padStart(24)}${"working tree".padStart(14)}   new/old  95% interval    verdict        wall new/old`);
      const formSummary: Record<string, unknown> = { sameRuns };
      for (const m of MEASURES) {
        if (!m.first && o.runs < 2) continue;
        const pick = (side: "old" | "new"): Figure[] =>
          slot(form, m.workload, side).map((runs) => {
            const rs = m.first ? runs.slice(0, 1) : runs.slice(1);
            return { cpu: median(rs.map((r) => r.cpu)), ms: median(rs.map((r) => r.ms)) };
          });
        const olds = pick("old");
        const news = pick("new");
        const cpu = pairedRatio(olds.map((f) => f.cpu), news.map((f) => f.cpu));
        const wall = pairedRatio(olds.map((f) => f.ms), news.map((f) => f.ms));
        const v = verdict(cpu, o.rounds);
        verdicts.push(v);
        console.log(
          `  ${m.label.padEnd(24)}${(cpu.oldMedian / 1000).toFixed(3).padStart(24)}${(cpu.newMedian / 1000).toFixed(3).padStart(14)}` +
            `   ${cpu.ratio.toFixed(3)}    [${cpu.low.toFixed(3)}, ${cpu.high.toFixed(3)}]  ${v.padEnd(14)} ${wall.ratio.toFixed(3)}`,
        );
        formSummary[m.key] = { ...figures(cpu, "Cpu"), ...figures(wall, "Wall"), verdict: v };
        if (m.workload === "loop") {
          formSummary[m.key] = { ...(formSummary[m.key] as object), oldEventsPerCpuSec: Math.round(events / (cpu.oldMedian / 1000)), newEventsPerCpuSec: Math.round(events / (cpu.newMedian / 1000)) };
        }
      }
      console.log(`  event loop: ${events} events per run; sweep: 20 runs of 100,000 writes (4 ack policies x 5 seeds, with summarize)`);
      console.log(`  same runs: ${sameRuns ? "yes: in every round both versions gave the same events, acknowledgement times and sweep rows" : "NO: the two versions give different runs"}`);
      summary[form] = formSummary;
    }
    const overall: Verdict = verdicts.includes("slower") ? "slower" : verdicts.includes("inconclusive") ? "inconclusive" : "no slowdown";
    summary.verdict = overall;
    summary.sameRuns = allSame;
    console.log(`\nRatios above 1 mean the working tree takes longer. ${VERDICT_RULE}.`);
    console.log(`verdict: ${overall}${allSame ? "" : "; and the two versions give DIFFERENT runs"} (${minutes.toFixed(1)} min, load average ${loadBefore} before, ${loadAfter} after)`);
    if (Math.max(loadBefore, loadAfter) > 1.5) {
      console.log(
        `note: load average above 1.5 on ${cpus().length} cores: other work shared the CPU. CPU time and the alternation keep the ratio fair, but the intervals widen; re-run on a quieter machine for tighter figures`,
      );
    }
    console.log(JSON.stringify(summary));
    if (!allSame) process.exitCode = 1;
  } finally {
    cleanUp();
  }
}

/** The estimate as JSON fields, seconds to 4 places: oldCpuSeconds, newCpuSeconds, cpuRatio, cpuInterval. */
function figures(e: RatioEstimate, what: "Cpu" | "Wall"): Record<string, unknown> {
  const r3 = (x: number) => +x.toFixed(3);
  return {
    [`old${what}Seconds`]: +(e.oldMedian / 1000).toFixed(4),
    [`new${what}Seconds`]: +(e.newMedian / 1000).toFixed(4),
    [`${what.toLowerCase()}Ratio`]: r3(e.ratio),
    [`${what.toLowerCase()}Interval`]: [r3(e.low), r3(e.high)],
  };
}

/** Compiles `entry` and what it imports into the one ES module file `out`, as the notebooks' bundle is made. */
async function bundle(entry: string, out: string): Promise<void> {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "silent",
  });
}
