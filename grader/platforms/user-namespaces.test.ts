/**
 * user-namespaces.sh, which the grading steps on GitHub's runners run before grading: on a
 * GitHub-hosted runner where AppArmor forbids unprivileged user namespaces it lifts that with
 * sudo; anywhere else it changes nothing and says what to do. Stand-ins for `id`, `unshare`,
 * `sudo` and `sysctl` play a runner (a user who is not root, AppArmor's setting in a file of the
 * test's own); the real script runs once more against this machine's own tools.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { isolation, whyNoNamespaces } from "../sandbox/launch";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const SCRIPT = join(HERE, "user-namespaces.sh");
const KEY = "kernel.apparmor_restrict_unprivileged_userns";
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Runner {
  /** AppArmor's setting as the runner starts: "1" restricts, "0" does not, undefined: no such setting. */
  restrict?: "0" | "1";
  environment?: "github-hosted" | "self-hosted";
  sudo?: boolean;
  sysctlWorks?: boolean;
}

/** Runs the script on a stand-in runner; returns what it printed, the commands it ran and the setting afterwards. */
function onRunner(r: Runner): { status: number | null; said: string; calls: string[]; restrict: string | undefined } {
  const dir = mkdtempSync(join(tmpdir(), "rl-userns-"));
  dirs.push(dir);
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const setting = join(dir, "apparmor_restrict_unprivileged_userns");
  if (r.restrict !== undefined) writeFileSync(setting, `${r.restrict}\n`);
  const log = join(dir, "calls");
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >>"${log}"\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub("id", 'echo 1001');
  // A user namespace works once AppArmor no longer forbids it (the setting reads 0, or there is none to read and it is allowed).
  stub("unshare", `case "$*" in *--map-root-user*) [ "$(cat "${setting}" 2>/dev/null)" = 0 ] && exit 0;; esac\nexit 1`);
  stub("sudo", r.sudo === false ? "exit 1" : '[ "$1" = -n ] && shift\nexec "$@"');
  stub("sysctl", r.sysctlWorks === false ? "exit 1" : `case "$*" in *"${KEY}=0"*) echo 0 >"${setting}"; exit 0;; esac\nexit 1`);
  const run = spawnSync("bash", [SCRIPT], {
    env: { PATH: `${bin}:/usr/bin:/bin`, RL_USERNS_SYSCTL_FILE: setting, ...(r.environment ? { RUNNER_ENVIRONMENT: r.environment } : {}) },
    encoding: "utf8",
    timeout: 30_000,
  });
  return {
    status: run.status,
    said: run.stdout + run.stderr,
    calls: existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [],
    restrict: existsSync(setting) ? readFileSync(setting, "utf8").trim() : undefined,
  };
}

describe("user-namespaces.sh", () => {
  it("lifts AppArmor's restriction on a GitHub-hosted runner, with sudo, and says so", () => {
    const r = onRunner({ restrict: "1", environment: "github-hosted" });
    expect(r.status).toBe(0);
    expect(r.calls).toContain(`sudo -n sysctl -q -w ${KEY}=0`);
    expect(r.restrict).toBe("0");
    expect(r.said).toMatch(/^user-namespaces: lifted AppArmor's restriction .*sandboxes get no network and a PID namespace of their own\n$/);
  });

  it("changes nothing on a self-hosted runner or elsewhere, and says what an administrator can do", () => {
    for (const environment of ["self-hosted", undefined] as const) {
      const r = onRunner({ restrict: "1", environment });
      expect(r.status).toBe(0);
      expect(r.calls.filter((c) => c.startsWith("sudo") || c.startsWith("sysctl"))).toEqual([]);
      expect(r.restrict).toBe("1");
      expect(r.said).toContain(`AppArmor forbids unprivileged user namespaces on this machine (${KEY}=1)`);
      expect(r.said).toContain(`'sudo sysctl -w ${KEY}=0'`);
    }
  });

  it("says so and grading goes on when sudo is refused or the setting does not help", () => {
    const noSudo = onRunner({ restrict: "1", environment: "github-hosted", sudo: false });
    expect(noSudo.status).toBe(0);
    expect(noSudo.restrict).toBe("1");
    expect(noSudo.said).toContain("sudo is not available to lift it: the sandbox runs without network or PID isolation");
    const stuck = onRunner({ restrict: "1", environment: "github-hosted", sysctlWorks: false });
    expect(stuck.status).toBe(0);
    expect(stuck.said).toContain("setting it to 0 did not make unshare work");
  });

  it("is silent and runs no sudo where namespaces already work", () => {
    const r = onRunner({ restrict: "0", environment: "github-hosted" });
    expect(r).toMatchObject({ status: 0, said: "", restrict: "0" });
    expect(r.calls.filter((c) => !c.startsWith("id") && !c.startsWith("unshare"))).toEqual([]);
  });

  it("names a cause other than AppArmor when there is no such setting", () => {
    const r = onRunner({ environment: "github-hosted" });
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("sudo"))).toEqual([]);
    expect(r.said).toContain("not AppArmor's restriction");
  });

  it("on this machine: prints nothing exactly when the grader's sandbox has its namespaces", () => {
    const run = spawnSync("bash", [SCRIPT], { env: { PATH: process.env.PATH }, encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(0);
    expect(run.stderr === "").toBe(isolation().network);
  });

  it("runs in every grading step on GitHub's runners, before the grading script", () => {
    for (const [file, grading] of [
      ["grader/platforms/github-actions/grade.sh", "github-actions/run.ts"],
      ["grader/platforms/classroom/grade.sh", "classroom/run.ts"],
      ["grader/platforms/classroom50/autograder.py", '"classroom50" / "run.ts"'],
    ] as const) {
      const text = readFileSync(join(ROOT, file), "utf8");
      const at = text.search(/user-namespaces\.sh|"user-namespaces\.sh"/);
      expect(at, file).toBeGreaterThan(-1);
      expect(at, file).toBeLessThan(text.indexOf(grading));
    }
  });
});

describe("the grader's own word on missing namespaces (whyNoNamespaces)", () => {
  it("names AppArmor's setting and how to lift it where that is the cause, and the other causes otherwise", () => {
    expect(whyNoNamespaces(false, true)).toBe(
      "AppArmor forbids unprivileged user namespaces here, kernel.apparmor_restrict_unprivileged_userns=1: lift it with 'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0', or grade as root",
    );
    expect(whyNoNamespaces(false, false)).toBe("unshare is missing or not permitted here");
    expect(whyNoNamespaces(false, undefined)).toBe("unshare is missing or not permitted here");
    expect(whyNoNamespaces(true, true)).toBe("turned off with RL_SANDBOX_NAMESPACES=0");
  });
});
