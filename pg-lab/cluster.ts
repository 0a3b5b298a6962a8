/**
 * A PostgreSQL primary and two streaming standbys in a temporary folder, all on 127.0.0.1.
 *
 * Standby s1 reaches the primary through a DelayProxy, so its network delay is known and can be
 * changed or cut; s2 connects directly. Both use replication slots, so the primary keeps the WAL
 * a lagging or cut-off standby still needs. The slots are made before the standbys are copied:
 * pg_basebackup -C would make its slot only once its WAL stream starts, and on a busy machine a
 * checkpoint in between (the other standby's copy asks for one) could recycle the WAL the copy
 * begins with ("requested WAL segment … has already been removed").
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statfsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { onCleanup } from "./cleanup";
import { DelayProxy } from "./delay-proxy";
import { freePorts } from "./ports";
import type { PostgresInstall } from "./postgres-install";
import { withRetries } from "./retry";
import { giveToPostgres, runServerProgram, runServerProgramSync } from "./run-as-postgres";

export type NodeName = "primary" | "s1" | "s2";
export const STANDBYS = ["s1", "s2"] as const;

/** What pg_stat_replication.sync_state shows for a standby. */
export type SyncState = "async" | "sync" | "potential" | "quorum";

/** Tries for a step a busy machine can make fail once (see retry.ts). */
const ATTEMPTS = 3;

export class Cluster {
  private clients = new Set<pg.Client>();
  private stopped = new Set<NodeName>();
  /** Servers stopped or crashed on purpose: their clients' connection errors are expected. */
  private expectedDown = new Set<NodeName>();
  private removeFolder: () => void = () => undefined;
  private closeProxy: () => void = () => undefined;
  private stopServers = new Map<NodeName, () => void>();

  private constructor(
    readonly pg: PostgresInstall,
    readonly root: string,
    readonly ports: Record<NodeName | "proxy", number>,
    readonly proxy: DelayProxy,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * initdb, start the primary, base-backup two standbys and wait until both stream. A transient
   * failure (see retry.ts) starts over with a fresh folder and fresh ports, saying so in the log.
   */
  static async create(pgInstall: PostgresInstall, log: (line: string) => void = () => undefined): Promise<Cluster> {
    return withRetries("starting a primary and two standbys", () => Cluster.createOnce(pgInstall, log), { attempts: ATTEMPTS, log });
  }

  private static async createOnce(pgInstall: PostgresInstall, log: (line: string) => void): Promise<Cluster> {
    const root = mkdtempSync(path.join(diskBackedTempDir(), "pg-lab-"));
    const removeFolder = onCleanup(`remove ${root}`, () => rmSync(root, { recursive: true, force: true }));
    try {
      giveToPostgres(root);
    } catch (err) {
      removeFolder();
      throw err;
    }
    const [primary, s1, s2, proxyPort] = await freePorts(4);
    const ports = { primary, s1, s2, proxy: proxyPort };
    const proxy = new DelayProxy({ listenPort: proxyPort, targetPort: primary });
    const cluster = new Cluster(pgInstall, root, ports, proxy, log);
    cluster.removeFolder = removeFolder;
    try {
      await cluster.initPrimary();
      await proxy.start();
      cluster.closeProxy = onCleanup("close delay proxy", () => void proxy.close());
      for (const name of STANDBYS) {
        // Reserves WAL from now on (the `true`), before any copy starts.
        await cluster.query("primary", "SELECT pg_create_physical_replication_slot($1, true)", [name]);
      }
      // Both standbys at once: most of the time goes into waiting for checkpoints and start-up.
      await Promise.all([cluster.addStandby("s1", proxyPort), cluster.addStandby("s2", primary)]);
      await cluster.waitForStreaming();
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
    return cluster;
  }

  dataDir(node: NodeName): string {
    return path.join(this.root, node);
  }

  logFile(node: NodeName): string {
    return path.join(this.root, `${node}.log`);
  }

  private async initPrimary(): Promise<void> {
    const dir = this.dataDir("primary");
    await runServerProgram(this.pg, "initdb", [
      "-D", dir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
    ]);
    appendFileSync(
      path.join(dir, "postgresql.conf"),
      [
        "",
        "# Replication Lab",
        "listen_addresses = '127.0.0.1'",
        `port = ${this.ports.primary}`,
        `unix_socket_directories = '${this.root}'`,
        "wal_level = replica",
        "max_wal_senders = 10",
        "max_replication_slots = 10",
        "hot_standby = on",
        // A standby cut off by the proxy retries its connection this often (default 5 s).
        "wal_retrieve_retry_interval = '100ms'",
        // Times every WAL write and fsync (pg_stat_wal, PostgreSQL 14 and newer): the primary's
        // local flush, measured directly.
        ...(this.pg.version >= 14 ? ["track_wal_io_timing = on"] : []),
        "shared_buffers = '32MB'",
        "max_connections = 50",
        "",
      ].join("\n"),
    );
    await this.startServer("primary");
  }

  private async addStandby(name: "s1" | "s2", upstreamPort: number): Promise<void> {
    const dir = this.dataDir(name);
    await withRetries(
      `copying the primary for ${name} (pg_basebackup)`,
      () =>
        runServerProgram(this.pg, "pg_basebackup", [
          "-h", "127.0.0.1", "-p", String(upstreamPort), "-U", "postgres", "-D", dir,
          // -S with the slot made beforehand; -R writes primary_conninfo and primary_slot_name.
          "-R", "-X", "stream", "-c", "fast", "-S", name, "-d", `application_name=${name}`,
          // A throwaway copy: no fsync of the copied files, no manifest of their checksums.
          "--no-sync", "--no-manifest",
        ]),
      { attempts: ATTEMPTS, log: this.log, cleanUp: () => rmSync(dir, { recursive: true, force: true }) },
    );
    // The base backup copied the primary's postgresql.conf; a later line wins.
    appendFileSync(path.join(dir, "postgresql.conf"), `port = ${this.ports[name]}\n`);
    await this.startServer(name);
  }

  private async startServer(node: NodeName): Promise<void> {
    try {
      await runServerProgram(this.pg, "pg_ctl", ["-D", this.dataDir(node), "-l", this.logFile(node), "-w", "-t", "60", "start"]);
    } catch (err) {
      // pg_ctl only says "could not start server"; the reason (a port taken, say) is in the log.
      throw new Error(`${(err as Error).message}\n--- ${node} log ---\n${this.logTail(node)}`);
    } finally {
      // Also after a failed start: a postmaster may be up even though pg_ctl gave up waiting.
      this.stopped.delete(node);
      this.expectedDown.delete(node);
      this.stopServers.set(node, onCleanup(`stop ${node}`, () => this.stopSync(node, "immediate")));
    }
  }

  /**
   * Stops a server now, synchronously, with `pg_ctl stop -m <mode>`; if that fails, with
   * `-m immediate`; if the postmaster still runs, it is killed. The lab's clusters are thrown away,
   * so their cleanup uses `immediate` (no shutdown checkpoint: quick even on a loaded machine).
   */
  stopSync(node: NodeName, mode: "fast" | "immediate"): void {
    if (this.stopped.has(node)) return;
    this.expectedDown.add(node);
    const dir = this.dataDir(node);
    const pidFile = path.join(dir, "postmaster.pid");
    if (existsSync(pidFile)) {
      const ok =
        runServerProgramSync(this.pg, "pg_ctl", ["-D", dir, "-m", mode, "-w", "-t", "10", "stop"]) ||
        runServerProgramSync(this.pg, "pg_ctl", ["-D", dir, "-m", "immediate", "-w", "-t", "10", "stop"]);
      if (!ok && existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
        if (Number.isInteger(pid) && pid > 1) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // Already gone.
          }
        }
      }
    }
    this.stopped.add(node);
  }

  /**
   * Crashes the primary: an immediate shutdown (SIGQUIT to the postmaster, as `pg_ctl stop -m
   * immediate` sends), so no shutdown checkpoint and no last WAL for the standbys. The signal is
   * sent at once, from this process, so that the caller knows the moment of the crash to within a
   * millisecond; `atSignal` runs right after it, before `pg_ctl stop -m immediate` is started to
   * wait until the server is down (starting a program blocks this process for tens of
   * milliseconds on a busy machine, during which the lab's proxy forwards nothing).
   */
  async crashPrimary(atSignal: () => void = () => undefined): Promise<void> {
    const pidFile = path.join(this.dataDir("primary"), "postmaster.pid");
    this.expectedDown.add("primary");
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no postmaster pid in ${pidFile}`);
    process.kill(pid, "SIGQUIT");
    atSignal();
    await runServerProgram(this.pg, "pg_ctl", ["-D", this.dataDir("primary"), "-m", "immediate", "-w", "-t", "30", "stop"]).catch(() => {
      // Already down before pg_ctl looked: that is what we wanted.
    });
    if (!existsSync(pidFile)) this.stopped.add("primary");
  }

  async promote(node: "s1" | "s2"): Promise<void> {
    await runServerProgram(this.pg, "pg_ctl", ["-D", this.dataDir(node), "-w", "-t", "60", "promote"]);
  }

  /**
   * A client of one server, with an 'error' listener so that a server crash cannot kill this
   * process; `viaProxy` reaches the primary through s1's delaying proxy.
   */
  async connect(node: NodeName, applicationName = "pg-lab", options: { viaProxy?: boolean } = {}): Promise<pg.Client> {
    if (options.viaProxy && node !== "primary") throw new Error("only the primary is reached through the proxy");
    const client = new pg.Client({
      host: "127.0.0.1",
      // The proxy forwards to the primary: a client through it takes s1's path to the primary.
      port: options.viaProxy ? this.ports.proxy : this.ports[node],
      user: "postgres",
      database: "postgres",
      application_name: applicationName,
    });
    client.on("error", (err) => {
      // Expected when a server is crashed on purpose; the query in flight rejects as well.
      if (!this.expectedDown.has(node)) console.error(`connection to ${node}: ${err.message}`);
    });
    await client.connect();
    this.clients.add(client);
    client.once("end", () => this.clients.delete(client));
    return client;
  }

  /** Runs one statement on a short-lived connection. */
  async exec(node: NodeName, sql: string): Promise<pg.QueryResult> {
    return this.query(node, sql, []);
  }

  /** Runs one statement with parameters on a short-lived connection. */
  async query(node: NodeName, sql: string, values: unknown[]): Promise<pg.QueryResult> {
    const client = await this.connect(node, "pg-lab-admin");
    try {
      return await client.query(sql, values);
    } finally {
      await endClient(client);
    }
  }

  /** Sets a server parameter with ALTER SYSTEM and reloads the configuration. */
  async setParameter(node: NodeName, name: string, value: string): Promise<void> {
    const client = await this.connect(node, "pg-lab-admin");
    try {
      await client.query(`ALTER SYSTEM SET ${client.escapeIdentifier(name)} = ${client.escapeLiteral(value)}`);
      await client.query("SELECT pg_reload_conf()");
      // The reload is asynchronous: wait until this backend sees the new value.
      await waitFor(`${node}: ${name} = '${value}'`, 10_000, async () => {
        const shown = await client.query("SELECT setting, unit FROM pg_settings WHERE name = $1", [name]);
        return shown.rows.length === 1 && sameSetting(shown.rows[0].setting, shown.rows[0].unit, value);
      });
    } finally {
      await endClient(client);
    }
  }

  async syncStates(): Promise<Map<string, { state: string; syncState: SyncState }>> {
    const result = await this.exec("primary", "SELECT application_name, state, sync_state FROM pg_stat_replication");
    return new Map(result.rows.map((r) => [r.application_name as string, { state: r.state, syncState: r.sync_state }]));
  }

  /**
   * Sets synchronous_standby_names on the primary and waits until every standby streams with the
   * expected sync_state, so that the next commit really waits for what the setting says.
   */
  async setSyncStandbys(value: string, expected: Partial<Record<"s1" | "s2", SyncState>>): Promise<void> {
    await this.setParameter("primary", "synchronous_standby_names", value);
    await waitFor(`sync states ${JSON.stringify(expected)} for '${value}'`, 20_000, async () => {
      const states = await this.syncStates();
      return Object.entries(expected).every(([name, want]) => {
        const got = states.get(name);
        return got !== undefined && got.state === "streaming" && got.syncState === want;
      });
    });
  }

  async waitForStreaming(names: readonly string[] = STANDBYS): Promise<void> {
    await waitFor(`standbys ${names.join(", ")} streaming`, 30_000, async () => {
      const states = await this.syncStates();
      return names.every((n) => states.get(n)?.state === "streaming");
    });
  }

  /** Waits until a standby has replayed everything the primary has flushed so far. */
  async waitForReplay(standby: "s1" | "s2", timeoutMs = 20_000): Promise<void> {
    const lsn = (await this.exec("primary", "SELECT pg_current_wal_flush_lsn() AS lsn")).rows[0].lsn as string;
    await waitFor(`${standby} replaying up to ${lsn}`, timeoutMs, async () => {
      const r = await this.exec(standby, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`);
      return r.rows[0].done === true;
    });
  }

  /** Stops everything and removes the folder. Safe to call more than once. */
  async destroy(): Promise<void> {
    await Promise.all([...this.clients].map(endClient));
    this.clients.clear();
    await this.proxy.close();
    this.closeProxy();
    for (const node of ["s2", "s1", "primary"] as const) {
      const stop = this.stopServers.get(node);
      this.stopServers.delete(node);
      stop?.();
    }
    this.removeFolder();
  }

  /** The last lines of a server's log, for error messages. */
  logTail(node: NodeName, lines = 20): string {
    try {
      return readFileSync(this.logFile(node), "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }
}

const TMPFS_MAGIC = 0x01021994;

/**
 * The temporary folder, unless it lives in memory (tmpfs): there fsync costs nothing, and the
 * difference between synchronous_commit off and local, which is the cost of fsync, would vanish.
 */
function diskBackedTempDir(): string {
  const candidates = [process.env.PG_LAB_TMPDIR, os.tmpdir(), "/var/tmp"].filter((d): d is string => !!d);
  for (const dir of candidates) {
    try {
      if (statfsSync(dir).type !== TMPFS_MAGIC) return dir;
    } catch {
      // Not there: try the next one.
    }
  }
  return os.tmpdir();
}

/** Compares pg_settings' (setting, unit) with a value as written in ALTER SYSTEM ('20ms', 'on', …). */
function sameSetting(setting: string, unit: string | null, value: string): boolean {
  if (setting === value) return true;
  const match = /^(\d+)\s*(ms|s|min)?$/.exec(value.trim());
  if (match && unit) {
    const toMs = { ms: 1, s: 1000, min: 60_000 } as const;
    const valueMs = Number(match[1]) * toMs[(match[2] ?? unit) as keyof typeof toMs];
    const settingMs = Number(setting) * (toMs[unit as keyof typeof toMs] ?? NaN);
    return valueMs === settingMs;
  }
  return false;
}

/** Closes a client; gives up after a second (a client of a crashed server may never hear back). */
export async function endClient(client: pg.Client): Promise<void> {
  await Promise.race([client.end().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
}

export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
