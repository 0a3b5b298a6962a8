/**
 * The unprivileged account an autograder image grades as (created by install-grader.sh), when this
 * process can switch to it: it runs as root and the account exists. Otherwise null, and grading
 * runs as this process's own user.
 */
import { execFileSync } from "node:child_process";
import type { Account } from "./grade-upload";

export function gradingAccount(name: string): Account | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const id = (flag: string): number => Number(execFileSync("id", [flag, name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return { name, uid: id("-u"), gid: id("-g") };
  } catch {
    return null;
  }
}
