/**
 * `const { routeRead } = await tryExercise("01")` in a notebook: your exercise file, compiled and
 * loaded into the kernel, so that you can call what it exports on runs of your own before check()
 * grades it.
 *
 * Why a helper: tslab compiles a notebook's imports under notebooks/, and an import of
 * ../exercises/NN-name.ts fails there ("is not under 'rootDir'"). This compiles the file with
 * esbuild, without a type check, as the grader does, and runs it in your kernel: unlike check(),
 * nothing is sandboxed, as when you run a script of your own with `npx tsx`. Its imports of the
 * library ("../lib" or "replication-lab") get the kernel's own copy, so what it returns works
 * with the `simulate` and checkers your notebook imported.
 */
import { createRequire } from "node:module";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { runInThisContext } from "node:vm";
import type { BuildFailure, Plugin } from "esbuild";
import * as library from "../lib";
import { findExercise, projectRoot } from "./project";
import { withSummary } from "./summary";
import { UsageError } from "./usage";

/** What an exercise file exports, by name (untyped: a notebook cannot import the file's types). */
export type ExerciseExports = { readonly [name: string]: any };

/**
 * Loads exercises/NN-name.ts of exercise `id` afresh (an edit shows at once, and no state carries
 * over from an earlier load) and returns its exports. A syntax error, or an import that does not
 * resolve, is thrown as the compiler's message with its line.
 */
export async function tryExercise(id: string): Promise<ExerciseExports> {
  const root = projectRoot();
  const exercise = findExercise(root, id);
  const file = join(root, "exercises", `${exercise.name}.ts`);
  if (!existsSync(file)) throw new UsageError(`tryExercise("${exercise.id}"): there is no exercises/${exercise.name}.ts`);
  const code = await compile(root, file);
  const module = { exports: {} as Record<string, unknown> };
  const requireOutside = createRequire(file);
  const requireHere = (spec: string): unknown => (spec === LIBRARY ? library : requireOutside(spec));
  const run = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: file }) as (
    ...args: unknown[]
  ) => void;
  run(module.exports, requireHere, module, file, dirname(file));
  const names = Object.keys(module.exports);
  return withSummary(module.exports, `tryExercise("${exercise.id}"): exercises/${exercise.name}.ts loaded, exporting ${names.join(", ") || "nothing"}`);
}

const LIBRARY = "replication-lab";

/** The file as one CommonJS module: other exercise files and the library's own modules bundled in, packages and the library's index left to `require`. */
async function compile(root: string, file: string): Promise<string> {
  const esbuild = await import("esbuild");
  const libIndex = join(root, "lib", "index.ts");
  const libIndexReal = existsSync(libIndex) ? realpathSync(libIndex) : libIndex;
  const kernelLibrary: Plugin = {
    name: "kernel-library",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData === "resolving") return undefined;
        if (args.path === LIBRARY) return { path: LIBRARY, external: true };
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "resolving" });
        if (resolved.errors.length === 0 && !resolved.external && (resolved.path === libIndex || resolved.path === libIndexReal)) {
          return { path: LIBRARY, external: true };
        }
        return resolved;
      });
    },
  };
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: "cjs",
      platform: "node",
      target: "node20",
      packages: "external",
      tsconfigRaw: "{}",
      plugins: [kernelLibrary],
      logLevel: "silent",
    });
    return result.outputFiles[0].text;
  } catch (error) {
    const failure = error as BuildFailure;
    const messages = Array.isArray(failure.errors) && failure.errors.length > 0
      ? failure.errors.slice(0, 5).map((e) => `${e.location ? `${relative(root, e.location.file) || e.location.file}:${e.location.line}:${e.location.column + 1}: ` : ""}${e.text}`)
      : [String((error as Error).message)];
    throw new UsageError(`${relative(root, file)} does not compile:\n${messages.join("\n")}`);
  }
}
