/**
 * A model registry as a simulated workload: the lesson's third design prompt ("for model registry
 * state, would you allow follower reads?") made runnable, so each kind of registry read can be
 * routed on its own and its staleness measured (`stalenessByOperation`).
 *
 * One model's registry over a busy database: data scientists register versions and read each
 * back at once; release engineers promote a version to production and read the pointer back;
 * serving nodes poll the production pointer; dashboards list the versions; an auditor reads the
 * audit log. Every read carries its operation as its `purpose`. One follower turns slow for a
 * while, so "any follower" is sometimes far behind. Exercise 03 grades a policy on a registry of
 * the same kind (its own seeds, rates and limits).
 */
import type { ScriptedOp, SimConfig } from "./config";
import { checkOptions } from "./config/check";
import { checkDist, exponential, type Dist } from "./dist";
import { ConfigError, checkInteger, checkNumber } from "./errors";
import { anyFollower, compileRouting, type ReadRouting, type RouterFn } from "./reads";
import { randomInt, stream } from "./rng";

/** The registry's operations, as the `purpose` of their reads. */
export const REGISTRY_OPERATIONS = ["register-version", "promote", "serve-model", "list-versions", "read-audit-log"] as const;
export type RegistryOperation = (typeof REGISTRY_OPERATIONS)[number];

export interface ModelRegistryOptions {
  /** The same seed gives the same story and the same delays. Default 1. */
  seed?: number;
  /** Followers "A", "B", …. Default 3. */
  followers?: number;
  /** Replication delay to each follower: a number is the mean of an exponential delay, in ms. Default 2. */
  lagMs?: number | Dist;
  /** One routing for every read, or one per operation (operations left out go to any follower). Default any follower. */
  routing?: ReadRouting | Partial<Record<RegistryOperation, ReadRouting>>;
  /** Length of the run, ms. Default 2000. */
  durationMs?: number;
  /** Serving nodes, each reading the production pointer about every 10 ms. Default 12. */
  servers?: number;
  /** Dashboards, each listing the versions about every 8 ms. Default 5. */
  dashboards?: number;
  /** A follower that turns slow for a while; null for none. Default C, 40 times slower from 600 to 1400 ms. */
  slowFollower?: { node: string; fromMs: number; toMs: number; factor: number } | null;
  /** Writes of other models to other keys, per second. Default 400. */
  backgroundWritesPerSec?: number;
}

const MODEL = "model:ranker";
/** The registry's keys. */
export const REGISTRY_KEYS = {
  production: `${MODEL}:production`,
  versions: `${MODEL}:versions`,
  audit: `${MODEL}:audit`,
  version: (n: number) => `${MODEL}:v${n}`,
};

/** A complete configuration: `simulate(modelRegistry({ routing: … }))`. */
export function modelRegistry(o: ModelRegistryOptions = {}): SimConfig {
  checkOptions("", o, ["seed", "followers", "lagMs", "routing", "durationMs", "servers", "dashboards", "slowFollower", "backgroundWritesPerSec"], "modelRegistry takes an options object such as { seed: 2 }");
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new ConfigError("seed", seed, "it must be a whole number, e.g. seed: 7");
  const followers = checkInteger("followers", o.followers ?? 3, 1, 26);
  const lagMs = o.lagMs ?? 2;
  const lag = typeof lagMs === "number" ? exponential({ meanMs: checkNumber("lagMs", lagMs, 0, 1e6, "it must be a mean delay >= 0 ms, or a distribution") }) : checkDist(lagMs, "lagMs");
  const durationMs = checkNumber("durationMs", o.durationMs ?? 2000, 200, 600_000, "it must be from 200 ms to 10 minutes");
  const servers = checkInteger("servers", o.servers ?? 12, 0, 1000);
  const dashboards = checkInteger("dashboards", o.dashboards ?? 5, 0, 1000);
  const background = checkNumber("backgroundWritesPerSec", o.backgroundWritesPerSec ?? 400, 0, 1e6);
  const slow = o.slowFollower === undefined ? { node: "C", fromMs: 600, toMs: 1400, factor: 40 } : o.slowFollower;

  const rng = stream(seed, "model-registry");
  const script: ScriptedOp[] = [];
  const write = (atMs: number, client: string, key: string, value: string, afterOp?: string, label?: string) =>
    script.push({ kind: "write", atMs, client, key, value, ...(afterOp ? { afterOp } : {}), ...(label ? { label } : {}) });
  const read = (atMs: number, client: string, key: string, purpose: RegistryOperation, afterOp?: string) =>
    script.push({ kind: "read", atMs, client, keys: [key], purpose, ...(afterOp ? { afterOp } : {}) });

  // Version 0 is in production from the start.
  write(0, "registry", REGISTRY_KEYS.version(0), "v0: registered at setup");
  write(0.1, "registry", REGISTRY_KEYS.versions, "v0");
  write(0.2, "registry", REGISTRY_KEYS.production, "v0");
  write(0.3, "registry", REGISTRY_KEYS.audit, "v0 registered, v0 promoted");
  // A version every ~100 ms, read back by its author as soon as it is acknowledged.
  const registeredAtMs = [0];
  for (let t = 50 + 50 * rng.next(); t < durationMs - 50; t += 75 + 50 * rng.next()) {
    const n = registeredAtMs.length;
    const author = `scientist${1 + randomInt(rng, 3)}`;
    const label = `register v${n}`;
    write(t, author, REGISTRY_KEYS.version(n), `v${n}: registered by ${author}`, undefined, label);
    write(0, "registry", REGISTRY_KEYS.versions, `v0..v${n}`, label);
    write(0.1, "registry", REGISTRY_KEYS.audit, `v${n} registered by ${author}`, label);
    read(0, author, REGISTRY_KEYS.version(n), "register-version", label);
    registeredAtMs.push(t);
  }
  // A promotion every ~250 ms of the newest version by then, read back by its engineer at once.
  for (let t = 200 + 100 * rng.next(), p = 1; t < durationMs - 50; t += 200 + 100 * rng.next(), p++) {
    const newest = registeredAtMs.filter((r) => r < t - 5).length - 1;
    const engineer = `release${1 + randomInt(rng, 2)}`;
    const label = `promote ${p}`;
    write(t, engineer, REGISTRY_KEYS.production, `v${newest}`, undefined, label);
    write(0, "registry", REGISTRY_KEYS.audit, `v${newest} promoted by ${engineer}`, label);
    read(0, engineer, REGISTRY_KEYS.production, "promote", label);
  }
  // Readers that poll, each at its own pace.
  const poll = (client: string, key: string, purpose: RegistryOperation, everyMs: number) => {
    for (let t = everyMs * rng.next(); t < durationMs; t += everyMs * (0.8 + 0.4 * rng.next())) read(t, client, key, purpose);
  };
  for (let i = 1; i <= servers; i++) poll(`server${i}`, REGISTRY_KEYS.production, "serve-model", 10);
  for (let i = 1; i <= dashboards; i++) poll(`dashboard${i}`, REGISTRY_KEYS.versions, "list-versions", 8);
  poll("auditor", REGISTRY_KEYS.audit, "read-audit-log", 40);

  return {
    seed,
    followers,
    network: { toFollowerMs: lag },
    // Other models' registry traffic keeps the replication stream busy.
    workload: background > 0 ? { writesPerSec: background, durationMs, keys: 100, script } : { writes: 0, script },
    reads: { readsPerSec: 0, routing: registryRouter(o.routing) },
    faults: slow === null ? [] : [{ node: slow.node, kind: "slow", fromMs: slow.fromMs, toMs: slow.toMs, factor: slow.factor }],
  };
}

/** One router that sends each registry read by its operation to that operation's routing. */
export function registryRouter(routing: ModelRegistryOptions["routing"] = anyFollower()): RouterFn {
  const isPolicy = typeof routing === "function" || (typeof routing === "object" && routing !== null && "kind" in routing);
  if (isPolicy) return compileRouting(routing as ReadRouting);
  if (typeof routing !== "object" || routing === null) throw new ConfigError("routing", routing, "it must be a routing such as anyFollower(), or one per operation");
  for (const op of Object.keys(routing)) {
    if (!(REGISTRY_OPERATIONS as readonly string[]).includes(op)) {
      throw new ConfigError(`routing["${op}"]`, op, `it must be one of the registry's operations: ${REGISTRY_OPERATIONS.join(", ")}`);
    }
  }
  const fallback = compileRouting(anyFollower());
  const routers = new Map<string, RouterFn>();
  for (const [op, r] of Object.entries(routing)) if (r !== undefined) routers.set(op, compileRouting(r as ReadRouting));
  return (ctx) => (routers.get(ctx.purpose ?? "") ?? fallback)(ctx);
}
