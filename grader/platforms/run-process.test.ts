import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runProcess } from "./run-process";

const HERE = dirname(fileURLToPath(import.meta.url));
/** tsx's loader, so that the parent below is one node process (tsx's CLI would add a process between). */
const TSX_LOADER = pathToFileURL(resolve(HERE, "../../node_modules/tsx/dist/loader.mjs")).href;
const dirs: string[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Whether `pid` still runs: a process killed but not yet reaped (a zombie, state Z) does not. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return existsSync(`/proc/${pid}`);
  }
};

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

describe("runProcess", () => {
  it("kills the command's whole process group at the time limit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rl-run-process-"));
    dirs.push(dir);
    const pidFile = join(dir, "pid");
    const run = await runProcess("bash", ["-c", `sleep 1000 & echo $! > ${pidFile}; wait`], { timeoutMs: 1000 });
    expect(run.timedOut).toBe(true);
    expect(await until(() => !alive(Number(readFileSync(pidFile, "utf8"))), 5000)).toBe(true);
  });

  // A platform stops a grading script that overran its own limit with SIGTERM (timeout, docker
  // stop): the grading processes it started in their own groups must not live on.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`takes the groups it started with it when this process gets ${signal}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "rl-run-process-"));
      dirs.push(dir);
      const pidFile = join(dir, "pid");
      const script = join(dir, "parent.mts");
      writeFileSync(
        script,
        `import { runProcess } from ${JSON.stringify(join(HERE, "run-process.ts"))};\n` +
          `await runProcess("bash", ["-c", "echo $$ > ${pidFile}; exec sleep 1000"], { timeoutMs: 600_000 });\n`,
      );
      const parent = spawn(process.execPath, ["--import", TSX_LOADER, script], { stdio: "ignore" });
      cleanups.push(() => parent.kill("SIGKILL"));
      const exited = new Promise<NodeJS.Signals | null>((done) => parent.on("exit", (_code, sig) => done(sig)));
      expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", 60_000)).toBe(true);
      const grandchild = Number(readFileSync(pidFile, "utf8"));
      expect(alive(grandchild)).toBe(true);
      parent.kill(signal);
      expect(await exited).toBe(signal);
      // Generous: a stopped group is gone at once, but a busy machine may take a while to say so.
    expect(await until(() => !alive(grandchild), 30_000)).toBe(true);
    }, 90_000);
  }
});
