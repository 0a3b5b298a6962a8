/**
 * `npm run bench -- --compare REF --profile`: where the event loop spends its time, function by
 * function, in the library at a git ref and in the working tree.
 *
 * `--instructions` says whether a version executes more; this says where. Each version's bundle
 * runs the event-loop workload RUNS times in one process under `perf record` (cpu-clock samples,
 * which need no hardware counters), with the same V8 flags as the instruction count, so the two
 * measures see the same compiled code. V8 moves the code it generates; a plain symbol map
 * (`--perf-basic-prof`) then names samples after whatever function first lived at an address (a
 * constructor run once per run showed up with 4% of the time). So node writes a jit dump
 * (`--perf-prof`) and `perf inject --jit` gives every sample the function that was there at that
 * moment. Samples of one function in its several compiled versions are added up.
 *
 * Linux only; needs `perf` (Debian: `apt-get install linux-perf`) and permission to sample one's
 * own processes (`/proc/sys/kernel/perf_event_paranoid` at most 2, or root).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { collect, fail, prepareVersions } from "./compare";
import { NODE_FLAGS } from "./instructions";
import { median } from "./ratio";

export interface ProfileOptions {
  ref: string;
  /** runs of the workload in each profiled process */
  runs: number;
  /** processes per version, the versions alternating; their samples add up */
  rounds: number;
  writes: number;
  /** functions listed */
  top?: number;
}

/** Samples per function: "JS drain", "JS onRecv", "v8::base::ieee754::log", "kernel" ... */
export type Profile = Map<string, number>;

/**
 * The function a line of `perf report --sort symbol --stdio -n` names, and its samples; undefined
 * for headers and blank lines. JavaScript functions lose their tier marker and their file position
 * (which differ between versions and compilations), so each function's versions add up; kernel
 * symbols are counted together.
 */
export function parseReportLine(line: string): { name: string; samples: number } | undefined {
  const m = /^\s*[\d.]+%\s+(\d+)\s+\[([.k])\]\s+(.*?)\s*$/.exec(line);
  if (!m) return undefined;
  const samples = Number(m[1]);
  if (m[2] === "k") return { name: "kernel", samples };
  let name = m[3].replace(/\s+-\s+-\s*$/, "").trim();
  const js = /^JS:[*^~+]?(\S*)\s/.exec(`${name} `);
  if (js) name = `JS ${js[1] === "" ? "(anonymous)" : js[1]}`;
  return { name, samples };
}

export function parseReport(text: string): Profile {
  const profile: Profile = new Map();
  for (const line of text.split("\n")) {
    const row = parseReportLine(line);
    if (row) profile.set(row.name, (profile.get(row.name) ?? 0) + row.samples);
  }
  return profile;
}

export function total(p: Profile, keep: (name: string) => boolean = () => true): number {
  let n = 0;
  for (const [name, samples] of p) if (keep(name)) n += samples;
  return n;
}

/** Rows of the comparison: the `top` functions by their larger share in either version. */
export function compareProfiles(old: Profile, now: Profile, top: number): { name: string; old: number; new: number }[] {
  const names = new Set([...old.keys(), ...now.keys()]);
  return [...names]
    .map((name) => ({ name, old: old.get(name) ?? 0, new: now.get(name) ?? 0 }))
    .sort((a, b) => Math.max(b.old, b.new) - Math.max(a.old, a.new) || (a.name < b.name ? -1 : 1))
    .slice(0, top);
}

function perfVersion(): string | undefined {
  const r = spawnSync("perf", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const tail = (text: string) => text.trim().split("\n").slice(-8).join("\n");

export async function profileCompare(o: ProfileOptions): Promise<void> {
  const version = perfVersion();
  if (!version) {
    fail("--profile samples with Linux perf, which was not found. Install it (Debian: `apt-get install linux-perf`), or use --instructions.");
  }
  const v = await prepareVersions(o.ref, "bundle");
  const work = mkdtempSync(join(v.root, ".cache", "bench", "profile-"));
  try {
    const profiles: Record<"old" | "new", Profile> = { old: new Map(), new: new Map() };
    const prints: Record<"old" | "new", string> = { old: "", new: "" };
    const roundRatios: { all: number; js: number }[] = [];
    const isJs = (name: string) => name.startsWith("JS ");
    console.log(
      `sampling the event loop: ${o.rounds} round(s), each one process per version running ${o.runs} runs of ${o.writes} writes ` +
        `(${version}, cpu-clock at 4000 Hz)`,
    );
    // One process of a version under perf, `runs` runs of the event loop, its samples written to `data`.
    const record = (side: "old" | "new", data: string, runs: number) => {
      const { args, entry } = v.launch.get(`bundle/${side}`)!;
      const node = [process.execPath, ...NODE_FLAGS, "--perf-prof", ...args, entry, "loop", String(runs), String(o.writes)];
      return collect("perf", ["record", "-k", "1", "-F", "4000", "-e", "cpu-clock", "-o", data, "--", ...node], work);
    };
    // The first process sampled ran up to a fifth slower than the rest (files and perf's own
    // caches still cold): one short uncounted process of each version goes first.
    for (const side of ["old", "new"] as const) {
      await record(side, join(work, "warm.data"), 1);
      for (const f of readdirSync(work)) rmSync(join(work, f), { recursive: true, force: true });
    }
    for (let round = 0; round < o.rounds; round++) {
      const got: Partial<Record<"old" | "new", Profile>> = {};
      // One version after the other, alternating: two processes side by side on a small machine
      // would share its caches and cores.
      for (const side of round % 2 === 0 ? (["old", "new"] as const) : (["new", "old"] as const)) {
        const data = join(work, `${side}.data`);
        const recorded = await record(side, data, o.runs);
        const who = side === "old" ? v.oldName : "the working tree";
        if (recorded.status !== 0) {
          throw new Error(
            `perf record of ${who} failed (exit code ${recorded.status}). If it says it may not sample, lower /proc/sys/kernel/perf_event_paranoid to 2 or run as root.\n${tail(recorded.stderr)}`,
          );
        }
        const line = recorded.stdout.trim().split("\n").pop() ?? "";
        prints[side] = JSON.stringify((JSON.parse(line) as { runs: { fingerprint: string }[] }).runs.map((r) => r.fingerprint));
        const injected = await collect("perf", ["inject", "--jit", "-i", data, "-o", `${data}.jit`], work);
        if (injected.status !== 0) throw new Error(`perf inject --jit for ${who} failed (exit code ${injected.status})\n${tail(injected.stderr)}`);
        const report = await collect("perf", ["report", "-i", `${data}.jit`, "--sort", "symbol", "--stdio", "-n"], work);
        if (report.status !== 0) throw new Error(`perf report for ${who} failed (exit code ${report.status})\n${tail(report.stderr)}`);
        const p = parseReport(report.stdout);
        got[side] = p;
        for (const [name, n] of p) profiles[side].set(name, (profiles[side].get(name) ?? 0) + n);
        // Each process leaves a jit dump and the code files inject wrote: cleared before the next.
        for (const f of readdirSync(work)) rmSync(join(work, f), { recursive: true, force: true });
      }
      const ratio = { all: total(got.new!) / total(got.old!), js: total(got.new!, isJs) / total(got.old!, isJs) };
      roundRatios.push(ratio);
      console.log(`round ${round + 1}/${o.rounds}: all samples new/old ${ratio.all.toFixed(3)}, JavaScript functions ${ratio.js.toFixed(3)}`);
    }
    const rows = compareProfiles(profiles.old, profiles.new, o.top ?? 25);
    const width = Math.min(72, Math.max(...rows.map((r) => r.name.length), 20));
    console.log(`\n${"function (samples of all rounds; 1 sample = 0.25 ms)".padEnd(width)}  ${"old".padStart(7)}  ${"new".padStart(7)}`);
    for (const r of rows) console.log(`${r.name.slice(0, width).padEnd(width)}  ${String(r.old).padStart(7)}  ${String(r.new).padStart(7)}`);
    const line = (label: string, a: number, b: number) =>
      console.log(`${label.padEnd(width)}  ${String(a).padStart(7)}  ${String(b).padStart(7)}   new/old ${(b / a).toFixed(3)}`);
    console.log("");
    line("JavaScript functions", total(profiles.old, isJs), total(profiles.new, isJs));
    line("all samples", total(profiles.old), total(profiles.new));
    const mid = (xs: number[]) => median(xs).toFixed(3);
    console.log(
      `\nnew/old, median of the rounds: all samples ${mid(roundRatios.map((r) => r.all))}, JavaScript functions ${mid(roundRatios.map((r) => r.js))}. ` +
        `Samples are CPU time, which moves with the machine's state as a timing does; --instructions gives a count that does not.`,
    );
    const sameRuns = prints.old === prints.new;
    console.log(`\nold: ${v.oldName}; new: the working tree. Function names differ where the code was reorganised (the old loop's \`run\` is the new \`drain\`).`);
    console.log(`same runs: ${sameRuns ? "yes" : "NO: the two versions give different runs"}`);
    console.log(
      JSON.stringify({
        ref: o.ref,
        sha: v.sha,
        measure: "cpu-clock samples",
        runs: o.runs,
        rounds: o.rounds,
        writes: o.writes,
        medianRatio: +median(roundRatios.map((r) => r.all)).toFixed(4),
        medianJsRatio: +median(roundRatios.map((r) => r.js)).toFixed(4),
        roundRatios: roundRatios.map((r) => ({ all: +r.all.toFixed(4), js: +r.js.toFixed(4) })),
        oldSamples: total(profiles.old),
        newSamples: total(profiles.new),
        oldJsSamples: total(profiles.old, isJs),
        newJsSamples: total(profiles.new, isJs),
        sameRuns,
      }),
    );
    if (!sameRuns) process.exitCode = 1;
  } catch (error) {
    // fail() exits at once: the scratch folders go first.
    rmSync(work, { recursive: true, force: true });
    v.cleanUp();
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    rmSync(work, { recursive: true, force: true });
    v.cleanUp();
  }
}
