/**
 * One measurement of `npm run bench -- --compare`, in a process of its own so that the version
 * under test shares its heap, its garbage collector and its JIT with nothing else:
 *
 *   node [--import tsx] compare-child.mjs LIBRARY loop|sweep RUNS WRITES
 *
 * loads the library from the file LIBRARY (lib/index.ts of some version, or a bundle of it), runs
 * the one workload RUNS times (the first as a notebook meets it, JIT warm-up included; the rest
 * settled; 0 only loads the library, which `--instructions` subtracts) and prints one JSON line: {"runs":[{"ms","cpu","events","fingerprint"}, ...]}.
 * The parent (bench/compare.ts) compiles this file into a bundle of its own, so that the same
 * harness code times every version in every form.
 */
import { pathToFileURL } from "node:url";
import { libRound, sweepRound, type Lib } from "./rounds";

const [entry, measure, runsText, writesText] = process.argv.slice(2);
const runs = Number(runsText);
const writes = Number(writesText);
if (!entry || (measure !== "loop" && measure !== "sweep") || !(runs >= 0) || !(writes >= 1)) {
  console.error("usage: compare-child LIBRARY loop|sweep RUNS WRITES");
  process.exit(2);
}
const lib = (await import(pathToFileURL(entry).href)) as Lib;
const out: { ms: number; cpu: number; events?: number; fingerprint: string }[] = [];
for (let i = 0; i < runs; i++) {
  // The same seed in every run and every process: each run is the same work, so runs compare directly.
  out.push(measure === "loop" ? libRound(lib, 1, writes) : sweepRound(lib));
}
console.log(JSON.stringify({ runs: out }));
