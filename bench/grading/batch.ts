/**
 * Benchmark of batch grading: `npm run bench:batch [-- --count 100 --workers N --lanes N --chunk N --helper-threads --keep]`
 *
 * Builds a class of submissions in a temporary folder, a mix of reference solutions, untouched
 * stubs and known-wrong variants (each variant in place of one exercise of an otherwise correct
 * submission; one in eight of them is a file that does not compile instead), in the layouts
 * students upload (loose files, exercises/, a nested repository folder, a zip), grades them with
 * `grade --batch`, checks every score has the expected sign, and
 * prints the wall time against the target of 4 minutes for 100 submissions, the CPU time, and the
 * load average; the last line is one JSON object of the figures. Two CPU figures: the grader's
 * processes as their parents waited for them (`cpuS`; sandboxes, stopped inside a PID namespace,
 * are not among them), and the whole machine's busy time during the run (`machineCpuS`: the batch
 * with its sandboxes when nothing else runs, more when something does).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { zipSync } from "fflate";
import { runBatch } from "../../grader/batch";
import { consoleProgress } from "../../grader/batch-progress";
import { childCpuSeconds, machineBusySeconds } from "../cpu";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const TARGET_MS = 4 * 60_000;

type Kind = "solution" | "stub" | "variant" | "broken";

interface Planned {
  id: string;
  kind: Kind;
  /** Exercise file name -> source path. */
  files: Map<string, string>;
  /** The exercise whose file is given a syntax error (kind "broken"). */
  broken?: string;
}

function exerciseFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).filter((f) => /^\d{2}-[a-z0-9-]+\.ts$/.test(f)).sort();
}

/**
 * 40% solutions, 20% stubs, 40% variants, cycling through every known-wrong variant; every
 * twentieth submission (one variant in eight) is instead a correct one with one file that does not
 * compile, as a real class has.
 */
export function planClass(count: number): Planned[] {
  const names = exerciseFiles("solutions");
  const variants = names.flatMap((name) => {
    const dir = join(ROOT, "grader/variants", name.replace(/\.ts$/, ""));
    try {
      return readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => ({ name, path: join(dir, f) }));
    } catch {
      return [];
    }
  });
  const planned: Planned[] = [];
  for (let i = 0; i < count; i++) {
    const slot = i % 5;
    const kind: Kind = slot < 2 ? "solution" : slot === 2 ? "stub" : i % 20 === 19 ? "broken" : variants.length > 0 ? "variant" : "solution";
    const files = new Map(names.map((n) => [n, join(ROOT, kind === "stub" ? "exercises" : "solutions", n)]));
    if (kind === "variant") {
      const v = variants[i % variants.length];
      files.set(v.name, v.path);
    }
    const broken = kind === "broken" ? names[Math.floor(i / 20) % names.length] : undefined;
    planned.push({ id: `student-${String(i + 1).padStart(3, "0")}-${kind}`, kind, files, ...(broken ? { broken } : {}) });
  }
  return planned;
}

/** Lays each submission out as students upload them, rotating through four layouts. */
export function writeClass(dir: string, planned: Planned[]): void {
  planned.forEach((p, i) => {
    const layout = i % 4;
    // A function left half-written: esbuild stops at the end of the file.
    const text = (name: string, path: string) => (name === p.broken ? Buffer.concat([readFileSync(path), Buffer.from("\nexport function unfinished( {\n")]) : readFileSync(path));
    if (layout === 3) {
      const entries = Object.fromEntries([...p.files].map(([name, path]) => [`replication-lab-main/exercises/${name}`, text(name, path)]));
      writeFileSync(join(dir, `${p.id}.zip`), zipSync(entries));
      return;
    }
    const folder = join(dir, p.id, layout === 0 ? "" : layout === 1 ? "exercises" : "my-repo/exercises");
    mkdirSync(folder, { recursive: true });
    for (const [name, path] of p.files) writeFileSync(join(folder, name), text(name, path));
  });
}

function option(argv: string[], name: string): number | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got ${JSON.stringify(argv[i + 1])}`);
  return n;
}

const USAGE = `npm run bench:batch [-- --count N] [--workers N] [--lanes N] [--chunk N] [--helper-threads]

  --count N     submissions in the class (default 100)
  --workers N   test workers in all (default: the number of cores)
  --lanes N     chunks graded at a time; --chunk N  submissions per chunk (the grader's defaults)
  --helper-threads  sandboxes with V8's helper threads, as a single grading's (a batch's have none)
  --keep        keep the class, its gradebook and its reports (the folder is printed)
The last line is one JSON object of the figures.`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const valued = new Set(["--count", "--workers", "--lanes", "--chunk"]);
  const unknown = argv.filter((a, i) => a.startsWith("-") && !valued.has(a) && a !== "--keep" && a !== "--helper-threads" && !valued.has(argv[i - 1]));
  if (unknown.length > 0) {
    console.error(`bench:batch: unknown option ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const count = option(argv, "--count") ?? 100;
  const workers = option(argv, "--workers") ?? availableParallelism();
  const lanes = option(argv, "--lanes");
  const chunkSize = option(argv, "--chunk");
  const helperThreads = argv.includes("--helper-threads");
  const dir = mkdtempSync(join(tmpdir(), "rl-bench-batch-"));
  try {
    const planned = planClass(count);
    mkdirSync(join(dir, "submissions"));
    writeClass(join(dir, "submissions"), planned);
    process.stderr.write(`Benchmark: ${count} submissions on ${availableParallelism()} cores (${planned.filter((p) => p.kind === "solution").length} solutions, ${planned.filter((p) => p.kind === "stub").length} stubs, ${planned.filter((p) => p.kind === "variant").length} variants, ${planned.filter((p) => p.kind === "broken").length} with a file that does not compile).\n`);
    const loadBefore = loadavg()[0];
    const cpuBefore = childCpuSeconds();
    const machineBefore = machineBusySeconds();
    const ownBefore = process.cpuUsage();
    const summary = await runBatch({
      submissionsDir: join(dir, "submissions"),
      outCsv: join(dir, "grades.csv"),
      workers,
      lanes,
      chunkSize,
      sandboxHelperThreads: helperThreads,
      progress: consoleProgress(process.stderr),
    });
    const wrong = summary.outcomes.filter((o) => {
      const kind = planned.find((p) => p.id === o.id)?.kind;
      if (o.error) return true;
      if (kind === "solution") return o.score !== o.maxScore;
      if (kind === "stub") return o.score !== 0;
      return !(o.score < o.maxScore); // variants and broken files
    });
    const seconds = summary.wallMs / 1000;
    const own = process.cpuUsage(ownBefore);
    const cpu = childCpuSeconds() - cpuBefore + (own.user + own.system) / 1e6;
    const machine = machineBusySeconds() - machineBefore;
    process.stdout.write(
      `bench:batch: ${count} submissions graded in ${seconds.toFixed(1)} s ` +
        `(${(seconds / count).toFixed(2)} s per submission; ${cpu.toFixed(0)} CPU-seconds in the grader's processes, ${(cpu / count).toFixed(2)} per submission; ` +
        `the machine was busy ${machine.toFixed(0)} CPU-seconds, ${(machine / count).toFixed(2)} per submission, sandboxes included; ` +
        `${workers} workers, lanes ${lanes ?? "default"}, chunk ${chunkSize ?? "default"}${helperThreads ? ", sandboxes with helper threads" : ""}; Node ${process.version}; load average before ${loadBefore.toFixed(1)}). ` +
        `Target for 100: ${TARGET_MS / 1000} s${count === 100 ? (summary.wallMs <= TARGET_MS ? ": met" : ": MISSED") : ""}.\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ submissions: count, node: process.version, batchMs: Math.round(summary.wallMs), cpuS: Math.round(cpu), cpuSPerSubmission: Number((cpu / count).toFixed(2)), machineCpuS: Math.round(machine), machineCpuSPerSubmission: Number((machine / count).toFixed(2)), workers, sandboxHelperThreads: helperThreads, loadAverageBefore: Number(loadBefore.toFixed(2)), loadAverageAfter: Number(loadavg()[0].toFixed(2)) })}\n`,
    );
    if (wrong.length > 0) {
      process.stdout.write(`Unexpected scores: ${wrong.map((o) => `${o.id} ${o.score}/${o.maxScore}${o.error ? ` (${o.error})` : ""}`).join("; ")}\n`);
      return 1;
    }
    return 0;
  } finally {
    if (!argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`kept ${dir}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  });
}
