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
 * - in the mount namespace that comes with them, a root of its own (`rootScript`): a read-only
 *   tmpfs holding, at their own paths and read-only, only Node's binary and libraries, the
 *   runtime and the compiled file. No other file, folder or Unix socket of the host is there, and
 *   nothing is writable: Node's permission model governs node:fs only, and a net.Socket or the
 *   Pipe handle behind process.stdout would otherwise reach the host's Unix sockets or make socket
 *   files wherever this user can write;
 * - with `setpriv`, a parent-death signal: it dies with the judge that started it; and where the
 *   judge runs as root, none of root's capabilities (`DROP_CAPABILITIES`).
 * What is missing on a machine is reported (`isolation()`), not silently assumed.
 */
import { spawnSync, type SpawnOptions } from "node:child_process";
import { lstatSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { permissionExtras, permissionFlag, sandboxDropsNetwork } from "./permission";

export interface Isolation {
  /** No network: a network namespace of its own. */
  network: boolean;
  /** Cannot see or signal other processes: a PID namespace of its own. */
  processes: boolean;
  /**
   * Sees no file, folder or Unix socket of the host but Node, its runtime and its compiled file,
   * and can create none: a read-only root of its own (rootScript).
   */
  fileSystem: boolean;
  /** What of the host's system every sandbox's root holds; undefined when there is no root. */
  root?: SystemRoot;
  /** Address-space limit (prlimit); without it only the heap is limited. */
  addressSpace: boolean;
  /** Killed when the process that started it dies (setpriv --pdeathsig). */
  diesWithParent: boolean;
  /**
   * Started by root, it runs as root without root's capabilities (DROP_CAPABILITIES); undefined
   * where the judge is not root (its sandboxes have none to give up).
   */
  capabilitiesDropped?: boolean;
  /** The command prefix that provides the above, outermost first. */
  prefix: string[];
  /** What is enforced here, in a sentence, for reports and `--isolation`. */
  summary: string;
}

/** The prefix that gives a process a parent-death signal: it is killed when its parent ends. */
export const DIES_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL", "--"];

/**
 * The prefix that starts Node without any capability, when the judge runs as root: a sandbox would
 * otherwise hold them all (`unshare` as root makes no user namespace), and Node lets code use some
 * without node:fs or a child process: `os.setPriority(0, -20)` puts a sandbox's loops ahead of the
 * judge and of every other sandbox on the machine. Run last, after its root is built (which needs
 * them). No new privileges either: nothing it runs could gain any.
 */
export const DROP_CAPABILITIES = ["setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"];

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

/**
 * Stops (SIGSTOP) or resumes (SIGCONT) process group `pid`: a sandbox is stopped while no question
 * is pending (client.ts). False where that cannot be done (Windows, or the group is gone).
 */
export function pauseGroup(pid: number, paused: boolean): boolean {
  if (process.platform === "win32") return false;
  try {
    process.kill(-pid, paused ? "SIGSTOP" : "SIGCONT");
    return true;
  } catch {
    return false;
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
 * What this machine lets the sandbox enforce; probed once per process (a few dozen milliseconds),
 * or given by the scorer that probed it (`useIsolation`). `RL_SANDBOX_NAMESPACES=0` turns
 * namespaces off, and with them the sandbox's own root, to try the fallback.
 */
export function isolation(): Isolation {
  if (detected) return detected;
  const prefix: string[] = [];
  const diesWithParent = works(DIES_WITH_PARENT);
  if (diesWithParent) prefix.push(...DIES_WITH_PARENT);
  const addressSpace = works(["prlimit", "--as=1073741824", "--"]);
  const asRootUser = process.getuid?.() === 0;
  const capabilitiesDropped = asRootUser ? works(DROP_CAPABILITIES) : undefined;
  const namespacesAllowed = process.env.RL_SANDBOX_NAMESPACES !== "0";
  const asRoot = ["unshare", "--net", "--pid", "--fork", "--mount-proc", "--kill-child", "--"];
  const asUser = ["unshare", "--map-root-user", "--net", "--pid", "--fork", "--mount-proc", "--kill-child", "--"];
  // The usual case costs one probe: namespaces and the root together.
  const system = namespacesAllowed ? systemRoot() : undefined;
  let rootFailed = "";
  const rootWorks = (unshare: string[]): boolean => {
    if (!system) return false;
    const r = probe([...unshare, ...rootCommand(system, [], [], "/"), nodeBinary(), "--version"]);
    if (!r.ok) rootFailed ||= r.said;
    return r.ok;
  };
  let unshare: string[] | undefined;
  let root = false;
  if (namespacesAllowed) {
    for (const candidate of [asRoot, asUser]) {
      if (rootWorks(candidate)) {
        [unshare, root] = [candidate, true];
        break;
      }
    }
    unshare ??= works(asRoot) ? asRoot : works(asUser) ? asUser : undefined;
  }
  const parts = ["file access limited to its own compiled file (Node's permission model), no child processes or workers, an empty environment, its own process group, a heap limit"];
  parts.push(addressSpace ? "an address-space limit (prlimit)" : "NO address-space limit (prlimit is missing): memory outside the heap is not limited");
  parts.push(diesWithParent ? "stopped between questions, and killed with the grader (setpriv)" : "NOT stopped between questions (setpriv is missing): what its code leaves running after answering uses the CPU while the grader judges");
  if (capabilitiesDropped !== undefined) parts.push(capabilitiesDropped ? "none of root's capabilities (setpriv)" : "root's capabilities (setpriv cannot drop them here): student code can raise its priority over the grader's");
  // Node 26 lets the sandbox give up sockets once its channel is open (host.ts): no network and
  // no Unix socket even without namespaces, though nothing else changes.
  const dropsNetwork = sandboxDropsNetwork();
  parts.push(
    unshare
      ? `no network and its own PID namespace (unshare${unshare === asUser ? " in a user namespace" : " as root"})`
      : dropsNetwork
        ? `no network (this Node's permission model: the sandbox gives up sockets once its own channel is open) but NO PID isolation (${whyNoNamespaces(!namespacesAllowed, apparmorRestricts())}): student code can signal this user's other processes`
        : `NO network or PID isolation (${whyNoNamespaces(!namespacesAllowed, apparmorRestricts())}): student code can open network connections and signal this user's other processes`,
  );
  parts.push(
    root
      ? "a read-only root of its own holding only Node, its libraries, its runtime and its compiled file: no other file, folder or Unix socket of the host, and nowhere to write"
      : `the host's files are NOT hidden (${unshare ? `its own root could not be built: ${rootFailed || "unknown reason"}` : "no mount namespace"})${dropsNetwork ? ", though its Unix sockets are out of reach, sockets being given up" : ": student code can connect to the host's Unix sockets and create socket files wherever this user can write"}`,
  );
  detected = {
    network: unshare !== undefined,
    processes: unshare !== undefined,
    fileSystem: root,
    ...(root ? { root: system } : {}),
    addressSpace,
    diesWithParent,
    ...(capabilitiesDropped !== undefined ? { capabilitiesDropped } : {}),
    prefix: [...prefix, ...(unshare ?? [])],
    summary: `Sandbox: ${parts.join("; ")}.`,
  };
  return detected;
}

/** Runs `command`: whether it succeeded, and when it did not, the last line it wrote on stderr. */
function probe(command: string[]): { ok: boolean; said: string } {
  try {
    const r = spawnSync(command[0], command.slice(1), { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 10_000 });
    const said = (r.stderr ?? "").trim().split("\n").at(-1) ?? "";
    return { ok: r.status === 0, said: said || (r.error?.message ?? (r.signal ? `ended by ${r.signal}` : `exit code ${r.status}`)) };
  } catch (error) {
    return { ok: false, said: (error as Error).message };
  }
}

/**
 * What of the host's system a sandbox's root holds, the same for every sandbox, at the same paths:
 * /usr, and /bin, /sbin and the /lib folders as this machine has them (links, as on merged-/usr
 * systems, or folders), with Node's binary where it lives elsewhere.
 */
export interface SystemRoot {
  /** Folders bound read-only (their programs can run). */
  dirs: string[];
  /** Links made as the host has them: [path, target]. */
  links: [string, string][];
  /** Files bound read-only that can run: Node's binary when it is outside `dirs`. */
  files: string[];
}

/** The Node binary a sandbox runs, by its real path (the only one its root has). */
function nodeBinary(): string {
  return realpathSync(process.execPath);
}

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);

function systemRoot(): SystemRoot | undefined {
  if (process.platform !== "linux") return undefined;
  const root: SystemRoot = { dirs: [], links: [], files: [] };
  for (const path of ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]) {
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) root.links.push([path, readlinkSync(path)]);
      else if (stat.isDirectory()) root.dirs.push(path);
    } catch {
      // not on this machine
    }
  }
  if (!root.dirs.includes("/usr")) return undefined;
  const node = nodeBinary();
  if (!root.dirs.some((dir) => within(node, dir))) root.files.push(node);
  return root;
}

/** A word for the shell, quoted. */
const sh = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/** Where the host's root goes while the sandbox's root is built, inside it (then removed). */
const HOST = "/.host-root";

/**
 * The shell script that builds a sandbox's root and then runs the command given after it, in
 * `cwd`. It runs as the first process of the sandbox's namespaces, as their root user (`unshare`):
 * 1. mounts a tmpfs on /tmp (the new root), makes in it the folders and files to mount things on,
 *    the host's /lib… links, and binds the host's system folders on them, read-only;
 * 2. makes that tmpfs the root (pivot_root), the host's root going to /.host-root, from which it
 *    binds `dirs` and `files` (the runtime, the compiled file) read-only at their own paths;
 * 3. detaches the host's root, removes what held it (and /proc, a link to its procfs that umount
 *    needed), makes the tmpfs read-only, and runs the command.
 * Binds keep nosuid and nodev (which a user namespace may not drop), and the data bound is not
 * executable. The mounts are the namespace's own: the host sees none of them.
 */
export function rootScript(system: SystemRoot, dirs: string[], files: string[], cwd: string): string {
  const rel = (path: string): string => sh(`.${path}`);
  const allFiles = [...system.files, ...files];
  const folders = [...new Set([HOST, ...system.dirs, ...dirs, ...allFiles.map((f) => dirname(f))])].filter((d) => d !== "/");
  const bind = (flags: string, from: string, to: string): string => `mount -c --bind -o ro,nosuid,nodev${flags} ${sh(from)} ${sh(to)}`;
  const byDepth = (a: string, b: string): number => a.split("/").length - b.split("/").length;
  return [
    "set -e",
    "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
    "mount -t tmpfs -o mode=755,size=1m rl-sandbox-root /tmp",
    "cd /tmp",
    `mkdir -p ${folders.map(rel).join(" ")}`,
    ...links([...system.links, ["/proc", `${HOST.slice(1)}/proc`]]),
    ...allFiles.map((f) => `: > ${rel(f)}`),
    ...system.dirs.map((d) => bind("", d, `/tmp${d}`)),
    `pivot_root . ${rel(HOST)}`,
    ...[...dirs].sort(byDepth).map((d) => bind(",noexec", `${HOST}${d}`, d)),
    ...system.files.map((f) => bind("", `${HOST}${f}`, f)),
    ...files.map((f) => bind(",noexec", `${HOST}${f}`, f)),
    `umount -l ${HOST}`,
    `rm -d /proc ${HOST}`,
    "mount -c -o remount,ro /",
    `cd ${sh(cwd)}`,
    // cd exports these: the command gets the environment the shell got (empty).
    "unset PWD OLDPWD",
    'exec "$@"',
  ].join("\n");
}

/**
 * `ln` commands that make `links` ([path, target]) in the new root: one for all those in its top
 * folder named as their target's last part (/lib -> usr/lib), one for each other.
 */
function links(list: [string, string][]): string[] {
  const together = list.filter(([path, target]) => dirname(path) === "/" && basename(path) === basename(target));
  const alone = list.filter((link) => !together.includes(link));
  return [
    ...(together.length ? [`ln -s ${together.map(([, target]) => sh(target)).join(" ")} .`] : []),
    ...alone.map(([path, target]) => `ln -s ${sh(target)} ${sh(`.${path}`)}`),
  ];
}

/** The command that builds a sandbox's root (rootScript) and runs the command that follows it. */
export function rootCommand(system: SystemRoot, dirs: string[], files: string[], cwd: string): string[] {
  return ["/bin/sh", "-c", rootScript(system, dirs, files, cwd), "rl-sandbox-root"];
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
  return [...(!iso.network || !iso.processes || !iso.fileSystem || iso.capabilitiesDropped === false ? [iso.summary] : []), ...(old ? [`${old}.`] : [])];
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
  /**
   * V8 without helper threads (`--single-threaded`): collection and compilation run on the
   * sandbox's own thread. Less CPU time in all, more wall time: for a batch, which waits for the
   * machine's CPU time, not for one notebook check, which waits for its sandbox's wall time
   * (grader/SPEED.md).
   */
  singleThreaded?: boolean;
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
  // Its own root holds the runtime and the compiled file, and Node's binary at its real path.
  const drop = iso.capabilitiesDropped ? DROP_CAPABILITIES : [];
  const root = iso.root ? [...rootCommand(iso.root, [runtimeDir], [exerciseFile], runtimeDir), ...drop, nodeBinary()] : [...drop, process.execPath];
  return [
    ...limits,
    ...iso.prefix,
    ...root,
    `--max-old-space-size=${o.memoryMb}`,
    // A sandbox lives for one exercise of one grading: compiling to baseline code at once, and a
    // larger young generation, cut its start-up (a simulation's warm-up) by a tenth or more.
    "--always-sparkplug",
    "--max-semi-space-size=64",
    ...(o.singleThreaded ? ["--single-threaded"] : []),
    permissionFlag(),
    ...permissionExtras(),
    `--allow-fs-read=${join(runtimeDir, "*")}`,
    `--allow-fs-read=${exerciseFile}`,
    "--disable-warning=ExperimentalWarning",
    "--disallow-code-generation-from-strings",
    // V8's flags stay as set here: `v8.setFlagsFromString` would otherwise turn on
    // --allow-natives-syntax for code that node:vm compiles (V8's internal functions, which trust
    // their arguments: a memory-safety surface inside the process that enforces the permission
    // model), or turn code from strings back on. A change aborts the sandbox instead.
    "--freeze-flags-after-init",
    // Node 20's permission model lets node:trace_events write trace files (node_trace.N.log, in the
    // working folder: the runtime's, where the sandbox has no root of its own), hundreds of MB a
    // second of them; from Node 22 it refuses tracing without --allow-fs-write. Wherever they go,
    // they go nowhere.
    "--trace-event-file-pattern=/dev/null",
    // Error locations in the student's own file and lines (the compiled file carries its source map).
    "--enable-source-maps",
    join(runtimeDir, "host.mjs"),
  ];
}
