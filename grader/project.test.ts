import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSecret, SECRET_MIN_LENGTH, SecretError } from "./project";

const roots: string[] = [];
/** A project root whose grader/.secret holds `secret` (none when undefined). */
function rootWith(secret?: string): string {
  const root = mkdtempSync(join(tmpdir(), "rl-project-test-"));
  roots.push(root);
  mkdirSync(join(root, "grader"));
  if (secret !== undefined) writeFileSync(join(root, "grader", ".secret"), secret);
  return root;
}
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe("loadSecret", () => {
  const long = "0123456789abcdef0123";

  it("takes RL_GRADER_SECRET first, then grader/.secret (trimmed), else none", () => {
    expect(loadSecret(rootWith(`file-${long}\n`), { RL_GRADER_SECRET: ` env-${long} ` })).toBe(`env-${long}`);
    expect(loadSecret(rootWith(`file-${long}\n`), { RL_GRADER_SECRET: "  " })).toBe(`file-${long}`);
    expect(loadSecret(rootWith(), {})).toBeUndefined();
    expect(loadSecret(rootWith("\n"), {})).toBeUndefined();
  });

  it(`refuses a secret shorter than ${SECRET_MIN_LENGTH} characters, naming where it is and how to make one`, () => {
    expect(loadSecret(rootWith(), { RL_GRADER_SECRET: "a".repeat(SECRET_MIN_LENGTH) })).toBe("a".repeat(SECRET_MIN_LENGTH));
    expect(() => loadSecret(rootWith(), { RL_GRADER_SECRET: "x" })).toThrow(SecretError);
    expect(() => loadSecret(rootWith(), { RL_GRADER_SECRET: "x" })).toThrow(/^the grading secret in RL_GRADER_SECRET is 1 character long; it needs at least 16: .*openssl rand -hex 32 > grader\/\.secret/);
    const root = rootWith("course2026\n");
    expect(() => loadSecret(root, {})).toThrow(`the grading secret in ${join(root, "grader", ".secret")} is 10 characters long`);
  });
});
