/**
 * Declaration files (.d.ts) of the library and of the graded tests' helpers, for the type check
 * (typecheck.ts): a submission is checked against these instead of the helpers' and the library's
 * sources. The compiler then reads a fraction of the text (a declaration file holds the types, not
 * the code) and infers nothing from function bodies, which makes the cold check of a submission
 * several times cheaper; the types are the same, so are the messages.
 *
 * They are written by the compiler once per version of the sources, into node_modules/.cache/
 * (build-cache.ts), under a name derived from the contents of lib/, the grader's sources and
 * tsconfig.json: an edit builds them afresh (a few seconds, in the type check's worker), an
 * unchanged copy is reused by every later check. Where the cache cannot be written, or a helper
 * has no declaration file, the check reads the source as before.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type * as TS from "typescript";
import { cachedFolderSync } from "./build-cache";
import { trace } from "./trace";
import ts from "./typescript";

/** Bumped when what is built here changes. */
const FORMAT = "1";

/** TypeScript sources under `dir`, sorted, tests, declaration files and the grader's test data left out. */
function sourcesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!["fixtures", "variants", "alternatives", "node_modules"].includes(name)) found.push(...sourcesUnder(path));
    } else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}

/** What the graded tests import: the helpers beside them, the search, the grader's side of the sandbox and lib/. */
function entryPoints(root: string): string[] {
  const grader = join(root, "grader");
  return [
    ...sourcesUnder(join(root, "lib")),
    ...sourcesUnder(join(grader, "exercises")),
    ...sourcesUnder(join(grader, "search")),
    ...["graded.ts", "student.ts", "settings.ts", "seeds.ts"].map((f) => join(grader, f)),
  ];
}

const built = new Map<string, string | undefined>();

/**
 * The folder of the declaration files, laid out like the project (`<folder>/lib/sim.d.ts` for
 * lib/sim.ts), built if needed with `options` (the project's); undefined when they cannot be had.
 */
export function declarations(root: string, options: TS.CompilerOptions): string | undefined {
  const sources = [...sourcesUnder(join(root, "lib")), ...sourcesUnder(join(root, "grader"))];
  // The options come from tsconfig.json (they hold absolute paths, which its text does not).
  const hash = createHash("sha256").update(`${FORMAT}\0${ts.version}\0`).update(readFileSync(join(root, "tsconfig.json"))).update("\0");
  for (const file of sources) hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  // Named by the contents only: another copy of the same sources (its paths are relative) uses it too.
  const contents = hash.digest("hex");
  const key = `${root}\0${contents}`;
  if (built.has(key)) return built.get(key);
  let dir: string | undefined;
  try {
    dir = cachedFolderSync(root, "types", contents, join("grader", "graded.d.ts"), (out) => {
      const emitOptions: TS.CompilerOptions = { ...options, noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: out, rootDir: root, noEmitOnError: false };
      // The helpers' type-only imports of `exercises/` stay unresolved (their types `any`), as in
      // the check, which gives each submission's test files its own exercise files instead.
      const host = ts.createCompilerHost(emitOptions, true);
      const outside = [join(root, "exercises") + sep, join(root, "solutions") + sep];
      const ownFileExists = host.fileExists.bind(host);
      host.fileExists = (fileName) => !outside.some((p) => fileName.startsWith(p)) && ownFileExists(fileName);
      const program = ts.createProgram({ rootNames: entryPoints(root), options: emitOptions, host });
      program.emit();
    });
  } catch (error) {
    trace(`declaration files not built (${(error as Error).message.split("\n")[0]}); the type check reads the sources`);
    dir = undefined;
  }
  built.set(key, dir);
  return dir;
}
