/** Fully synchronous replication: wait for every follower the leader has. */
import { checkOptions } from "../config/check";
import { ackCommon, COMMON_KEYS, fallbackRule, type AckCommon, type AckOptions, type AckPolicyKind, type Membership } from "./rule";

export type SyncAllPolicy = { kind: "sync-all" } & AckCommon;

/** Wait for every follower: no acknowledged write is lost while any follower survives, but one slow follower slows every write. */
export function syncAll(o?: AckOptions): SyncAllPolicy {
  return syncAllKind.check({ ...o, kind: "sync-all" }, "ack");
}

/**
 * The official leader knows who follows it; a deposed leader still counts everyone, so it waits
 * forever rather than acknowledging alone. (One function for every sync-all rule, so the engines'
 * call to it keeps one target from run to run.)
 */
function syncAllNeeded(leader: number, cluster: Membership): number {
  return leader === cluster.leader ? cluster.followerCount(leader) : cluster.n - 1;
}

export const syncAllKind: AckPolicyKind<SyncAllPolicy> = {
  kind: "sync-all",
  check(raw, field) {
    checkOptions(field, raw, COMMON_KEYS);
    return { kind: "sync-all", ...ackCommon(raw, field) };
  },
  label: () => "sync-all",
  needs: (_, followers) => followers,
  compile(p, names) {
    const followers = names.length - 1;
    return {
      name: "sync-all",
      confirmStep: p.on,
      priority: null,
      neededAtStart: followers,
      needed: syncAllNeeded,
      fallback: fallbackRule(p.fallbackAfterMs),
    };
  },
};
