/**
 * The grader as the notebook helpers (workbook/) use it: the one interface between them.
 *
 * - `listExercises(root)`: the exercises, with their titles, notebooks and hints;
 * - `judge(root).check(ids)`: grades the public tests of those exercises in exercises/, as
 *   `npm run grade -- --only … --public` would, and records the results for `latestResults`;
 * - `judge(root).replay(request)`: reruns one case and returns what the replay command prints,
 *   with the part of its run worth drawing when it failed;
 * - `latestResults(root)`: the last recorded public result of each exercise, without grading;
 * - `publicPoints(root, name)`: the public points an exercise is worth, without grading;
 * - `sharedFeedback`, `PRINTED_LABEL`, `printedLeftOut`: how a table for people shows a message
 *   several tests share, and what the student's code printed (the terminal table's own rules).
 * The judge is a process of its own (judge-server.ts), started on first use and kept for the
 * life of the calling process, so that checks after the first are quick; this module starts it
 * and nothing else of the grader, and loads no student code.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as TS from "typescript";
import type { GradeReport } from "./engine/report";

export type { CaseResult, ExerciseReport, GradeReport, Printed, TestReport } from "./engine/report";
export { PRINTED_LABEL, printedLeftOut } from "./format/printed-text";
export { sharedFeedback, type SharedFeedback } from "./format/shared-messages";
export { exerciseFileHash, latestResults, type ExerciseState, type LatestResult } from "./latest";

/** One case to rerun: a seed or a hand-written case's label, against a folder. */
export interface ReplayRequest {
  /** Exercise id, e.g. "01". */
  exercise: string;
  seed?: number;
  label?: string;
  /** The folder graded, relative to the project: "exercises" by default. */
  target?: string;
  /** Only tests whose name contains this. */
  test?: string;
  /** Keep the failing cases' runs for drawing. */
  draw?: boolean;
}

/** A request to the judge process, as this module writes it (it adds an `id`). */
export type JudgeRequestBody = { kind: "check"; exercises: string[] } | { kind: "replay"; request: ReplayRequest };

export interface ExerciseInfo {
  /** "05" */
  id: string;
  /** "05-leader-election" */
  name: string;
  title: string;
  notebook?: string;
  hints: string[];
}

/** The workbook's exercises, from grader/exercises/NN-name.meta.json. */
export function listExercises(root: string): ExerciseInfo[] {
  const dir = join(root, "grader", "exercises");
  if (!existsSync(dir)) return [];
  const out: ExerciseInfo[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^((\d{2})-[a-z0-9-]+)\.meta\.json$/.exec(file);
    if (!m) continue;
    const meta = JSON.parse(readFileSync(join(dir, file), "utf8")) as Partial<ExerciseInfo>;
    out.push({ id: m[2], name: m[1], title: meta.title ?? m[1], notebook: meta.notebook, hints: meta.hints ?? [] });
  }
  return out;
}

/** A replayed case: what the replay command prints, and the drawing of the first failing case when there is one. */
export interface Replayed {
  text: string;
  /** 0: the case passes; 1: it fails (or did not run). */
  code: number;
  /** The first failing case's drawing (a FocusedRun, lib/charts/focus.ts, in `focused`). */
  drawn?: { exercise: string; test: string; case: string; focused: unknown };
  /** Why nothing was drawn. */
  why?: string;
}

export interface Judge {
  /** The public tests of exercises `ids` against exercises/; the report covers those exercises. */
  check(ids: string[]): Promise<GradeReport>;
  replay(request: ReplayRequest): Promise<Replayed>;
  /** Stops the judge's process (a new one starts on the next request). */
  close(): void;
}

/**
 * The judge compiled into one ES module (with shared chunks) in node_modules/.cache/, built once
 * for the current sources; undefined when it cannot be built.
 */
async function compiledJudge(root: string): Promise<string | undefined> {
  try {
    const { cachedBuild } = await import("./engine/build-cache");
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? (d.name === "fixtures" || d.name === "variants" ? [] : walk(join(dir, d.name))) : d.name.endsWith(".ts") && !d.name.endsWith(".test.ts") ? [join(dir, d.name)] : [],
      );
    const sources = [...walk(join(root, "grader")), ...walk(join(root, "lib"))];
    const dir = await cachedBuild(root, {
      kind: "judge",
      sources: sources.sort(),
      marker: "judge-server.mjs",
      format: "1",
      temporaryFallback: false,
      options: { entryPoints: { "judge-server": join(root, "grader", "judge-server.ts") } },
    });
    return join(dir, "judge-server.mjs");
  } catch {
    return undefined;
  }
}

/** One request's limit: a grading call's own limit is 240 s, so this only catches a judge that hangs. */
const REQUEST_LIMIT_MS = 300_000;

const judges = new Map<string, JudgeClient>();

/** The judge of the project at `root`, started on first use and kept. */
export function judge(root: string): Judge {
  let j = judges.get(root);
  if (!j) judges.set(root, (j = new JudgeClient(root)));
  return j;
}

class JudgeClient implements Judge {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private output = "";

  constructor(private readonly root: string) {}

  async check(ids: string[]): Promise<GradeReport> {
    const reply = await this.request({ kind: "check", exercises: ids });
    return reply.report as GradeReport;
  }

  async replay(request: ReplayRequest): Promise<Replayed> {
    const reply = await this.request({ kind: "replay", request });
    const outcome = reply.outcome as { text: string; code: number };
    return { ...outcome, ...(reply.drawn ? { drawn: reply.drawn as Replayed["drawn"] } : {}), ...(reply.why ? { why: reply.why as string } : {}) };
  }

  close(): void {
    const child = this.child;
    this.child = undefined;
    if (child?.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    for (const w of this.waiting.values()) w.reject(new Error(`the grader stopped: ${this.output.trim().slice(-1500) || "no output"}`));
    this.waiting.clear();
  }

  private async start(): Promise<ChildProcess> {
    const loader = join(this.root, "node_modules", "tsx", "dist", "loader.mjs");
    const server = join(this.root, "grader", "judge-server.ts");
    if (!existsSync(loader) || !existsSync(server)) {
      throw new Error(`the grader is not installed here (${existsSync(server) ? loader : server} is missing); run \`npm start\` or \`npm install\` first`);
    }
    this.output = "";
    const compiled = await compiledJudge(this.root);
    // Compiled, the judge starts without a TypeScript loader in front of every module it imports;
    // where it cannot be compiled (a read-only copy), tsx runs its sources.
    const args = compiled ? [compiled] : ["--import", `file://${loader}`, server];
    const child = spawn(process.execPath, args, {
      cwd: this.root,
      env: { ...process.env, RL_PROJECT_ROOT: this.root },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      // Its own process group, so that stopping it stops everything it started.
      detached: true,
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-8_000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.on("message", (m: { id: number }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      w?.resolve(m as unknown as Record<string, unknown>);
    });
    child.on("exit", () => {
      if (this.child === child) this.close();
    });
    // The kernel may exit without waiting for the judge; the judge then sees its channel close and exits.
    child.unref();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    (child.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
    return child;
  }

  private starting: Promise<ChildProcess> | undefined;

  private async request(body: JudgeRequestBody): Promise<Record<string, unknown>> {
    if (!this.child) {
      this.starting ??= this.start().finally(() => (this.starting = undefined));
      this.child = await this.starting;
    }
    const child = this.child;
    const id = this.nextId++;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.close();
        reject(new Error(`the grader did not answer within ${REQUEST_LIMIT_MS / 1000} s and was stopped`));
      }, REQUEST_LIMIT_MS);
      this.waiting.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          if (typeof reply.error === "string") reject(new Error(`the grader failed: ${reply.error}`));
          else resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send({ ...body, id });
    });
  }
}

/*
 * The public points an exercise is worth, read as the grader reads them: from the literal
 * `graded({ name, points, visibility })` calls of grader/exercises/NN-name.test.ts, never from a
 * run (engine/exercises.ts, `readManifest`). A reader of its own because that one loads
 * TypeScript eagerly with `import.meta.url`, which the notebooks' CommonJS bundle
 * (dist/index.cjs) leaves empty; workbook.test.ts holds the two to the same points for every
 * exercise.
 */
let typescript: typeof TS | undefined;
function ts(): typeof TS {
  // tslab has loaded the same copy already, so in a notebook this costs nothing.
  typescript ??= (typeof require === "function" ? require : createRequire(import.meta.url))("typescript") as typeof TS;
  return typescript;
}

/** The public points of exercise `name` ("05-leader-election"); undefined when it has no test file. */
export function publicPoints(root: string, name: string): number | undefined {
  const file = join(root, "grader", "exercises", `${name}.test.ts`);
  if (!existsSync(file)) return undefined;
  const t = ts();
  const source = t.createSourceFile(file, readFileSync(file, "utf8"), t.ScriptTarget.ES2022, true);
  const seen = new Set<string>();
  let total = 0;
  const visit = (node: TS.Node): void => {
    if (t.isCallExpression(node) && t.isIdentifier(node.expression) && node.expression.text === "graded") {
      const spec = node.arguments[0];
      const test = spec && t.isObjectLiteralExpression(spec) ? literalSpec(t, spec) : undefined;
      // Like the grader: a malformed or repeated spec is not a test (--validate reports it).
      if (test && !seen.has(test.name)) {
        seen.add(test.name);
        if (test.visibility === "public") total += test.points;
      }
    }
    t.forEachChild(node, visit);
  };
  visit(source);
  return Math.round(total * 100) / 100;
}

function literalSpec(t: typeof TS, spec: TS.ObjectLiteralExpression): { name: string; points: number; visibility: string } | undefined {
  const fields = new Map<string, TS.Expression>();
  for (const p of spec.properties) {
    if (t.isPropertyAssignment(p) && (t.isIdentifier(p.name) || t.isStringLiteral(p.name))) fields.set(p.name.text, p.initializer);
  }
  const text = (e: TS.Expression | undefined) => (e && (t.isStringLiteral(e) || t.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined);
  const num = (e: TS.Expression | undefined) => (e && t.isNumericLiteral(e) ? Number(e.text.replace(/_/g, "")) : undefined);
  const name = text(fields.get("name"));
  const points = num(fields.get("points"));
  const visibility = text(fields.get("visibility"));
  if (name === undefined || name === "" || points === undefined || !(points > 0)) return undefined;
  if (visibility !== "public" && visibility !== "hidden") return undefined;
  if (fields.has("timeoutMs") && num(fields.get("timeoutMs")) === undefined) return undefined;
  return { name, points, visibility };
}
