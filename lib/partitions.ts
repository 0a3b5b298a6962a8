/**
 * Network partitions: for a window of time, the links between groups of endpoints are cut.
 *
 * An endpoint is a database node ("L", "A", …), a client ("c0", "alice", or "clients" for all of
 * them), a member of whatever decides failover ("M1", "M2", …, or "coordinator" for all of them)
 * or a storage node of the fencing storage ("S1", …, or "storage"). A partition names two or more
 * sides; every link between endpoints on different sides is cut, and endpoints it does not name
 * keep all their links. `sides: [["L"], ["A", "B", "M1", "clients"]]` isolates the leader;
 * `sides: [["L"], ["M1"]]` cuts only the link between the leader and the monitor.
 *
 * What a cut does to a message depends on what the message is (see lib/sim/links.ts): the
 * replication stream, confirmations, answers and the coordinator's news are held and delivered
 * when the link heals (they travel over connections that retry); heartbeats are lost; a client's
 * request is lost, and the client gives up after its timeout, unless `messages: "hold"` asks for
 * requests to wait too.
 */
import { checkArray, checkOptions, checkTime } from "./config/check";
import { ConfigError, checkNumber } from "./errors";

/** A partition over a time window. */
export interface PartitionFault {
  fromMs: number;
  /** When the partition heals; omitted means never. */
  toMs?: number;
  /** Two or more groups of endpoint names; links between groups are cut. */
  sides: string[][];
  /** What happens to a client's request sent across the cut: "drop" (the default: the client times out) or "hold". */
  messages?: "drop" | "hold";
}

/** A partition with every name checked and every group name ("clients", "coordinator", "storage") expanded. */
export interface NormalizedPartition {
  fromMs: number;
  toMs: number;
  sides: string[][];
  holdRequests: boolean;
}

/** Every endpoint name a partition may use, by kind. */
export interface Endpoints {
  nodes: readonly string[];
  clients: readonly string[];
  coordinator: readonly string[];
  storage: readonly string[];
}

const GROUPS: Record<string, keyof Endpoints> = { clients: "clients", coordinator: "coordinator", storage: "storage" };

/** Checks the sides of a partition (at `field`) and expands group names. */
export function normalizeSides(field: string, sides: unknown, endpoints: Endpoints): string[][] {
  const example = 'e.g. [["L"], ["A", "B", "M1", "clients"]]';
  if (!Array.isArray(sides) || sides.length < 2) throw new ConfigError(field, sides, `it must list two or more groups of endpoints, ${example}`);
  const known = new Set([...endpoints.nodes, ...endpoints.clients, ...endpoints.coordinator, ...endpoints.storage]);
  const sideOf = new Map<string, number>();
  return sides.map((side, i) => {
    if (!Array.isArray(side) || side.length === 0) throw new ConfigError(`${field}[${i}]`, side, `each group must be a non-empty list of endpoint names, ${example}`);
    const out: string[] = [];
    for (const name of side) {
      const expanded = typeof name === "string" && name in GROUPS ? endpoints[GROUPS[name]] : [name];
      if (typeof name === "string" && name in GROUPS && expanded.length === 0) {
        throw new ConfigError(`${field}[${i}]`, name, `there are no ${name} endpoints in this run`);
      }
      for (const e of expanded) {
        if (typeof e !== "string" || !known.has(e)) {
          throw new ConfigError(
            `${field}[${i}]`,
            e,
            `it must name an endpoint: a node (${endpoints.nodes.join(", ")}), a client or "clients", ` +
              `${endpoints.coordinator.length ? `a coordinator member (${endpoints.coordinator.join(", ")}) or "coordinator"` : "a coordinator member (none in this run: it has no failover)"}` +
              `${endpoints.storage.length ? `, a storage node (${endpoints.storage.join(", ")}) or "storage"` : ""}`,
          );
        }
        const before = sideOf.get(e);
        if (before !== undefined && before !== i) throw new ConfigError(`${field}[${i}]`, e, `"${e}" is already in group ${before}: an endpoint can be on one side only`);
        if (before === undefined) out.push(e);
        sideOf.set(e, i);
      }
    }
    return out;
  });
}

const PARTITION_KEYS = ["fromMs", "toMs", "sides", "messages"] as const;

/** Checks the `partitions` section of a configuration. */
export function normalizePartitions(partitions: unknown, endpoints: Endpoints): NormalizedPartition[] {
  if (partitions === undefined) return [];
  checkArray("partitions", partitions, 'partitions, e.g. [{ fromMs: 500, toMs: 900, sides: [["L"], ["A", "B", "M1", "clients"]] }]');
  return partitions.map((p, i) => normalizePartition(`partitions[${i}]`, p as PartitionFault, endpoints));
}

/** Checks one partition at `field`. */
export function normalizePartition(field: string, f: PartitionFault, endpoints: Endpoints): NormalizedPartition {
  checkOptions(field, f, PARTITION_KEYS);
  const fromMs = checkTime(`${field}.fromMs`, f.fromMs, 0, "it must be a time >= 0 ms (the run starts at 0)");
  const toMs = f.toMs === undefined ? Infinity : checkNumber(`${field}.toMs`, f.toMs, fromMs, Infinity, `it must be >= fromMs (${fromMs}); leave it out for "never heals"`);
  const messages = f.messages ?? "drop";
  if (messages !== "drop" && messages !== "hold") throw new ConfigError(`${field}.messages`, messages, 'it must be "drop" or "hold"');
  return { fromMs, toMs, sides: normalizeSides(`${field}.sides`, f.sides, endpoints), holdRequests: messages === "hold" };
}
