/**
 * Staged exercise files compiled for their sandboxes: TypeScript to one ES module each, with
 * esbuild, without type checking (typecheck.ts reports type errors separately, and they do not
 * stop an exercise from being graded). An import of the library itself ("../lib",
 * "replication-lab") becomes an import of the sandbox runtime's `lib.mjs` (runtime.ts), which a
 * sandbox loads once: a case that loads the file afresh then evaluates the student's few lines,
 * not the library again, and an error's stack maps through a source map of those lines only (a
 * stub, which imports NotImplementedError, bundled 240 KB of library that every fresh load
 * evaluated and every stack read mapped: 68 fresh loads of 01's stub took 1.2 CPU-s, 0.03 now).
 * Other files of the library it imports are bundled in. A sandbox reads the file, the runtime and
 * nothing else of the project. A syntax error, or an import that does not resolve, is the
 * exercise's problem: it scores zero with esbuild's message and line.
 */
import { realpathSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { BuildFailure, BuildOptions, Message, Plugin } from "esbuild";
import { LIB_MODULE, sandboxRuntime } from "../sandbox/runtime";

export interface TranspileJob {
  /** The staged source, `<stage>/NN-name.ts` (next to a `../lib` link to the library). */
  source: string;
  /** Where the compiled module goes. */
  out: string;
  /** How the staged folder is shown in messages, e.g. "exercises". */
  displayDir: string;
  stageDir: string;
  /** Staged file name ("05-leader-election.ts") -> how messages name it (as uploaded); others: `<displayDir>/<name>`. */
  shownFiles?: Record<string, string>;
}

/** Compiles every job; returns the jobs that failed with their messages (the others are written). */
export async function transpile(root: string, jobs: TranspileJob[]): Promise<Map<TranspileJob, string[]>> {
  const failures = new Map<TranspileJob, string[]>();
  if (jobs.length === 0) return failures;
  const esbuild = await import("esbuild");
  const libModule = join(realpathSync(await sandboxRuntime(root)), LIB_MODULE);
  const build = (list: TranspileJob[]) => esbuild.build(transpileOptions(root, list, libModule));
  // One broken file fails a whole build. The files its errors name are built on their own, for
  // their own messages, and the rest together again, until that build passes; when the errors
  // name none of them, each of the rest is built on its own. A class's batch compiles a chunk of
  // submissions in one build, and one syntax error among them no longer costs a build per file.
  let rest = jobs;
  while (rest.length > 0) {
    let failure: BuildFailure;
    try {
      await build(rest);
      return failures;
    } catch (error) {
      failure = error as BuildFailure;
    }
    const named = new Set((Array.isArray(failure.errors) ? failure.errors : []).map((e) => (e.location ? resolve(e.location.file) : "")));
    const suspects = rest.some((job) => named.has(resolve(job.source))) ? rest.filter((job) => named.has(resolve(job.source))) : rest;
    await Promise.all(
      suspects.map(async (job) => {
        try {
          await build([job]);
        } catch (error) {
          failures.set(job, describe(error as BuildFailure, job));
        }
      }),
    );
    rest = rest.filter((job) => !suspects.includes(job));
  }
  return failures;
}

/**
 * esbuild's options for compiling `jobs` (exported for the test of what a compilation reads);
 * `libModule`, the runtime's library module, stands for the library's index where given.
 */
export function transpileOptions(root: string, jobs: TranspileJob[], libModule?: string): BuildOptions {
  return {
    entryPoints: jobs.map((j) => ({ in: j.source, out: j.out.replace(/\.mjs$/, "") })),
    outdir: "/",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "inline",
    // The packages the library imports are bundled in (a sandbox may not read node_modules);
    // an exercise file's own import of a package is refused by the plugin below.
    alias: { "replication-lab": join(root, "lib", "index.ts") },
    // Exercise files may not rely on tsconfig paths; the staged folder has none.
    tsconfigRaw: "{}",
    plugins: [onlyLibraryAndExercises(root, libModule)],
    logLevel: "silent",
    write: true,
  };
}

/**
 * What a compiled exercise may contain: the library and the submission's own exercise files.
 * The compiler runs in the judge and could read any file; an import of anything else (a path to
 * the solutions, a package, a data file) is refused here, so no other file of this machine ends
 * up in the code a sandbox runs.
 */
function onlyLibraryAndExercises(root: string, libModule?: string): Plugin {
  const lib = join(root, "lib") + sep;
  const index = join(root, "lib", "index.ts");
  return {
    name: "only-library-and-exercises",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData === "checked") return undefined;
        // Inside a package the library uses, its own imports are its business.
        if (args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
        // A package imported by an exercise file (the library's own are bundled in).
        const bare = !/^[./]/.test(args.path) && args.path !== "replication-lab" && !isBuiltin(args.path);
        if (bare && !args.importer.startsWith(lib)) return { errors: [{ text: refusal(args.path) }] };
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "checked" });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const file = resolved.path;
        // The library itself, imported by an exercise file: the runtime's module, loaded once.
        if (libModule !== undefined && file === index && !args.importer.startsWith(lib)) return { path: pathToFileURL(libModule).href, external: true };
        const fromLibrary = file.startsWith(lib) && file.endsWith(".ts");
        const packageOfLibrary = args.importer.startsWith(lib) && file.includes(`${sep}node_modules${sep}`);
        if (packageOfLibrary) return resolved;
        const stage = args.importer.startsWith(lib) ? undefined : args.importer.slice(0, args.importer.lastIndexOf(sep) + 1);
        const sibling = stage !== undefined && file.startsWith(stage) && !file.slice(stage.length).includes(sep) && /\d{2}-[a-z0-9-]+\.ts$/.test(file);
        if (fromLibrary || sibling || resolved.external) return resolved;
        return { errors: [{ text: refusal(args.path) }] };
      });
    },
  };
}

function refusal(path: string): string {
  return `cannot import ${JSON.stringify(path)}: exercise files may import only the library ("../lib" or "replication-lab") and other exercise files`;
}

function describe(failure: BuildFailure, job: TranspileJob): string[] {
  const errors: Message[] = Array.isArray(failure.errors) && failure.errors.length > 0 ? failure.errors : [{ text: String((failure as Error).message) } as Message];
  return errors.slice(0, 5).map((e) => {
    const where = e.location ? `${shown(e.location.file, job)}:${e.location.line}:${e.location.column + 1}: ` : "";
    return `${where}${e.text}`;
  });
}

function shown(file: string, job: TranspileJob): string {
  const relativeToStage = relative(job.stageDir, file).split(sep).join("/");
  if (relativeToStage.startsWith("..")) return file;
  return job.shownFiles && Object.hasOwn(job.shownFiles, relativeToStage) ? job.shownFiles[relativeToStage] : `${job.displayDir}/${relativeToStage}`;
}
