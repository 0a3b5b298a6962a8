import { spawnSync } from "node:child_process";

/**
 * Node's permission model flag: `--experimental-permission` on Node 20 and 21, `--permission`
 * from Node 22.13 (where the old name is kept for a while). Whichever this Node accepts.
 */
export function permissionFlag(): string {
  const flags = process.allowedNodeEnvironmentFlags;
  return flags.has("--permission") ? "--permission" : "--experimental-permission";
}

/**
 * Flags the permission model needs besides, whichever this Node accepts:
 * - `--allow-net` (Node 25+, where the model also denies the network): without it the sandbox
 *   cannot open its own request channel, `new Socket({ fd: 3 })` in host.ts (ERR_ACCESS_DENIED).
 *   The network stays closed by the network namespace (launch.ts), as on Node 20 to 24, and on
 *   Node 26 also by the sandbox itself, which gives sockets up once that channel is open (host.ts).
 * - `--no-experimental-sqlite` (Node 22+): node:sqlite opens and writes database files past the
 *   permission model, which governs node:fs only.
 * - `--no-experimental-ffi` (Node 26+, where node:ffi is on by default): loading native code and
 *   reading or writing raw memory. The permission model refuses every call of it without
 *   `--allow-ffi`; the module is left out all the same, so that no flaw in that check can hand
 *   student code the process's memory.
 */
export function permissionExtras(): string[] {
  const flags = process.allowedNodeEnvironmentFlags;
  return ["--allow-net", "--no-experimental-sqlite", "--no-experimental-ffi"].filter((flag) => flags.has(flag));
}

let drops: boolean | undefined;

/**
 * Whether a sandbox on this Node gives up the network once its channel is open (host.ts): where
 * the permission model governs sockets (Node 25+) and a permission can be given up at run time
 * (`process.permission.drop`, Node 26+). A connection then fails with ERR_ACCESS_DENIED before
 * the network namespace is reached. Probed once per process.
 */
export function sandboxDropsNetwork(): boolean {
  drops ??=
    process.allowedNodeEnvironmentFlags.has("--allow-net") &&
    spawnSync(process.execPath, [permissionFlag(), "-e", "process.exit(typeof process.permission.drop === 'function' ? 0 : 1)"]).status === 0;
  return drops;
}
