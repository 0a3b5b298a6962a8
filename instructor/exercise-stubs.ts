/**
 * Whether a shipped exercise file is still what students must get: a stub, not an answer.
 *
 * An instructor who tries an exercise in the instructor's copy writes an answer into
 * exercises/NN-name.ts; a release built then would hand that answer to every student. The rule,
 * read from the file's syntax (nothing is run): every function the file defines at its top level,
 * exported or not (a function declaration, a `const` holding an arrow function or function
 * expression, a method of a class), has a body that is only the stub's throw,
 *
 *     throw new NotImplementedError("05: chooseNewLeader is not implemented yet: …");
 *
 * the error by which the grader knows an untouched exercise (its name, `NotImplementedError`) with
 * the message `--validate` looks for ("not implemented yet"). A throw after some code is an answer
 * begun, and fails too. Students get the whole file, so a helper the exported functions would
 * call is judged like them, and an exported value that is not a function (`export const
 * policy = { … }`) is taken for an answer.
 *
 * A function deliberately given to students with code in it (a helper they call, a partial
 * start) is tagged `@starter` in its doc comment, or its class is; it ships as it is written. A
 * file must still hold at least one stub: an exercise with nothing left to write is an answer.
 */
import type * as TS from "typescript";
import ts from "../grader/engine/typescript";

/** The tag that lets a function ship with code in it. */
export const STARTER_TAG = "starter";

/** True for an exercise stub the release checks: exercises/NN-name.ts. */
export function isExerciseStub(file: string): boolean {
  return /^exercises\/\d+-[^/]+\.ts$/.test(file) && !/\.(test|d)\.ts$/.test(file);
}

/** True when `body` is only `throw new NotImplementedError("… not implemented yet …")`. */
function isStubBody(body: TS.ConciseBody | undefined): boolean {
  if (!body || !ts.isBlock(body) || body.statements.length !== 1) return false;
  const statement = body.statements[0];
  if (!ts.isThrowStatement(statement) || !statement.expression || !ts.isNewExpression(statement.expression)) return false;
  const { expression: callee, arguments: args } = statement.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
  const message = args?.[0];
  return name === "NotImplementedError" && message !== undefined && ts.isStringLiteralLike(message) && message.text.includes("not implemented yet");
}

function isStarter(...nodes: (TS.Node | undefined)[]): boolean {
  return nodes.some((node) => node !== undefined && ts.getJSDocTags(node).some((tag) => tag.tagName.text === STARTER_TAG));
}

function hasExport(node: TS.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/**
 * Why the exercise file `file` (its text `text`) is not a stub students may get: one line per
 * function that does more than throw its stub error and per exported value, or one for a file
 * with no stub at all. Empty when it is a stub.
 */
export function stubProblems(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  // Names exported by `export { a, b as c }` from this file, besides `export function`.
  const exportedNames = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) exportedNames.add((element.propertyName ?? element.name).text);
    }
    if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) exportedNames.add(statement.expression.text);
  }
  const exported = (node: TS.Node, name: string | undefined) => hasExport(node) || (name !== undefined && exportedNames.has(name));

  const answered: string[] = [];
  const values: string[] = [];
  let stubs = 0;
  const judge = (name: string, body: TS.ConciseBody | undefined, ...tagged: (TS.Node | undefined)[]) => {
    if (body === undefined) return; // an overload's signature
    if (isStubBody(body)) stubs++;
    else if (!isStarter(...tagged)) answered.push(name);
  };
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement)) {
      judge(statement.name?.text ?? "default", statement.body, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        if (!ts.isIdentifier(declaration.name) || !init) continue;
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) judge(declaration.name.text, init.body, statement, declaration);
        else if (exported(statement, declaration.name.text) && !isStarter(statement, declaration)) values.push(declaration.name.text);
      }
    } else if (ts.isClassDeclaration(statement)) {
      for (const member of statement.members) {
        if ((ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member) || ts.isSetAccessorDeclaration(member)) && member.name) {
          judge(`${statement.name?.text ?? "default"}.${member.name.getText(source)}`, member.body, member, statement);
        }
      }
    }
  }
  const stub = 'throw new NotImplementedError("… not implemented yet …")';
  const problems = answered.map((name) => `${file}: ${name} does more than throw its stub error (${stub})`);
  problems.push(...values.map((name) => `${file}: ${name} is an exported value, not a function that throws its stub error (tag it @${STARTER_TAG} if students get it as it is)`));
  if (stubs === 0 && answered.length === 0) problems.push(`${file}: no exported function throws its stub error (${stub})`);
  return problems;
}
