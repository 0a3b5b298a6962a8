/**
 * Does a submission compile? Syntax and type errors, per exercise, before any test runs.
 *
 * The grader's test files are type-checked together with the student's files, their import of
 * `../../exercises/…` pointing at them: so a renamed export or a changed parameter type shows up as
 * "does not fit the exercise's signature", and a type error inside the student's own file as
 * itself. Files of the library and of the grader are parsed once per process and shared between
 * submissions, which keeps batch grading fast.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import ts from "typescript";

export interface CompileInput {
  root: string;
  /** The folder holding the staged exercise files (`NN-name.ts`). */
  stageDir: string;
  /** How the student's folder is shown in messages, e.g. "exercises". */
  displayDir: string;
  /** Exercise name ("05-leader-election") -> its test file. */
  exercises: Map<string, string>;
}

const MAX_ERRORS_SHOWN = 5;
const shared = new Map<string, ts.SourceFile>();
let baseOptions: ts.CompilerOptions | undefined;

/**
 * Compiler errors per exercise name; exercises without errors are absent.
 *
 * A fast pass leaves out Node's type definitions (2.4 MB, most of a cold check's time) and gives
 * exercise code a few host globals instead (exercise-globals.d.ts). An exercise whose fast pass
 * shows an error in the grader's files, or a name or module it cannot find, is checked again
 * with the project's full settings, and that verdict stands.
 */
export function compileErrors(input: CompileInput): Map<string, string[]> {
  const fast = check(input, { types: [] }, [join(input.root, "grader", "engine", "exercise-globals.d.ts")]);
  const unsure = [...fast.unsure];
  if (unsure.length === 0) return fast.errors;
  const full = check({ ...input, exercises: new Map(unsure.map((name) => [name, input.exercises.get(name)!])) }, {}, []);
  const errors = new Map([...fast.errors].filter(([name]) => !fast.unsure.has(name)));
  for (const [name, list] of full.errors) errors.set(name, list);
  return errors;
}

/** Codes of "cannot find name / module" errors: a sign that the fast pass lacked a definition. */
const MISSING_DEFINITION = new Set([2304, 2307, 2318, 2503, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593, 7016]);

function check(input: CompileInput, overrides: ts.CompilerOptions, extraRoots: string[]): { errors: Map<string, string[]>; unsure: Set<string> } {
  const options: ts.CompilerOptions = {
    ...projectOptions(input.root),
    ...overrides,
    noEmit: true,
    baseUrl: undefined,
    paths: {
      "replication-lab": [join(input.root, "lib", "index.ts")],
      // vitest's own types are ~190 files; the check needs none of them (see vitest-types.d.ts).
      vitest: [join(input.root, "grader", "engine", "vitest-types.d.ts")],
    },
  };
  const host = ts.createCompilerHost(options, true);
  const testDir = dirname([...input.exercises.values()][0] ?? join(input.root, "grader", "exercises"));
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions) =>
    literals.map((literal) => {
      const exercise = /^\.\.\/\.\.\/exercises\/([\w-]+?)(\.ts)?$/.exec(literal.text);
      if (exercise && dirname(containingFile) === testDir) {
        return { resolvedModule: { resolvedFileName: join(input.stageDir, `${exercise[1]}.ts`), extension: ts.Extension.Ts, isExternalLibraryImport: false } };
      }
      return ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, undefined, redirected);
    });
  const ownGetSourceFile = host.getSourceFile.bind(host);
  const stagePrefix = input.stageDir + sep;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName.startsWith(stagePrefix)) return ownGetSourceFile(fileName, languageVersion, onError, shouldCreate);
    let file = shared.get(fileName);
    if (!file) {
      file = ownGetSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file) shared.set(fileName, file);
    }
    return file;
  };
  const studentFiles = [...input.exercises.keys()].map((name) => join(input.stageDir, `${name}.ts`));
  const program = ts.createProgram({ rootNames: [...extraRoots, ...input.exercises.values(), ...studentFiles], options, host });

  const errors = new Map<string, string[]>();
  const unsure = new Set<string>();
  const owner = (fileName: string): { exercise: string; kind: "own" | "signature" } | undefined => {
    const base = fileName.split(/[\\/]/).pop() ?? "";
    if (fileName.startsWith(stagePrefix)) {
      const name = base.replace(/\.ts$/, "");
      return input.exercises.has(name) ? { exercise: name, kind: "own" } : undefined;
    }
    for (const [name, testFile] of input.exercises) {
      if (dirname(fileName) === dirname(testFile) && base.startsWith(`${name}.`)) return { exercise: name, kind: "signature" };
    }
    return undefined;
  };
  const files = [...studentFiles, ...input.exercises.values()]
    .map((f) => program.getSourceFile(f))
    .filter((f): f is ts.SourceFile => f !== undefined);
  for (const file of files) {
    const who = owner(file.fileName);
    if (!who) continue;
    const syntactic = program.getSyntacticDiagnostics(file);
    const diagnostics = syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(file);
    for (const d of diagnostics.filter((x) => x.category === ts.DiagnosticCategory.Error)) {
      if (who.kind === "signature" || MISSING_DEFINITION.has(d.code)) unsure.add(who.exercise);
      const text = formatDiagnostic(d, input);
      const list = errors.get(who.exercise) ?? [];
      list.push(who.kind === "own" ? text : `does not fit the exercise's signature, as the grader calls it: ${text}`);
      errors.set(who.exercise, list);
    }
  }
  for (const [name, list] of errors) {
    if (list.length > MAX_ERRORS_SHOWN) errors.set(name, [...list.slice(0, MAX_ERRORS_SHOWN), `… and ${list.length - MAX_ERRORS_SHOWN} more`]);
  }
  return { errors, unsure };
}

function formatDiagnostic(d: ts.Diagnostic, input: CompileInput): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, " ").replaceAll(input.stageDir, input.displayDir);
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const shown = d.file.fileName.startsWith(input.stageDir)
    ? `${input.displayDir}/${relative(input.stageDir, d.file.fileName)}`
    : relative(input.root, d.file.fileName);
  return `${shown.split(sep).join("/")}:${line + 1}:${character + 1} error TS${d.code}: ${message}`;
}

/** The project's compiler options (tsconfig.json), read once. */
function projectOptions(root: string): ts.CompilerOptions {
  if (baseOptions) return baseOptions;
  const path = join(root, "tsconfig.json");
  const read = ts.readConfigFile(path, (p) => readFileSync(p, "utf8"));
  const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, root);
  baseOptions = { ...parsed.options, skipLibCheck: true, incremental: false, composite: false, tsBuildInfoFile: undefined };
  return baseOptions;
}
