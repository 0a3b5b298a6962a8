/**
 * Where the project is, and the grading secret: the one place both are looked up.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The project root: the folder above grader/, or RL_PROJECT_ROOT when this code runs compiled
 * from elsewhere (the notebook judge runs from node_modules/.cache/, see api.ts).
 */
export const ROOT = process.env.RL_PROJECT_ROOT || resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

/** Environment variable holding the grading secret. */
export const SECRET_ENV = "RL_GRADER_SECRET";

/** The file holding the grading secret when the environment does not (git and releases leave it out). */
export function secretFile(root: string): string {
  return join(root, "grader", ".secret");
}

/** The grading secret: RL_GRADER_SECRET, else grader/.secret, else none (hidden seeds are then random). */
export function loadSecret(root: string = ROOT, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env[SECRET_ENV]?.trim();
  if (fromEnv) return fromEnv;
  const file = secretFile(root);
  if (existsSync(file)) return readFileSync(file, "utf8").trim() || undefined;
  return undefined;
}

/**
 * True when the module at `moduleUrl` is the script node was started with (`tsx grader/cli.ts`),
 * not a module imported by another, nor code compiled into another program (the judge).
 */
export function runsAsScript(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl.endsWith(".ts") && moduleUrl === pathToFileURL(process.argv[1]).href;
}
