/**
 * How a sandbox process is started, and which of its limits this machine can enforce.
 *
 * Every sandbox runs `node host.mjs` with:
 * - Node's permission model: it may read only the runtime (host.mjs, sim.mjs) and the one
 *   compiled exercise file it grades; no file writes, no child processes, no worker threads, no
 *   native addons, no inspector;
 * - an empty environment (no secret, no keys, no paths) and a working folder holding nothing else;
 * - its own process group, so that the judge can stop it and everything it started at once;
 * - a heap limit (--max-old-space-size) and, with `prlimit`, a limit on its address space, which
 *   also bounds memory outside the heap (array buffers);
 * - with `unshare`, its own network namespace (no network at all, not even loopback) and PID
 *   namespace (it sees itself as process 1 and cannot see or signal any other process): as root,
 *   or as any user where unprivileged user namespaces are allowed (`unshare -r`);
 * - with `setpriv`, a parent-death signal: it dies with the judge that started it.
 * What is missing on a machine is reported (`isolation()`), not silently assumed.
 */
import { spawnSync, type SpawnOptions } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { permissionExtras, permissionFlag } from "./permission";

export interface Isolation {
  /** No network: a network namespace of its own. */
  network: boolean;
  /** Cannot see or signal other processes: a PID namespace of its own. */
  processes: boolean;
  /** Address-space limit (prlimit); without it only the heap is limited. */
  addressSpace: boolean;
  /** Killed when the process that started it dies (setpriv --pdeathsig). */
  diesWithParent: boolean;
  /** The command prefix that provides the above, outermost first. */
  prefix: string[];
  /** What is enforced here, in a sentence, for reports and `--isolation`. */
  summary: string;
}

/** The prefix that gives a process a parent-death signal: it is killed when its parent ends. */
export const DIES_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL", "--"];

/**
 * How a sandbox's process is spawned (by the launcher, spawner.ts, or by the judge itself):
 * an empty environment, a process group of its own, and stdout, stderr and the request
 * channel (fd 3) as pipes.
 */
export function sandboxSpawnOptions(cwd: string): SpawnOptions {
  return { cwd, env: {}, stdio: ["ignore", "pipe", "pipe", "pipe"], detached: true };
}

/** Kills process group `pid` (a sandbox and whatever it started), if it is still there. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

let detected: Isolation | undefined;

function works(command: string[]): boolean {
  try {
    const r = spawnSync(command[0], [...command.slice(1), "true"], { stdio: "ignore", timeout: 10_000 });
    return r.status === 0;
  } catch {
    return false;
  }
}

/**
 * What this machine lets the sandbox enforce; probed once per process (a few milliseconds), or
 * given by the scorer that probed it (`useIsolation`). `RL_SANDBOX_NAMESPACES=0` turns namespaces
 * off, to try the fallback.
 */
export function isolation(): Isolation {
  if (detected) return detected;
  const prefix: string[] = [];
  const diesWithParent = works(DIES_WITH_PARENT);
  if (diesWithParent) prefix.push(...DIES_WITH_PARENT);
  const addressSpace = works(["prlimit", "--as=1073741824", "--"]);
  const namespacesAllowed = process.env.RL_SANDBOX_NAMESPACES !== "0";
  const asRoot = ["unshare", "--net", "--pid", "--fork", "--mount-proc", "--kill-child", "--"];
  const asUser = ["unshare", "--map-root-user", "--net", "--pid", "--fork", "--mount-proc", "--kill-child", "--"];
  const unshare = !namespacesAllowed ? undefined : works(asRoot) ? asRoot : works(asUser) ? asUser : undefined;
  const parts = ["file access limited to its own compiled file (Node's permission model), no child processes or workers, an empty environment, its own process group, a heap limit"];
  parts.push(addressSpace ? "an address-space limit (prlimit)" : "NO address-space limit (prlimit is missing): memory outside the heap is not limited");
  parts.push(
    unshare
      ? `no network and its own PID namespace (unshare${unshare === asUser ? " in a user namespace" : " as root"})`
      : `NO network or PID isolation (${whyNoNamespaces(!namespacesAllowed, apparmorRestricts())}): student code can open network connections and signal this user's other processes`,
  );
  detected = {
    network: unshare !== undefined,
    processes: unshare !== undefined,
    addressSpace,
    diesWithParent,
    prefix: [...prefix, ...(unshare ?? [])],
    summary: `Sandbox: ${parts.join("; ")}.`,
  };
  return detected;
}

/** AppArmor's setting that forbids unprivileged user namespaces (Ubuntu 23.10 and later); undefined where there is none. */
function apparmorRestricts(): boolean | undefined {
  try {
    return readFileSync("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "utf8").trim() === "1";
  } catch {
    return undefined;
  }
}

/**
 * Why the sandbox has no namespaces, with what to do: turned off, or forbidden by AppArmor (as on
 * Ubuntu 24.04 and later, GitHub's hosted runners among them), or `unshare` missing or refused.
 */
export function whyNoNamespaces(turnedOff: boolean, apparmor: boolean | undefined): string {
  if (turnedOff) return "turned off with RL_SANDBOX_NAMESPACES=0";
  if (apparmor) {
    return "AppArmor forbids unprivileged user namespaces here, kernel.apparmor_restrict_unprivileged_userns=1: lift it with 'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0', or grade as root";
  }
  return "unshare is missing or not permitted here";
}

/**
 * When each Node release line stops getting fixes (nodejs.org's release schedule; odd lines live
 * six months). The sandbox is confined by Node's permission model, which gets security fixes
 * only while its line does.
 */
const NODE_END_OF_LIFE: Record<number, string> = {
  20: "2026-04-30",
  21: "2024-06-01",
  22: "2027-04-30",
  23: "2025-06-01",
  24: "2028-04-30",
  25: "2026-06-01",
  26: "2029-04-30",
};

/**
 * A warning when the Node that grades (`version`, as `process.version`) is past its end of life
 * on `today` (YYYY-MM-DD), or undefined: said beside the sandbox's limits, since the permission
 * model that confines the sandbox then gets no more security fixes.
 */
export function nodeEndOfLife(version: string, today: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  const end = NODE_END_OF_LIFE[major];
  if (end === undefined || today <= end) return undefined;
  // The long-term lines (even numbers) still supported on that day.
  const supported = Object.entries(NODE_END_OF_LIFE).flatMap(([line, until]) => (Number(line) % 2 === 0 && until >= today ? [line] : []));
  const use = supported.length === 0 ? "a supported Node line" : `Node ${supported.length === 1 ? supported[0] : `${supported.slice(0, -1).join(", ")} or ${supported.at(-1)}`}`;
  return `Node ${version} is past its end of life (${end}): it gets no more security fixes, those of the permission model that confines the sandbox included; grade with ${use}`;
}

/** The warning of nodeEndOfLife for the Node running now, on today's date. */
export function thisNodeEndOfLife(): string | undefined {
  return nodeEndOfLife(process.version, new Date().toISOString().slice(0, 10));
}

/**
 * What a grading command says on stderr before it grades, so that no report format changes: a
 * sandbox without namespaces, and a Node past its end of life, are weaker than the docs promise.
 */
export function gradingWarnings(): string[] {
  const iso = isolation();
  const old = thisNodeEndOfLife();
  return [...(!iso.network || !iso.processes ? [iso.summary] : []), ...(old ? [`${old}.`] : [])];
}

/** Uses what another process of this grading call probed, instead of probing again. */
export function useIsolation(known: Isolation): void {
  detected ??= known;
}

export interface LaunchOptions {
  /** The folder of host.mjs (runtime.ts). */
  runtimeDir: string;
  /** The compiled exercise file the sandbox may read. */
  exerciseFile: string;
  /** Heap limit, MB. */
  memoryMb: number;
}

/** The command and arguments that start one sandbox. */
export function sandboxCommand(o: LaunchOptions): string[] {
  const iso = isolation();
  // The permission model checks a file's real location (node_modules is sometimes a link).
  const runtimeDir = realpathSync(o.runtimeDir);
  const exerciseFile = realpathSync(o.exerciseFile);
  // The address space holds the heap, the code, Node's own buffers and thread stacks: the heap
  // limit plus a fixed allowance.
  const limits = iso.addressSpace ? ["prlimit", `--as=${(o.memoryMb + 1536) * 1024 * 1024}`, "--core=0", "--"] : [];
  return [
    ...limits,
    ...iso.prefix,
    process.execPath,
    `--max-old-space-size=${o.memoryMb}`,
    // A sandbox lives for one exercise of one grading: compiling to baseline code at once, and a
    // larger young generation, cut its start-up (a simulation's warm-up) by a tenth or more.
    "--always-sparkplug",
    "--max-semi-space-size=64",
    permissionFlag(),
    ...permissionExtras(),
    `--allow-fs-read=${join(runtimeDir, "*")}`,
    `--allow-fs-read=${exerciseFile}`,
    "--disable-warning=ExperimentalWarning",
    "--disallow-code-generation-from-strings",
    // Error locations in the student's own file and lines (the compiled file carries its source map).
    "--enable-source-maps",
    join(runtimeDir, "host.mjs"),
  ];
}
