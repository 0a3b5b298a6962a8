/**
 * Type errors in submissions, per exercise: reported beside the score, never instead of it (the
 * graded tests judge what the code does; transpile.ts compiles it without types).
 *
 * The grader's test files are type-checked together with the student's files, their import of
 * `../../exercises/…` pointing at them: so a renamed export or a changed parameter type shows up as
 * "does not fit the exercise's signature", and a type error inside the student's own file as
 * itself. What the test files and the student's files import of the library and of the grader's
 * helpers is read from declaration files built once per version of the sources (declarations.ts),
 * not from the sources: the same types, a fraction of the text to parse, and no function body to
 * infer from. Those files are parsed once per process and shared between submissions, and the
 * submissions of one grading call are checked in one program, each with its own copy of the test
 * files: the library's types are then checked once for all of them, which keeps batch grading
 * fast. Every file is a module (moduleDetection "force") and screening refuses
 * global declarations, so one submission's declarations cannot reach another's.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import type * as TS from "typescript";
import { declarations } from "./declarations";
import ts from "./typescript";

export interface CompileInput {
  root: string;
  /** The folder holding the staged exercise files (`NN-name.ts`). */
  stageDir: string;
  /** How the student's folder is shown in messages, e.g. "exercises". */
  displayDir: string;
  /** Staged file name ("05-leader-election.ts") -> how messages name it (as uploaded); others: `<displayDir>/<name>`. */
  shownFiles?: Record<string, string>;
  /** Exercise name ("05-leader-election") -> its test file. */
  exercises: Map<string, string>;
}

const MAX_ERRORS_SHOWN = 5;
const shared = new Map<string, TS.SourceFile>();
const testTexts = new Map<string, string>();
let baseOptions: TS.CompilerOptions | undefined;

/** Compiler errors per exercise name of one submission; exercises without errors are absent. */
export function typeErrors(input: CompileInput, options: CheckOptions = {}): Map<string, string[]> {
  return typeErrorsMany([input], options)[0];
}

export interface CheckOptions {
  /** Read the library and the grader's helpers from their sources, not their declaration files. */
  sources?: boolean;
}

/**
 * Compiler errors per exercise name, for each submission (same order as `inputs`).
 *
 * A fast pass leaves out Node's type definitions (2.4 MB, most of a cold check's time) and gives
 * exercise code a few host globals instead (exercise-globals.d.ts). An exercise whose fast pass
 * shows an error in the grader's files, or a name or module it cannot find, is checked again
 * with the project's full settings, and that verdict stands.
 */
export function typeErrorsMany(inputs: CompileInput[], options: CheckOptions = {}): Map<string, string[]>[] {
  const todo = inputs.map((input, i) => ({ input, i })).filter(({ input }) => input.exercises.size > 0);
  const results = inputs.map(() => new Map<string, string[]>());
  if (todo.length === 0) return results;
  const root = todo[0].input.root;
  const fast = check(todo.map((t) => t.input), { types: [] }, [join(root, "grader", "engine", "exercise-globals.d.ts")], options);
  const again: { input: CompileInput; i: number }[] = [];
  todo.forEach(({ input, i }, k) => {
    const { errors, unsure } = fast[k];
    for (const [name, list] of errors) if (!unsure.has(name)) results[i].set(name, list);
    if (unsure.size > 0) again.push({ input: { ...input, exercises: new Map([...unsure].map((name) => [name, input.exercises.get(name)!])) }, i });
  });
  if (again.length > 0) {
    const full = check(again.map((a) => a.input), {}, [], options);
    again.forEach(({ i }, k) => {
      for (const [name, list] of full[k].errors) results[i].set(name, list);
    });
  }
  return results;
}

/** Codes of "cannot find name / module" errors: a sign that the fast pass lacked a definition. */
const MISSING_DEFINITION = new Set([2304, 2307, 2318, 2503, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593, 7016]);

/** A submission's copy of a graded test file: where it is checked, and what it stands for. */
interface TestCopy {
  input: number;
  exercise: string;
  original: string;
}

type CheckResult = { errors: Map<string, string[]>; unsure: Set<string> };

function check(inputs: CompileInput[], overrides: TS.CompilerOptions, extraRoots: string[], checkOptions: CheckOptions): CheckResult[] {
  const root = inputs[0].root;
  const options: TS.CompilerOptions = {
    ...projectOptions(root),
    ...overrides,
    noEmit: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
    baseUrl: undefined,
    paths: {
      "replication-lab": [join(root, "lib", "index.ts")],
      // vitest's own types are ~190 files; the check needs none of them (see vitest-types.d.ts).
      vitest: [join(root, "grader", "engine", "vitest-types.d.ts")],
    },
  };
  const host = ts.createCompilerHost(options, true);
  // Each submission checks its own copies of the test files (never written to disk), next to its
  // staged files, so that each copy's `../../exercises/NN` can mean that submission's file.
  const copies = new Map<string, TestCopy>();
  const copyPaths = inputs.map((input, i) =>
    [...input.exercises].map(([exercise, original]) => {
      const path = join(dirname(input.stageDir), ".graded-tests", basename(original));
      copies.set(path, { input: i, exercise, original });
      return path;
    }),
  );
  const stagePrefixes = inputs.map((input) => input.stageDir + sep);
  // Each staged folder sits next to a link to the library (`../lib`).
  const libLinks = inputs.map((input) => join(dirname(input.stageDir), "lib") + sep);
  const declared = checkOptions.sources ? () => undefined : declarationFor(root);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions) => {
    const copy = copies.get(containingFile);
    return literals.map((literal) => {
      const exercise = /^\.\.\/\.\.\/exercises\/([\w-]+?)(\.ts)?$/.exec(literal.text);
      if (copy && exercise) {
        return { resolvedModule: { resolvedFileName: join(inputs[copy.input].stageDir, `${exercise[1]}.ts`), extension: ts.Extension.Ts, isExternalLibraryImport: false } };
      }
      // Everything else a copy imports resolves as from the test file itself.
      const resolved = ts.resolveModuleName(literal.text, copy ? copy.original : containingFile, compilerOptions, host, undefined, redirected);
      const file = resolved.resolvedModule?.resolvedFileName;
      if (file === undefined || stagePrefixes.some((prefix) => file.startsWith(prefix))) return resolved;
      // The library (also through a staged folder's link to it) and the grader's helpers: their declarations.
      const link = libLinks.find((prefix) => file.startsWith(prefix));
      const declaration = declared(link ? join(root, "lib", file.slice(link.length)) : file);
      return declaration ? { resolvedModule: { resolvedFileName: declaration, extension: ts.Extension.Dts, isExternalLibraryImport: false } } : resolved;
    });
  };
  const ownGetSourceFile = host.getSourceFile.bind(host);
  // The compiler reads only what a check needs: the staged files, the library, the graded tests
  // and their helpers, and installed type definitions (with the declaration files, under node_modules/). A submission that names another file (a
  // `/// <reference>` or an import of a path) gets "not found", never that file's text in an error.
  // Installed packages, also where node_modules is a link to another folder.
  const packages = [join(root, "node_modules") + sep, realpathSync(join(root, "node_modules")) + sep];
  const readable = (fileName: string): boolean =>
    copies.has(fileName) ||
    packages.some((p) => fileName.startsWith(p)) ||
    stagePrefixes.some((prefix) => fileName.startsWith(prefix)) ||
    libLinks.some((prefix) => fileName.startsWith(prefix)) ||
    [join(root, "lib") + sep, join(root, "grader", "exercises") + sep, join(root, "grader", "search") + sep, join(root, "grader", "engine") + sep, join(root, "grader", "sandbox") + sep].some((p) => fileName.startsWith(p)) ||
    (dirname(fileName) === join(root, "grader") && fileName.endsWith(".ts")) ||
    fileName === join(root, "package.json") ||
    fileName === join(root, "tsconfig.json");
  const ownFileExists = host.fileExists.bind(host);
  const ownReadFile = host.readFile.bind(host);
  host.fileExists = (fileName) => copies.has(fileName) || (readable(fileName) && ownFileExists(fileName));
  host.readFile = (fileName) => (readable(fileName) ? ownReadFile(fileName) : undefined);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!readable(fileName)) return undefined;
    const copy = copies.get(fileName);
    if (copy) {
      let text = testTexts.get(copy.original);
      if (text === undefined) testTexts.set(copy.original, (text = readFileSync(copy.original, "utf8")));
      return ts.createSourceFile(fileName, text, languageVersion);
    }
    if (stagePrefixes.some((prefix) => fileName.startsWith(prefix))) return ownGetSourceFile(fileName, languageVersion, onError, shouldCreate);
    let file = shared.get(fileName);
    if (!file) {
      file = ownGetSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file) shared.set(fileName, file);
    }
    return file;
  };
  const studentPaths = inputs.map((input) => [...input.exercises.keys()].map((name) => join(input.stageDir, `${name}.ts`)));
  const program = ts.createProgram({ rootNames: [...extraRoots, ...inputs.flatMap((_, i) => [...copyPaths[i], ...studentPaths[i]])], options, host });

  return inputs.map((input, i) => {
    const errors = new Map<string, string[]>();
    const unsure = new Set<string>();
    const files = [...studentPaths[i], ...copyPaths[i]].map((f) => program.getSourceFile(f)).filter((f): f is TS.SourceFile => f !== undefined);
    for (const file of files) {
      const copy = copies.get(file.fileName);
      const who = copy ? { exercise: copy.exercise, kind: "signature" as const } : { exercise: basename(file.fileName).replace(/\.ts$/, ""), kind: "own" as const };
      if (!input.exercises.has(who.exercise)) continue;
      const syntactic = program.getSyntacticDiagnostics(file);
      const diagnostics = syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(file);
      for (const d of diagnostics.filter((x) => x.category === ts.DiagnosticCategory.Error)) {
        if (who.kind === "signature" || MISSING_DEFINITION.has(d.code)) unsure.add(who.exercise);
        const text = formatDiagnostic(d, input, copies);
        const list = errors.get(who.exercise) ?? [];
        list.push(who.kind === "own" ? text : `does not fit the exercise's signature, as the grader calls it: ${text}`);
        errors.set(who.exercise, list);
      }
    }
    for (const [name, list] of errors) {
      if (list.length > MAX_ERRORS_SHOWN) errors.set(name, [...list.slice(0, MAX_ERRORS_SHOWN), `… and ${list.length - MAX_ERRORS_SHOWN} more`]);
    }
    return { errors, unsure };
  });
}

function formatDiagnostic(d: TS.Diagnostic, input: CompileInput, copies: Map<string, TestCopy>): string {
  const message = showStaged(ts.flattenDiagnosticMessageText(d.messageText, " "), input);
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const copy = copies.get(d.file.fileName);
  const shown = copy
    ? relative(input.root, copy.original)
    : d.file.fileName.startsWith(input.stageDir)
      ? showStaged(d.file.fileName, input)
      : relative(input.root, d.file.fileName);
  return `${shown.split(sep).join("/")}:${line + 1}:${character + 1} error TS${d.code}: ${message}`;
}

/**
 * `text` with the staged files named as messages name them: each as uploaded (`shownFiles`), with
 * or without its `.ts` (a module's name in a message has none), and the rest of the staged folder
 * as `displayDir`.
 */
function showStaged(text: string, input: CompileInput): string {
  let out = text;
  for (const [file, shown] of Object.entries(input.shownFiles ?? {})) {
    out = out.split(join(input.stageDir, file.replace(/\.ts$/, ""))).join(shown.replace(/\.ts$/, ""));
  }
  return out.replaceAll(input.stageDir, () => input.displayDir);
}

/** The folder of the declaration files a check reads (undefined: it reads the sources). */
export function declarationsFolder(root: string): string | undefined {
  return declarations(root, projectOptions(root));
}

/**
 * Maps a source file of the library or the grader to its declaration file (declarations.ts), or
 * to undefined (no declaration files, or none for that file: the source is read).
 */
function declarationFor(root: string): (file: string) => string | undefined {
  const dir = declarationsFolder(root);
  if (!dir) return () => undefined;
  const known = new Map<string, string | undefined>();
  return (file) => {
    if (!file.startsWith(root + sep) || !file.endsWith(".ts") || file.endsWith(".d.ts")) return undefined;
    let found = known.get(file);
    if (!known.has(file)) {
      const candidate = join(dir, relative(root, file).replace(/\.ts$/, ".d.ts"));
      found = existsSync(candidate) ? candidate : undefined;
      known.set(file, found);
    }
    return found;
  };
}

/** The project's compiler options (tsconfig.json), read once. */
function projectOptions(root: string): TS.CompilerOptions {
  if (baseOptions) return baseOptions;
  const path = join(root, "tsconfig.json");
  const read = ts.readConfigFile(path, (p) => readFileSync(p, "utf8"));
  const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, root);
  baseOptions = { ...parsed.options, skipLibCheck: true, incremental: false, composite: false, tsBuildInfoFile: undefined };
  return baseOptions;
}
