/**
 * Where the project is, and the grading secret: the one place both are looked up.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The project root: the folder above grader/, or RL_PROJECT_ROOT when this code runs compiled
 * from elsewhere (the notebook judge runs from node_modules/.cache/, see api.ts).
 */
export const ROOT = process.env.RL_PROJECT_ROOT || resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

/** `to` relative to `from` with forward slashes on every platform: how reports, messages and file lists name a path. */
export function posixRelative(from: string, to: string): string {
  return relative(from, to).split(sep).join("/");
}

/** Environment variable holding the grading secret. */
export const SECRET_ENV = "RL_GRADER_SECRET";

/** The file holding the grading secret when the environment does not (git and releases leave it out). */
export function secretFile(root: string): string {
  return join(root, "grader", ".secret");
}

/**
 * The shortest grading secret taken. A shorter one can be guessed, and every hidden case with it;
 * and since reports blank the secret wherever it appears, a secret of a letter or a word would
 * blank that text in every report ("e[redacted]ercise").
 */
export const SECRET_MIN_LENGTH = 16;

/** The command that makes a grading secret, as messages give it. */
export const MAKE_SECRET = "openssl rand -hex 32 > grader/.secret";

/** A grading secret that is set but cannot be used (too short); its message says how to make one. */
export class SecretError extends Error {}

/**
 * The grading secret: RL_GRADER_SECRET, else grader/.secret, else none (hidden seeds are then
 * random). Throws a SecretError when the secret found is shorter than SECRET_MIN_LENGTH.
 */
export function loadSecret(root: string = ROOT, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env[SECRET_ENV]?.trim();
  const file = secretFile(root);
  const [secret, where] = fromEnv ? [fromEnv, SECRET_ENV] : existsSync(file) ? [readFileSync(file, "utf8").trim(), file] : [undefined, ""];
  if (!secret) return undefined;
  if (secret.length < SECRET_MIN_LENGTH) {
    throw new SecretError(
      `the grading secret in ${where} is ${secret.length} character${secret.length === 1 ? "" : "s"} long; it needs at least ${SECRET_MIN_LENGTH}: ` +
        `a short secret can be guessed, and with it every hidden case. Make one with \`${MAKE_SECRET}\` ` +
        `(or set ${SECRET_ENV} to such a value), and keep it for the whole term`,
    );
  }
  return secret;
}

/**
 * True when the module at `moduleUrl` is the script node was started with (`tsx grader/cli.ts`),
 * not a module imported by another, nor code compiled into another program (the judge).
 */
export function runsAsScript(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl.endsWith(".ts") && moduleUrl === pathToFileURL(process.argv[1]).href;
}
