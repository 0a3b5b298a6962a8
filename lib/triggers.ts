/**
 * Faults triggered by what the protocol does rather than by the clock: "crash the leader right
 * after it acknowledges write 300", "cut the leader off when follower B is 50 writes behind". A
 * test or a notebook hits the exact moment that matters instead of hoping a time lands on it.
 *
 * Each trigger fires once, the first time its condition holds, and starts its fault at that
 * moment, for `forMs` (or until the end of the run).
 */
import { checkArray, checkOptions } from "./config/check";
import { ConfigError, checkInteger, checkNumber } from "./errors";
import { normalizeSides, type Endpoints } from "./partitions";

/** When a trigger fires. */
export type TriggerCondition =
  /** Right after the leader tells a client that the write with this index (0-based, in invocation order) committed. */
  | { afterAckOfWrite: number }
  /** As soon as the leader's log is this many entries ahead of what `follower` has received. */
  | { followerBehind: { follower: string; writes: number } };

/** What a trigger starts: a node fault ("leader" is whoever leads when it fires) or a partition. */
export type TriggeredFault =
  | { kind: "crash" | "pause" | "slow"; node: string; forMs?: number; factor?: number }
  | { kind: "partition"; sides: string[][]; forMs?: number; messages?: "drop" | "hold" };

export interface Trigger {
  when: TriggerCondition;
  then: TriggeredFault;
}

/** A checked trigger; node and follower names are node indices, -1 for "leader". */
export interface NormalizedTrigger {
  afterAckOf: number; // -1 if not this condition
  behindFollower: number; // -1 if not this condition
  behindWrites: number;
  fault:
    | { kind: "crash" | "pause" | "slow"; node: number; forMs: number; factor: number }
    | { kind: "partition"; sides: string[][]; forMs: number; holdRequests: boolean };
}

/** "leader" in `then.node`: whoever leads when the trigger fires. */
export const CURRENT_LEADER = -1;

export function normalizeTriggers(triggers: unknown, endpoints: Endpoints): NormalizedTrigger[] {
  if (triggers === undefined) return [];
  checkArray("triggers", triggers, 'triggers, e.g. [{ when: { afterAckOfWrite: 300 }, then: { kind: "crash", node: "leader" } }]');
  const nodes = endpoints.nodes;
  const nodeIndex = (field: string, name: unknown, leaderAllowed: boolean): number => {
    if (leaderAllowed && name === "leader") return CURRENT_LEADER;
    const i = typeof name === "string" ? nodes.indexOf(name) : -1;
    if (i < 0) throw new ConfigError(field, name, `it must name a node (${nodes.join(", ")})${leaderAllowed ? ' or "leader"' : ""}`);
    return i;
  };
  return triggers.map((t, i) => {
    const field = `triggers[${i}]`;
    checkOptions(field, t, ["when", "then"], "it must be { when, then }");
    const { when, then } = t as Trigger;
    checkOptions(`${field}.when`, when, ["afterAckOfWrite", "followerBehind"], 'it must be { afterAckOfWrite: N } or { followerBehind: { follower: "B", writes: K } }');
    let afterAckOf = -1;
    let behindFollower = -1;
    let behindWrites = 0;
    if ("afterAckOfWrite" in when) afterAckOf = checkInteger(`${field}.when.afterAckOfWrite`, when.afterAckOfWrite, 0);
    else if ("followerBehind" in when) {
      checkOptions(`${field}.when.followerBehind`, when.followerBehind, ["follower", "writes"], 'it must be { follower: "B", writes: K }');
      behindFollower = nodeIndex(`${field}.when.followerBehind.follower`, when.followerBehind.follower, false);
      if (behindFollower === 0) throw new ConfigError(`${field}.when.followerBehind.follower`, nodes[0], "it must name a follower, not the initial leader");
      behindWrites = checkInteger(`${field}.when.followerBehind.writes`, when.followerBehind.writes, 1);
    } else throw new ConfigError(`${field}.when`, when, 'it must be { afterAckOfWrite: N } or { followerBehind: { follower: "B", writes: K } }');
    const thenKeys = (then as { kind?: unknown })?.kind === "partition" ? ["kind", "sides", "forMs", "messages"] : ["kind", "node", "forMs", "factor"];
    checkOptions(`${field}.then`, then, thenKeys, 'it must be a fault such as { kind: "crash", node: "leader" } or { kind: "partition", sides: [["L"], ["A", "B"]] }');
    const forMs = then.forMs === undefined ? Infinity : checkNumber(`${field}.then.forMs`, then.forMs, 0, Infinity, "it must be a duration >= 0 ms; leave it out for until the end");
    let fault: NormalizedTrigger["fault"];
    if (then.kind === "partition") {
      const messages = then.messages ?? "drop";
      if (messages !== "drop" && messages !== "hold") throw new ConfigError(`${field}.then.messages`, messages, 'it must be "drop" or "hold"');
      fault = { kind: "partition", sides: normalizeSides(`${field}.then.sides`, then.sides, endpoints), forMs, holdRequests: messages === "hold" };
    } else if (then.kind === "crash" || then.kind === "pause" || then.kind === "slow") {
      const factor = then.factor === undefined ? 10 : checkNumber(`${field}.then.factor`, then.factor, 1, 1e6, "it must be a multiplier >= 1");
      if (then.factor !== undefined && then.kind !== "slow") throw new ConfigError(`${field}.then.factor`, then.factor, `only a "slow" fault has a factor (this one is "${then.kind}")`);
      fault = { kind: then.kind, node: nodeIndex(`${field}.then.node`, then.node, true), forMs, factor };
    } else throw new ConfigError(`${field}.then.kind`, (then as { kind: unknown }).kind, 'it must be "crash", "pause", "slow" or "partition"');
    return { afterAckOf, behindFollower, behindWrites, fault };
  });
}
