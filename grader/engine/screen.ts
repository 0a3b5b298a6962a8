/**
 * Static screening of a student's exercise file before anything of it runs.
 *
 * Exercise code needs only the library and plain computation. Imports of anything else (the file
 * system, child processes, the network, the grader, vitest, the solutions), reaching for the
 * process or the global object, dynamic code, and patching built-ins are rejected with the line
 * and a reason. This is a tripwire with clear messages, not the sandbox: the code runs in a
 * sandbox process of its own whatever the screen says (sandbox/launch.ts), and the graded tests
 * judge only the plain data it answers with.
 */
import { readFileSync } from "node:fs";
import type * as TS from "typescript";
import ts from "./typescript";

export interface ScreenFinding {
  line: number;
  reason: string;
}

/** The screen's findings on a file, or that it is nested too deeply for the parser to read. */
export type ScreenAnswer = { findings: ScreenFinding[] } | { tooDeep: true };

/** Screens the file at `path` (screener.ts runs this in a worker, each file held to a limit of CPU time). */
export function screenFile(path: string): ScreenAnswer {
  try {
    return { findings: screenSource(path, readFileSync(path, "utf8")) };
  } catch (error) {
    // The parser recurses: nesting hundreds of levels deep runs it out of stack.
    if (error instanceof RangeError) return { tooDeep: true };
    throw error;
  }
}

/** Module specifiers exercise code may import: the library and sibling exercise files. */
function allowedImport(specifier: string): boolean {
  if (specifier === "replication-lab" || specifier === "../lib" || specifier === "../lib/index") return true;
  if (/^\.\.\/lib\/[\w./-]+$/.test(specifier) && !specifier.includes("..", 3)) return true;
  return /^\.\/\d{2}-[a-z0-9-]+(\.ts)?$/.test(specifier);
}

/** Notebook helpers start processes; exercise code has no use for them. */
const NOTEBOOK_HELPERS = new Set(["check", "hint", "progress", "solution"]);

/** Globals that reach the process, the host or dynamic code. */
const FORBIDDEN_GLOBALS = new Map<string, string>([
  ["process", "uses `process` (environment, exit, I/O)"],
  ["globalThis", "uses `globalThis`"],
  ["global", "uses `global`"],
  ["require", "uses `require`"],
  ["eval", "uses `eval`"],
  ["Function", "uses the `Function` constructor"],
  ["fetch", "uses the network (`fetch`)"],
  ["WebSocket", "uses the network (`WebSocket`)"],
  ["XMLHttpRequest", "uses the network (`XMLHttpRequest`)"],
  ["WebAssembly", "uses `WebAssembly`"],
  ["Reflect", "uses `Reflect`"],
  ["Proxy", "uses `Proxy`"],
  ["__dirname", "uses `__dirname`"],
  ["__filename", "uses `__filename`"],
  ["expect", "touches the test runner's `expect`"],
  ["vi", "touches the test runner's `vi`"],
]);

/** Built-in objects whose properties exercise code must not replace. */
const BUILTINS = new Set([
  "Math", "JSON", "Object", "Array", "Promise", "Date", "Number", "String", "Boolean", "Symbol", "Error",
  "Map", "Set", "WeakMap", "WeakSet", "RegExp", "console", "Intl", "BigInt", "Float64Array", "Uint32Array",
  "Int32Array", "Uint8Array", "ArrayBuffer", "setTimeout", "setInterval", "queueMicrotask", "structuredClone",
]);

const PATCHING_CALLS = new Set(["defineProperty", "defineProperties", "setPrototypeOf", "assign", "freeze", "seal", "preventExtensions"]);

/** Reasons the file must not run, each with its line; empty when it may run. */
export function screenSource(fileName: string, text: string): ScreenFinding[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const findings: ScreenFinding[] = [];
  const flag = (node: TS.Node, reason: string): void => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    if (!findings.some((f) => f.line === line && f.reason === reason)) findings.push({ line, reason });
  };

  // Objects a module exports are shared with the graded tests' own imports (checkers, the
  // library): changing them could bend a check, so assigning through an imported name is refused.
  const imported = new Set<string>();
  for (const statement of source.statements) {
    const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
    if (!clause) continue;
    if (clause.name) imported.add(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) imported.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) imported.add(e.name.text);
  }
  const patchedImport = (target: TS.Expression): string | undefined => {
    if (!ts.isPropertyAccessExpression(target) && !ts.isElementAccessExpression(target)) return undefined;
    const root = rootName(target);
    return root !== undefined && imported.has(root) ? root : undefined;
  };

  const visit = (node: TS.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const specifier = node.moduleSpecifier.text;
      if (!allowedImport(specifier)) flag(node, importReason(specifier));
      else if (ts.isImportDeclaration(node)) flagHelperImports(node, flag);
    } else if (ts.isImportEqualsDeclaration(node)) {
      flag(node, "uses `import = require()`; use `import { … } from \"../lib\"`");
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      flag(node, "uses a dynamic `import()`; import the library statically");
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal) && !allowedImport(arg.literal.text)) {
        flag(node, importReason(arg.literal.text));
      }
    } else if (ts.isMetaProperty(node)) {
      flag(node, "uses `import.meta`");
    } else if (ts.isModuleDeclaration(node) && (ts.isStringLiteral(node.name) || (node.flags & ts.NodeFlags.GlobalAugmentation) !== 0)) {
      // Type declarations for other modules or for the global scope would change how the tests
      // and the library type-check (submissions of a batch are checked together).
      flag(node, `declares ${ts.isStringLiteral(node.name) ? `the module ${JSON.stringify(node.name.text)}` : "global types"}; exercise files may declare only their own types`);
    } else if (ts.isIdentifier(node) && isValueReference(node) && FORBIDDEN_GLOBALS.has(node.text)) {
      flag(node, `${FORBIDDEN_GLOBALS.get(node.text)}: exercise code may not reach the process, the global object or dynamic code`);
    } else if (ts.isPropertyAccessExpression(node) && ["constructor", "__proto__", "__defineGetter__", "__defineSetter__"].includes(node.name.text)) {
      flag(node, `reads \`.${node.name.text}\`, a way around the sandbox`);
    } else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) && ["constructor", "__proto__", "prototype"].includes(node.argumentExpression.text)) {
      flag(node, `reads \`["${node.argumentExpression.text}"]\`, a way around the sandbox`);
    } else if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
      const root = patchedBuiltin(node.left);
      const lib = patchedImport(node.left);
      if (root) flag(node, `patches the built-in \`${root}\`; exercise code must not change built-ins`);
      else if (lib) flag(node, `changes the imported \`${lib}\`, which the tests share; copy it instead`);
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && isUpdate(node.operator)) {
      const root = patchedBuiltin(node.operand);
      if (root) flag(node, `patches the built-in \`${root}\``);
    } else if (ts.isDeleteExpression(node)) {
      const root = patchedBuiltin(node.expression);
      if (root) flag(node, `deletes from the built-in \`${root}\``);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const callee = node.expression;
      const target = node.arguments[0];
      if (ts.isIdentifier(callee.expression) && callee.expression.text === "Object" && PATCHING_CALLS.has(callee.name.text) && target) {
        const root = rootName(target);
        if (root && BUILTINS.has(root)) flag(node, `changes the built-in \`${root}\` with Object.${callee.name.text}`);
        else if (root && imported.has(root)) flag(node, `changes the imported \`${root}\` with Object.${callee.name.text}; copy it instead`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const ref of [...source.referencedFiles, ...source.typeReferenceDirectives, ...source.libReferenceDirectives]) {
    const line = source.getLineAndCharacterOfPosition(ref.pos).line + 1;
    findings.push({ line, reason: `uses a \`/// <reference>\` directive (${JSON.stringify(ref.fileName)}); exercise files may import only the library` });
  }
  return findings.sort((a, b) => a.line - b.line);
}

function importReason(specifier: string): string {
  const what = /^(node:)?(fs|fs\/promises|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|cluster|vm|os|process|inspector|v8|module)$/.test(specifier)
    ? "a Node.js system module"
    : specifier === "vitest" || specifier.startsWith("@vitest/")
      ? "the test runner"
      : /grader|solutions|\.secret/.test(specifier)
        ? "the grader or its answers"
        : "a module outside the library";
  return `imports ${JSON.stringify(specifier)} (${what}); exercise files may import only the library ("../lib" or "replication-lab") and other exercise files`;
}

function flagHelperImports(node: TS.ImportDeclaration, flag: (n: TS.Node, reason: string) => void): void {
  const bindings = node.importClause?.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings)) return;
  for (const element of bindings.elements) {
    const imported = (element.propertyName ?? element.name).text;
    if (NOTEBOOK_HELPERS.has(imported)) flag(element, `imports the notebook helper \`${imported}\`, which starts processes; exercise code does not need it`);
  }
}

/** True for an identifier used as a value (not a property name, a declaration name or a type). */
function isValueReference(node: TS.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) ||
    ts.isPropertySignature(parent) || ts.isMethodSignature(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent) ||
    ts.isEnumMember(parent)) && parent.name === node) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) || ts.isClassDeclaration(parent) ||
    ts.isBindingElement(parent)) && parent.name === node) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;
  if (ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent) || ts.isTypeQueryNode(parent)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  return true;
}

function isAssignment(kind: TS.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function isUpdate(operator: TS.SyntaxKind): boolean {
  return operator === ts.SyntaxKind.PlusPlusToken || operator === ts.SyntaxKind.MinusMinusToken;
}

/** For `Math.random = …` or `Array.prototype.x = …`: the built-in's name; otherwise undefined. */
function patchedBuiltin(target: TS.Expression): string | undefined {
  const root = rootName(target);
  return root && BUILTINS.has(root) ? root : undefined;
}

function rootName(expression: TS.Expression): string | undefined {
  let e: TS.Expression = expression;
  while (
    ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)
  ) e = e.expression;
  return ts.isIdentifier(e) ? e.text : undefined;
}

