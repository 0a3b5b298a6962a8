/**
 * The hidden-seed secret as instructor tools find it: RL_GRADER_SECRET, else grader/.secret.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function findGraderSecret(root: string, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env.RL_GRADER_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const file = join(root, "grader/.secret");
  return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
}
